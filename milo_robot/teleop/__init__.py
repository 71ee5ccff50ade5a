# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Keyboard teleoperation for the robotics club."""
