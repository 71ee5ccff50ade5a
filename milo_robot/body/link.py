# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""A request/reply serial link to the body's microcontroller: sequence numbers, retries, NACKs."""

import time

import serial

from milo_robot.body import protocol as p


class LinkDown(OSError):
    """The serial port is gone (unplugged) or cannot be opened."""


class LinkTimeout(OSError):
    """The device did not answer a request, even after retries."""


class Nacked(OSError):
    """The device refused a request."""

    def __init__(self, cmd: int, code: int):
        """Remember the refused command and the device's reason code."""
        super().__init__(f'command 0x{cmd:02x} refused: {p.NACK_REASONS.get(code, f"code {code}")}')
        self.code = code


class SerialLink:
    """One open serial port; `request` sends a command and waits for its reply (one at a time)."""

    def __init__(self, port: str, baud: int = 115200, reply_timeout_s: float = 0.1,
                 retries: int = 2):
        """Open `port` (a device path, a pty, or a pyserial URL); LinkDown if it cannot be.

        DTR and RTS stay low: on an Uno, raising DTR resets the board (docs/body.md says when it
        still does).
        """
        try:
            self._serial = serial.serial_for_url(port, baudrate=baud, timeout=0.01,
                                                 write_timeout=0.5, dsrdtr=False, rtscts=False,
                                                 do_not_open=True)
            self._serial.dtr = False  # applied by open(), instead of pyserial's default (raised)
            self._serial.rts = False
            self._serial.open()
            self._serial.reset_input_buffer()
            self._serial.write(b'\x00')  # ends any partial frame the device holds
        except (serial.SerialException, OSError) as exc:
            raise LinkDown(f'cannot open {port}: {exc}') from exc
        self.port = port
        self._reader = p.FrameReader(synced=True)  # the input was flushed when opening
        self._pending = []
        self._seq = 0
        self._reply_timeout_s = reply_timeout_s
        self._retries = retries
        self.device_resets = 0  # HELLO frames seen: the device rebooted and lost its state
        self.garbage = 0  # bytes the host could not decode into a frame
        self.stray = 0  # replies matching no request (late, or NACKs of corrupted frames)
        self.retransmits = 0
        self.last_problem = ''

    def close(self) -> None:
        """Close the port."""
        try:
            self._serial.close()
        except (serial.SerialException, OSError):
            pass

    def _next_seq(self) -> int:
        self._seq = self._seq % 255 + 1  # 0 is the device's own (HELLO)
        return self._seq

    def request(self, cmd: int, payload: bytes = b'') -> p.Frame:
        """Send a command, return its reply; Nacked, LinkTimeout or LinkDown otherwise."""
        seq = self._next_seq()
        data = p.Frame(seq, cmd, payload).encode()
        for attempt in range(self._retries + 1):
            if attempt:
                self.retransmits += 1
            self._write(data)
            reply = self._await(seq, time.monotonic() + self._reply_timeout_s)
            if reply is None:
                continue
            if reply.cmd == p.NACK and reply.payload[1:2] == bytes([1]):
                continue  # our frame was corrupted on the way: send it again
            if reply.cmd == p.NACK:
                raise Nacked(cmd, reply.payload[1] if len(reply.payload) > 1 else 0)
            if reply.cmd != cmd | p.REPLY:
                raise p.ProtocolError(f'reply 0x{reply.cmd:02x} to command 0x{cmd:02x}')
            return reply
        raise LinkTimeout(f'no reply to command 0x{cmd:02x} after {self._retries + 1} tries')

    def _write(self, data: bytes) -> None:
        try:
            self._serial.write(data)
        except (serial.SerialException, OSError) as exc:
            raise LinkDown(f'{self.port}: {exc}') from exc

    def _await(self, seq: int, deadline: float):
        """Read frames until the reply with `seq` comes (returned) or the deadline (None)."""
        while True:
            while self._pending:
                frame = self._pending.pop(0)
                if frame.seq == seq and frame.cmd != p.HELLO:
                    return frame
                self._unsolicited(frame)
            if time.monotonic() > deadline:
                return None
            try:
                data = self._serial.read(max(1, self._serial.in_waiting))
            except (serial.SerialException, OSError, TypeError) as exc:
                raise LinkDown(f'{self.port}: {exc}') from exc
            for item in self._reader.feed(data):
                if isinstance(item, p.ProtocolError):
                    self.garbage += 1
                    self.last_problem = f'garbage from the device: {item}'
                else:
                    self._pending.append(item)

    def _unsolicited(self, frame: p.Frame) -> None:
        if frame.cmd == p.HELLO:
            self.device_resets += 1
        else:
            self.stray += 1
