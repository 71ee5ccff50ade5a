# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Body benchmarks on the real firmware in the simulator: round trip, command → PWM, fuzzing."""

import random
import time
from dataclasses import dataclass

import serial

from milo_robot.bench.results import result
from milo_robot.body import protocol as p
from milo_robot.body.link import SerialLink
from milo_robot.body.simulator import SimulatedBody

COMMAND = 'milo bench --only body'
FUZZ_SEQ = 0xFF  # the fuzzer's own status requests; fuzz replies never carry cmd 0x86 with it
# A known-command frame with a payload of the wrong size must be refused (BAD_PAYLOAD).
_SIZES = {p.PING: 0, p.SET_JOINTS: 7, p.SET_LIGHT: 5, p.ESTOP: 0, p.RELEASE: 0, p.GET_STATUS: 0}
FUZZ_POSE = {'pan': 20.0, 'tilt': -10.0, 'jaw': 5.0}
FUZZ_LIGHT = (10, 20, 30)


def _valid_frame(rng: random.Random) -> bytes:
    cmd = rng.choice(list(_SIZES))
    return p.Frame(rng.randrange(256), cmd, bytes(rng.randrange(256) for _ in range(_SIZES[cmd]))).encode()


def _acts(block: bytes) -> bool:
    """Return whether the firmware must execute this block (a valid, known command)."""
    try:
        frame = p.decode(block)
    except p.ProtocolError:
        return False
    return _SIZES.get(frame.cmd) == len(frame.payload)


def bad_frame(rng: random.Random) -> bytes:
    """Return one hostile frame (delimiter included) that no correct firmware may act on."""
    while True:
        kind = rng.randrange(7)
        if kind == 0:  # random bytes
            wire = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 60))) + b'\x00'
        elif kind == 1:  # a valid frame with a few bits flipped
            wire = bytearray(_valid_frame(rng))
            for _ in range(rng.randrange(1, 4)):
                wire[rng.randrange(len(wire) - 1)] ^= 1 << rng.randrange(8)
            wire = bytes(wire)
        elif kind == 2:  # truncated
            whole = _valid_frame(rng)
            wire = whole[:rng.randrange(1, len(whole) - 1)] + b'\x00'
        elif kind == 3:  # oversized
            wire = p.cobs_encode(bytes(rng.randrange(256) for _ in range(rng.randrange(38, 120)))) + b'\x00'
        elif kind == 4:  # unknown command, good CRC
            cmd = rng.choice([c for c in range(256) if c not in _SIZES])
            payload = bytes(rng.randrange(256) for _ in range(rng.randrange(8)))
            wire = p.Frame(rng.randrange(256), cmd, payload).encode()
        elif kind == 5:  # known command, wrong payload size, good CRC
            cmd = rng.choice(list(_SIZES))
            size = rng.choice([n for n in range(12) if n != _SIZES[cmd]])
            wire = p.Frame(rng.randrange(256), cmd, bytes(rng.randrange(256) for _ in range(size))).encode()
        else:  # length field lying about the payload, good CRC
            body = bytes([rng.randrange(256), p.SET_JOINTS, rng.choice([0, 3, 9, 32, 200])]) + bytes(7)
            wire = p.cobs_encode(body + p.crc16(body).to_bytes(2, 'little')) + b'\x00'
        blocks = wire.split(b'\x00')[:-1]
        if not any(_acts(b) for b in blocks if b):  # a flip can, rarely, make a valid frame
            return wire


@dataclass
class FuzzResult:
    """What a fuzz run found."""

    frames: int
    wrong_actuations: int
    hangs: int
    link_losses: int  # batches where the firmware saw 500 ms without a valid frame (excluded)
    seconds: float


def _status(port, reader: p.FrameReader, timeout: float = 2.0):
    """Ask for the status with the fuzzer's seq; None if no answer (a hang)."""
    port.write(b'\x00' + p.Frame(FUZZ_SEQ, p.GET_STATUS).encode())
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for item in reader.feed(port.read(max(1, port.in_waiting))):
            if isinstance(item, p.Frame) and item.cmd == p.GET_STATUS | p.REPLY and item.seq == FUZZ_SEQ:
                return p.Status.parse(item.payload)
    return None


def _wrong_actuations(events: list) -> int:
    """Count servo pulses off the fuzzer's pose and light settings other than its light."""
    return sum(1 for _, kind, values in events
               if (kind == 'servo' and abs(float(values[1]) - 1500.0
                                          - 10 * FUZZ_POSE[p.JOINTS[int(values[0])]]) >= 1.0)
               or (kind == 'led' and tuple(int(v) for v in values) != FUZZ_LIGHT))


