# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Speaking: text normalisation, voices (Piper, espeak-ng), and gapless, interruptible playback."""
