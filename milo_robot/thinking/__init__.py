# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Thinking: retrieval over the lecture and notes, and grounded answers from a small local model."""
