# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""After class: when lectures start and end, their course and title, summaries and notes packs (no ROS)."""
