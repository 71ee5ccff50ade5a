# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Milo's body: the serial protocol to the head/light microcontroller, the link, safety, expressions."""