def fuzz(frames: int, seed: int = 1, batch_size: int = 16, speed: float = 4.0) -> FuzzResult:
    """Send `frames` hostile frames to the firmware; count actuations and hangs.

    The simulator runs `speed` times faster than real time: faster, and the host's own pauses
    would look like a lost link to the firmware (which then rightly moves to its safe pose).
    """
    rng = random.Random(seed)
    sim = SimulatedBody(speed=speed)
    try:
        link = SerialLink(sim.port)
        link.request(p.SET_JOINTS, p.set_joints_payload(FUZZ_POSE))
        link.request(p.SET_LIGHT, p.set_light_payload(FUZZ_LIGHT))
        sim.wait_for(lambda s: s.angles() == FUZZ_POSE and s.light == FUZZ_LIGHT, timeout=10.0)
        link.close()
        port = serial.serial_for_url(sim.port, baudrate=115200, timeout=0.01)
        reader = p.FrameReader()
        wrong = hangs = losses = sent = 0
        checked_events = len(sim.events)
        # The events read after a status are judged at the next one, once it shows the link held
        # in between: a host slowed by other work can lose the link just after a status, and the
        # firmware's safe pose (latched until the next SET_JOINTS) is then no wrong actuation.
        pending = []
        started = time.monotonic()
        while True:
            batch = sent < frames
            resets = sim.resets
            if batch:
                count = min(batch_size, frames - sent)
                port.write(b''.join(bad_frame(rng) for _ in range(count)))
                sent += count
            status = _status(port, reader)
            hangs += sim.resets - resets  # a watchdog reset means the firmware hung
            if status is None:
                hangs += 1
                port.reset_input_buffer()
                reader = p.FrameReader()
                pending = []
            elif status.link_lost:  # the host was too slow: the firmware rightly went to its safe pose
                losses += 1
                port.write(p.Frame(FUZZ_SEQ - 1, p.SET_JOINTS, p.set_joints_payload(FUZZ_POSE)).encode())
                sim.wait_for(lambda s: s.angles() == FUZZ_POSE, timeout=10.0)
                checked_events, pending = len(sim.events), []
            else:
                wrong += _wrong_actuations(pending)
                pending = list(sim.events)[checked_events:]
                checked_events += len(pending)
            if not batch:
                break
        elapsed = time.monotonic() - started
        port.close()
        return FuzzResult(sent, wrong, hangs + (0 if sim.alive else 1), losses, elapsed)
    finally:
        sim.stop()


def serial_rtt() -> dict:
    """Round trip of a PING over the simulated serial link (ms)."""
    sim = SimulatedBody()
    try:
        time.sleep(0.3)
        link = SerialLink(sim.port)
        link.request(p.PING)
        samples = []
        for _ in range(500):
            start = time.perf_counter()
            link.request(p.PING)
            samples.append((time.perf_counter() - start) * 1000)
        link.close()
    finally:
        sim.stop()
    note = 'PING/PONG, 115200 baud, firmware in simavr at real time'
    return {'serial_rtt_p50_ms': result(samples, 'ms', COMMAND, note),
            'serial_rtt_p99_ms': result(samples, 'ms', COMMAND, note, percentile=99)}


def cmd_to_pwm_latency() -> dict:
    """From writing SET_JOINTS to the first servo pulse that changed (ms)."""
    sim = SimulatedBody()
    samples = []
    try:
        time.sleep(0.3)
        link = SerialLink(sim.port)
        for i in range(40):
            target = 10.0 if i % 2 == 0 else -10.0
            before = len(sim.events)
            start_ns = time.monotonic_ns()
            link.request(p.SET_JOINTS, p.set_joints_payload({'pan': target}))
            sim.wait_for(lambda s: any(kind == 'servo' and values[0] == '0'
                                       for _, kind, values in list(s.events)[before:]), timeout=2.0)
            moved = [ns for ns, kind, values in list(sim.events)[before:]
                     if kind == 'servo' and values[0] == '0']
            if moved:
                samples.append((moved[0] - start_ns) / 1e6)
            time.sleep(0.15)
        link.close()
    finally:
        sim.stop()
    return {'cmd_to_pwm_latency_p50_ms': result(
        samples, 'ms', COMMAND, 'SET_JOINTS written → first changed pan pulse measured on the pin '
        '(the 50 Hz servo frame adds up to 20 ms)')}


def fuzz_run() -> dict:
    """100,000 hostile frames against the firmware in the simulator (4x real time)."""
    outcome = fuzz(100_000)
    note = (f'random, bit-flipped, truncated, oversized, unknown-command, wrong-size and lying-length '
            f'frames in batches of 16, each batch followed by a status check; {outcome.link_losses} '
            f'batches saw a link timeout and were not judged; {outcome.seconds:.0f} s')
    return {'fuzz_frames': result([outcome.frames], 'frames', COMMAND, note),
            'fuzz_wrong_actuations': result([outcome.wrong_actuations], 'count', COMMAND, note),
            'fuzz_hangs': result([outcome.hangs], 'count', COMMAND, note)}


BENCHMARKS = (serial_rtt, cmd_to_pwm_latency, fuzz_run)
