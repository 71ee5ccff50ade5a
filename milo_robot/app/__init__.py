# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The Milo app, served by the robot: students revise, teachers see their class, the club drives.

Plain Python (FastAPI, Jinja2 pages, a little JavaScript), without ROS: `milo app` serves it over
a record file, and the web node serves the same app inside the graph with the backends of
`ros_bridge`, the only module here that imports ROS.
"""
