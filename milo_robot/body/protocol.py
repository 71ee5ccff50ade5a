# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The host side of the body serial protocol (docs/serial_protocol.md): COBS frames with CRC-16."""

import struct
from dataclasses import dataclass

PROTOCOL_VERSION = 1
MAX_PAYLOAD = 32
MIN_FRAME = 5  # seq, cmd, len, crc16
MAX_ENCODED = 40  # longest COBS encoding of a 37-byte frame, before the 0x00 delimiter

PING, SET_JOINTS, SET_LIGHT, ESTOP, RELEASE, GET_STATUS = 0x01, 0x02, 0x03, 0x04, 0x05, 0x06
REPLY = 0x80  # a reply's command is the request's with this bit set
NACK = 0x7F
HELLO = 0xC0

NACK_REASONS = {1: 'bad CRC', 2: 'bad length', 3: 'unknown command', 4: 'bad payload',
                5: 'emergency stop latched'}
ESTOPPED = 5

JOINTS = ('pan', 'tilt', 'jaw')
# Degrees the firmware allows (it clamps whatever it is sent); the host uses them to report.
JOINT_LIMITS_DEG = {'pan': (-80.0, 80.0), 'tilt': (-30.0, 30.0), 'jaw': (0.0, 40.0)}

PATTERNS = ('solid', 'blink', 'breathe')


class ProtocolError(ValueError):
    """A frame that cannot be decoded (bad COBS, length or CRC)."""


def crc16(data: bytes) -> int:
    """Return the CRC-16/CCITT-FALSE of `data` (poly 0x1021, init 0xFFFF)."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return crc


def cobs_encode(data: bytes) -> bytes:
    """COBS-encode `data` (the result holds no 0x00)."""
    out = bytearray()
    block = bytearray()
    for byte in data:
        if byte == 0:
            out += bytes([len(block) + 1]) + block
            block.clear()
        else:
            block.append(byte)
            if len(block) == 254:
                out += b'\xff' + block
                block.clear()
    out += bytes([len(block) + 1]) + block
    return bytes(out)


def cobs_decode(data: bytes) -> bytes:
    """Decode a COBS block (without its 0x00 delimiter); ProtocolError if it is malformed."""
    out = bytearray()
    i = 0
    while i < len(data):
        code = data[i]
        block = data[i + 1:i + code]
        if code == 0 or len(block) != code - 1 or 0 in block:
            raise ProtocolError('malformed COBS block')
        out += block
        i += code
        if code < 0xFF and i < len(data):
            out.append(0)
    return bytes(out)


@dataclass(frozen=True)
class Frame:
    """One decoded frame."""

    seq: int
    cmd: int
    payload: bytes = b''

    def encode(self) -> bytes:
        """Return the bytes on the wire: COBS(seq, cmd, len, payload, crc) then 0x00."""
        if len(self.payload) > MAX_PAYLOAD:
            raise ValueError(f'payload of {len(self.payload)} bytes (at most {MAX_PAYLOAD})')
        body = bytes([self.seq & 0xFF, self.cmd, len(self.payload)]) + self.payload
        return cobs_encode(body + struct.pack('<H', crc16(body))) + b'\x00'


def decode(block: bytes) -> Frame:
    """Decode one COBS block (delimiter removed) into a Frame; ProtocolError says what is wrong."""
    if len(block) > MAX_ENCODED:
        raise ProtocolError(f'oversized frame ({len(block)} bytes)')
    raw = cobs_decode(block)
    if len(raw) < MIN_FRAME:
        raise ProtocolError(f'truncated frame ({len(raw)} bytes)')
    body, (crc,) = raw[:-2], struct.unpack('<H', raw[-2:])
    if crc16(body) != crc:
        raise ProtocolError('bad CRC')
    if body[2] != len(body) - 3:
        raise ProtocolError(f'length field {body[2]} but {len(body) - 3} payload bytes')
    return Frame(body[0], body[1], bytes(body[3:]))


class FrameReader:
    """Split a byte stream into COBS blocks; garbage before the first delimiter is dropped."""

    def __init__(self, synced: bool = False):
        """Start in sync only if the input was just flushed (`synced`).

        Otherwise the first block may be the tail of an earlier frame, and is dropped.
        """
        self._buffer = bytearray()
        self._synced = synced

    def feed(self, data: bytes):
        """Yield a Frame or a ProtocolError for every complete block in `data`."""
        self._buffer += data
        while True:
            end = self._buffer.find(0)
            if end < 0:
                if len(self._buffer) > 4 * MAX_ENCODED:  # no delimiter for long: garbage
                    self._buffer.clear()
                    yield ProtocolError('garbage without frame delimiter')
                return
            block = bytes(self._buffer[:end])
            del self._buffer[:end + 1]
            if not self._synced:
                self._synced = True
                continue
            if not block:
                continue  # an idle delimiter
            try:
                yield decode(block)
            except ProtocolError as exc:
                yield exc


def deci(degrees: float) -> int:
    """Return an angle in decidegrees as the int16 the protocol carries (saturated)."""
    return max(-32768, min(32767, round(degrees * 10)))


def set_joints_payload(targets: dict) -> bytes:
    """Payload of SET_JOINTS for {'pan': deg, ...}; joints not named keep their target."""
    mask = 0
    values = []
    for bit, name in enumerate(JOINTS):
        if name in targets:
            mask |= 1 << bit
        values.append(deci(targets.get(name, 0.0)))
    return struct.pack('<B3h', mask, *values)


def set_light_payload(rgb, pattern: str = 'solid', period_s: float = 1.0) -> bytes:
    """Payload of SET_LIGHT: colour 0-255 each, pattern, period (0.01 to 2.55 s)."""
    r, g, b = (max(0, min(255, int(c))) for c in rgb)
    period = max(1, min(255, round(period_s * 100)))
    return bytes([r, g, b, PATTERNS.index(pattern), period])


@dataclass(frozen=True)
class Status:
    """The device's STATUS reply."""

    estop: bool
    link_lost: bool
    moving: bool
    watchdog_reset: bool
    position: dict  # degrees
    target: dict
    rx_ok: int
    rx_bad: int
    reset_cause: int
    light: tuple  # r, g, b, pattern
    estop_restored: bool = False  # the stop was read from the board's EEPROM at its boot

    @classmethod
    def parse(cls, payload: bytes) -> 'Status':
        """Parse a STATUS payload (22 bytes)."""
        if len(payload) != 22:
            raise ProtocolError(f'status of {len(payload)} bytes (22 expected)')
        flags, *rest = struct.unpack('<B6h2HB4B', payload)
        position = {n: v / 10 for n, v in zip(JOINTS, rest[0:3])}
        target = {n: v / 10 for n, v in zip(JOINTS, rest[3:6])}
        return cls(bool(flags & 1), bool(flags & 2), bool(flags & 4), bool(flags & 8),
                   position, target, rest[6], rest[7], rest[8], tuple(rest[9:13]), bool(flags & 16))


@dataclass(frozen=True)
class Version:
    """Firmware and protocol versions, from PONG or HELLO."""

    firmware: str
    protocol: int

    @classmethod
    def from_pong(cls, payload: bytes) -> 'Version':
        """Parse a PONG payload: fw major, minor, patch, protocol."""
        if len(payload) != 4:
            raise ProtocolError(f'pong of {len(payload)} bytes (4 expected)')
        return cls('.'.join(str(b) for b in payload[:3]), payload[3])
