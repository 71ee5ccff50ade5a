# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Compute with the formulas the class stated: read, bind, evaluate, check."""
