# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Milo, an offline AI student robot: capabilities as plain modules, ROS 2 nodes as thin wrappers."""

__version__ = '0.1.0'
