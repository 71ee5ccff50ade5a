# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Benchmarks behind BENCHMARKS.md: each measures a key, records its median, command and machine."""
