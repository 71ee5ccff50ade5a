# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Conversation: who is talking to Milo, when a turn ends, what to answer, and the question log."""
