# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Milo's vision: camera frames, face boxes, face tracks, and where the head should look.

Plain Python on OpenCV, no ROS: the camera node wraps it. No face image leaves this package:
detections and tracks are boxes, scores and ids, never pixels, and nobody is identified.
"""
