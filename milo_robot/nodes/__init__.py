# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Thin rclpy wrappers: each node maps its parameters and topics onto a capability module."""
