# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Camera node: faces in the class, and where the head looks (through the body's arbitration).

Frames come from a USB camera on the robot, or a video file in sim mode. No image leaves the node
unless `publish_image` is set, nothing is stored, and nobody is identified: only face boxes and
their track ids are published. The body node's light shows when the camera is on.
"""

import math
import threading
import time

from sensor_msgs.msg import CameraInfo, JointState
from std_msgs.msg import Bool

from milo_robot.devices import DevicePolicy
from milo_robot.graph import resolve_path
from milo_robot.interfaces import diagnostics as d
from milo_robot.interfaces import topics as t
from milo_robot.interfaces.payloads import Faces
from milo_robot.nodes.base import MiloNode, run
from milo_robot.parameters import ParameterError, ParamSpec
from milo_robot.vision.attention import Attention, AttentionSettings
from milo_robot.vision.geometry import focal_length
from milo_robot.vision.pipeline import RATE_HZ, FacePipeline
from milo_robot.vision.source import CameraError, FrameSource

PARAMETERS = (
    ParamSpec('source', '', 'The camera: "" for none, a device index ("0") or path (/dev/video0), '
              'or a video file or image sequence (sim mode); relative paths are relative to the '
              'repository'),
    ParamSpec('enabled', True, 'The camera-off switch (also /camera/enable from teleop and the app)',
              live=True),
    ParamSpec('rate_hz', RATE_HZ, 'Frames processed per second', min=0.5, max=30.0),
    ParamSpec('width', 320, 'Width frames are shrunk to for processing (px)', min=80, max=1280),
    ParamSpec('hfov_deg', 60.0, "The camera's horizontal field of view (degrees)", min=10.0, max=170.0),
    ParamSpec('on_head', True, 'The camera turns with the head (on the robot); false for a camera '
              'fixed to the body or a video (sim mode): its view does not move when the head does'),
    ParamSpec('speed', 1.0, 'Video files: playback speed (1.0 real time)', min=0.1, max=10.0),
    ParamSpec('loop', True, 'Video files: start again at the end'),
    ParamSpec('retry_s', 1.0, 'First pause before reopening a camera that failed; it doubles up to '
              '10 s while the camera keeps failing', min=0.1, max=10.0),
    ParamSpec('publish_image', False, 'Publish the processed frames on /camera/image (off: no image '
              'of the class leaves the node)'),
    ParamSpec('teacher_pan_deg', 0.0, "The teacher's direction (head pan, degrees), with "
              'teacher_fixed', min=-90.0, max=90.0),
    ParamSpec('teacher_fixed', False, 'Look for the teacher near teacher_pan_deg (else: the face '
              'tracked longest)'),
    ParamSpec('scan_amplitude_deg', 30.0, 'With no face in view, the head scans this far either side',
              min=0.0, max=80.0),
)


class CameraNode(MiloNode):
    """Frames in (a worker thread), face boxes and head targets out."""

    PARAMETERS = PARAMETERS

    def __init__(self, **options):
        """Check the attention settings, subscribe, and start the camera worker."""
        super().__init__('camera', **options)
        p = self.params
        try:
            self._attention = Attention(AttentionSettings(
                hfov_deg=p.hfov_deg, teacher_pan=p.teacher_pan_deg if p.teacher_fixed else None,
                scan_amplitude_deg=p.scan_amplitude_deg))
        except ValueError as exc:
            raise ParameterError(str(exc)) from exc
        self._faces = self.publisher(t.CAMERA_FACES)
        self._info = self.publisher(t.CAMERA_INFO)
        self._image = self.publisher(t.CAMERA_IMAGE) if p.publish_image else None
        self._active = self.publisher(t.CAMERA_ACTIVE)
        self._head = self.publisher(t.BODY_JOINT_COMMANDS)
        self._state, self._speech, self._pan, self._tilt = 'idle', False, 0.0, 0.0
        self._addressed = threading.Event()
        self._enabled = threading.Event()
        self._stop = threading.Event()
        self._policy = DevicePolicy('camera', self.health, self.get_logger().error, p.retry_s)
        self.subscribe(t.ROBOT_STATE, lambda s: setattr(self, '_state', s.state))
        self.subscribe(t.VAD_SPEECH, lambda m: setattr(self, '_speech', bool(m.data)))
        self.subscribe(t.JOINT_STATES, self._on_joints)
        self.subscribe(t.BRAIN_QUESTION, lambda q: q.origin == 'voice' and self._addressed.set())
        self.subscribe(t.CAMERA_ENABLE, lambda m: self._switch(bool(m.data)))
        self._switch(p.enabled and bool(p.source))
        if not p.source:
            self.get_logger().info('no camera configured (source is empty)')
        self._worker = self.start_worker('camera', self._work)

    def on_parameter_changed(self, name: str, value) -> None:
        """Apply the camera-off switch at once."""
        if name == 'enabled':
            self._switch(value)

    def _switch(self, on: bool) -> None:
        on = on and bool(self.params.source)
        (self._enabled.set if on else self._enabled.clear)()
        self._active.publish(Bool(data=on))
        self.health.set(d.CAMERA, 'on' if on else 'off')

    def _on_joints(self, msg: JointState) -> None:
        angles = {n: math.degrees(v) for n, v in zip(msg.name, msg.position) if math.isfinite(v)}
        self._pan, self._tilt = angles.get('pan', self._pan), angles.get('tilt', self._tilt)

    def _work(self) -> None:
        p = self.params
        source = FrameSource(resolve_path(p.source) if p.source and not p.source.isdigit() else p.source,
                             speed=p.speed, loop=p.loop) if p.source else None
        pipeline = FacePipeline(width=p.width)
        period = 1.0 / p.rate_hz
        while not self._stop.is_set():
            self.beat('camera')
            if self._state == 'thinking':  # the model needs the cores; the gaze has no opinion now
                self._stop.wait(0.1)
                continue
            if source is None or not self._enabled.is_set():
                if source is not None and source.is_open:
                    source.close()  # off means off: the device is released
                self._stop.wait(0.2)
                continue
            began = time.monotonic()
            try:
                frame = source.read()
                self._policy.worked()
            except CameraError as exc:
                source.close()
                self._stop.wait(self._policy.failed(exc))
                continue
            self._process(pipeline, frame)
            self._stop.wait(max(0.0, period - (time.monotonic() - began)))
        if source is not None:
            source.close()

    def _process(self, pipeline: FacePipeline, frame) -> None:
        now = time.monotonic()
        tracks = pipeline.process(frame, now)
        size = pipeline.image_size
        # A fixed camera sees from the body's straight-ahead: face angles are already absolute.
        pan, tilt = (self._pan, self._tilt) if self.params.on_head else (0.0, 0.0)
        gaze = self._attention.update(self._state, tracks, pan, tilt, size, self._speech,
                                      self._addressed.is_set())
        self._addressed.clear()
        self.health.count('frames')
        self.health.set('faces', len(tracks))
        self.health.activity()
        if gaze is not None:
            self._head.publish(JointState(name=['pan', 'tilt'],
                                          position=[math.radians(gaze.pan), math.radians(gaze.tilt)]))
            self.health.set('gaze', gaze.reason)
        if self._attention.guess is not None:
            self.health.set('speaker_guess', self._attention.guess.method)
        boxes = tuple(tuple(min(4096.0, max(0.0, float(v))) for v in (tr.box.x, tr.box.y, tr.box.w,
                                                                         tr.box.h)) for tr in tracks)
        self._faces.publish(Faces(time.time(), size[0], size[1], tuple(tr.id for tr in tracks), boxes,
                                  tuple(min(1000.0, max(0.0, float(tr.mouth_motion))) for tr in tracks),
                                  gaze.reason if gaze else '').to_msg())
        self._info.publish(self._camera_info(size))
        if self._image is not None:
            from milo_robot.vision.source import downscale
            small = downscale(frame, size[0])
            self._image.publish(_image_msg(small, self.get_clock().now().to_msg()))

    def _camera_info(self, size: tuple) -> CameraInfo:
        f = focal_length(size[0], self.params.hfov_deg)
        info = CameraInfo(width=size[0], height=size[1], distortion_model='plumb_bob')
        info.k = [f, 0.0, size[0] / 2, 0.0, f, size[1] / 2, 0.0, 0.0, 1.0]
        info.header.stamp = self.get_clock().now().to_msg()
        info.header.frame_id = 'camera'
        return info

    def summary(self) -> str:
        """Say whether the camera is on and what it sees."""
        return 'camera off' if not self._enabled.is_set() else 'watching'

    def close(self) -> None:
        """Stop the worker and release the camera."""
        self._stop.set()
        self._worker.join(timeout=5.0)


def _image_msg(frame, stamp):
    from sensor_msgs.msg import Image

    height, width = frame.shape[:2]
    msg = Image(height=height, width=width, encoding='bgr8', is_bigendian=0, step=width * 3,
                data=frame.tobytes())
    msg.header.stamp, msg.header.frame_id = stamp, 'camera'
    return msg


NODE = CameraNode  # what milo_robot.graph starts, alone or in a group


def main(args=None):
    """Run the camera node."""
    raise SystemExit(run(CameraNode, args))


if __name__ == '__main__':
    main()
