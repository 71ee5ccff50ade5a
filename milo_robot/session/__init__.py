# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Scripted sim-mode sessions: run the graph on a spoken session, observe it, judge and time it."""
