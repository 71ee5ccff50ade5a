# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The `milo` command: each capability as a command, running the same code as its node."""
