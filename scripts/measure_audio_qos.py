# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Measure how many audio frames a subscriber loses when its process stops for a while.

A publisher sends 32 ms frames (1 kB, like /audio/frames) at real time for 8 s; after 2 s it
stops the subscriber's process with SIGSTOP for `--stall` seconds, then lets it go on (SIGCONT).
The subscriber counts the frames it received. One line of JSON per QoS tried: lost frames, the
slowest publish, the subscriber's memory. docs/hearing.md gives the figures that chose the
audio QoS (milo_robot.interfaces.topics.AUDIO_QOS). Run it with the ROS environment of the
tests (ROS_DOMAIN_ID, ROS_AUTOMATIC_DISCOVERY_RANGE=LOCALHOST):

    python scripts/measure_audio_qos.py --qos best_effort:50 reliable:100 reliable:500 --stall 2
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import time

FRAME_S = 0.032
SEND_S = 8.0
STOP_AT_S = 2.0
TOPIC = '/milo_qos_probe'
END = 999_999  # the stamp (s) of the message that ends the subscriber


def profile(reliable: bool, depth: int):
    """Return the QoS profile of one try."""
    from rclpy.qos import DurabilityPolicy, HistoryPolicy, QoSProfile, ReliabilityPolicy

    return QoSProfile(history=HistoryPolicy.KEEP_LAST, depth=depth, durability=DurabilityPolicy.VOLATILE,
                      reliability=ReliabilityPolicy.RELIABLE if reliable else ReliabilityPolicy.BEST_EFFORT)


def subscriber(reliable: bool, depth: int) -> None:
    """Count the frames received (their numbers), until the end message; print them as JSON."""
    import rclpy
    from sensor_msgs.msg import Image

    rclpy.init()
    node = rclpy.create_node('milo_qos_subscriber')
    got = []
    node.create_subscription(Image, TOPIC, lambda m: got.append(m.header.stamp.sec),
                             profile(reliable, depth))
    print('ready', flush=True)
    while not got or got[-1] != END:
        rclpy.spin_once(node, timeout_sec=0.05)
    with open('/proc/self/status') as f:
        rss_kb = int(next(line for line in f if line.startswith('VmRSS')).split()[1])
    print(json.dumps({'got': got[:-1], 'rss_kb': rss_kb}), flush=True)


def measure(reliable: bool, depth: int, stall_s: float) -> dict:
    """Run one try: a subscriber process stopped for `stall_s` while frames are sent."""
    import rclpy
    from sensor_msgs.msg import Image

    sub = subprocess.Popen([sys.executable, __file__, '--subscriber', f'{int(reliable)}:{depth}'],
                           stdout=subprocess.PIPE, text=True)
    assert sub.stdout.readline().strip() == 'ready'
    node = rclpy.create_node('milo_qos_publisher')
    pub = node.create_publisher(Image, TOPIC, profile(reliable, depth))
    while pub.get_subscription_count() < 1:
        time.sleep(0.02)
    time.sleep(0.5)  # matching is not symmetric: let the subscriber match too
    frames, slowest = int(SEND_S / FRAME_S), 0.0
    stop, go_on = int(STOP_AT_S / FRAME_S), int((STOP_AT_S + stall_s) / FRAME_S)
    started = time.monotonic()
    for i in range(frames):
        if i == stop:
            os.kill(sub.pid, signal.SIGSTOP)
        if i == go_on:
            os.kill(sub.pid, signal.SIGCONT)
        msg = Image(height=1, width=512, encoding='16SC1', step=1024, data=bytes(1024))
        msg.header.stamp.sec = i
        before = time.perf_counter()
        pub.publish(msg)
        slowest = max(slowest, time.perf_counter() - before)
        time.sleep(max(0.0, started + (i + 1) * FRAME_S - time.monotonic()))
    end = Image()
    end.header.stamp.sec = END
    while sub.poll() is None:  # the end message may be lost (best effort): send it until heard
        pub.publish(end)
        time.sleep(0.1)
    report = json.loads(sub.stdout.read().strip().splitlines()[-1])
    node.destroy_node()
    received = set(report['got'])
    return {'qos': 'reliable' if reliable else 'best_effort', 'depth': depth, 'stall_s': stall_s,
            'sent': frames, 'lost': frames - len(received),
            'in_order': report['got'] == sorted(report['got']),
            'slowest_publish_ms': round(slowest * 1000, 2),
            'subscriber_rss_mb': round(report['rss_kb'] / 1024, 1)}


def main(argv=None) -> int:
    """Try each QoS given and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--qos', nargs='+', default=['best_effort:50', 'reliable:50', 'reliable:500'],
                        metavar='KIND:DEPTH', help='best_effort or reliable, and the history depth')
    parser.add_argument('--stall', type=float, default=2.0, metavar='S',
                        help=f'how long the subscriber is stopped (at most {SEND_S - STOP_AT_S:g} s)')
    parser.add_argument('--subscriber', help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.subscriber:
        reliable, depth = args.subscriber.split(':')
        subscriber(reliable == '1', int(depth))
        return 0
    import rclpy

    rclpy.init()
    try:
        for spec in args.qos:
            kind, _, depth = spec.partition(':')
            if kind not in ('best_effort', 'reliable') or not depth.isdigit():
                parser.error(f'--qos {spec}: expected best_effort:DEPTH or reliable:DEPTH')
            print(json.dumps(measure(kind == 'reliable', int(depth), args.stall)), flush=True)
    finally:
        rclpy.try_shutdown()
    return 0


if __name__ == '__main__':
    sys.exit(main())
