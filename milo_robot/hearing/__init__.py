# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Hearing: voice activity detection, speech recognition and the lecture record."""
