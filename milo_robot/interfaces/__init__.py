# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The one owner of Milo's contracts: topics, services, QoS profiles and payloads.

- `topics`: every topic (name, message type, QoS, payload class, who publishes and subscribes)
  and every service.
- `payloads`: the structured payloads (JSON in std_msgs/String) as checked dataclasses, and the
  vocabularies they use (robot states, modes, roles...).
- `fields`: the field checks and `PayloadError`, the one error for an invalid payload.
- `audio`: audio frames in sensor_msgs/Image.
- `docs`: renders docs/interfaces.md's generated tables from all of the above.

Payload and vocabulary modules import no ROS, so capability code can use them.
"""

from milo_robot.interfaces.fields import PayloadError

__all__ = ['PayloadError']
