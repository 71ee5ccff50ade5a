/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright 2026 The Milo robot authors */
/* Wire constants of the body serial protocol (docs/serial_protocol.md). */
#ifndef MILO_PROTOCOL_H
#define MILO_PROTOCOL_H

#define CMD_PING 0x01
#define CMD_SET_JOINTS 0x02
#define CMD_SET_LIGHT 0x03
#define CMD_ESTOP 0x04
#define CMD_RELEASE 0x05
#define CMD_GET_STATUS 0x06
#define CMD_REPLY 0x80 /* a reply's command is the request's with this bit set */
#define CMD_NACK 0x7F
#define CMD_HELLO 0xC0

#define ERR_BAD_CRC 1
#define ERR_BAD_LENGTH 2
#define ERR_UNKNOWN_COMMAND 3
#define ERR_BAD_PAYLOAD 4
#define ERR_ESTOPPED 5

#define PATTERN_SOLID 0
#define PATTERN_BLINK 1
#define PATTERN_BREATHE 2

#define STATUS_ESTOP 0x01
#define STATUS_LINK_LOST 0x02
#define STATUS_MOVING 0x04
#define STATUS_WATCHDOG_RESET 0x08
#define STATUS_ESTOP_RESTORED 0x10

#define MAX_PAYLOAD 32
#define FRAME_OVERHEAD 5 /* seq, cmd, len, crc16 */
#define MAX_FRAME (MAX_PAYLOAD + FRAME_OVERHEAD)
#define MAX_ENCODED 40 /* longer blocks before a 0x00 are dropped */

#define SET_JOINTS_LEN 7
#define SET_LIGHT_LEN 5
#define STATUS_LEN 22

#endif
