# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Audio devices (real and file-backed) and the conversions between them and the graph's format."""
