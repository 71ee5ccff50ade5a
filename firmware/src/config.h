/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright 2026 The Milo robot authors */
/* Board constants: versions, pins, joint limits, timing. docs/serial_protocol.md is the contract. */
#ifndef MILO_CONFIG_H
#define MILO_CONFIG_H

#define FW_MAJOR 1
#define FW_MINOR 1
#define FW_PATCH 0
#define PROTOCOL_VERSION 1

#define JOINT_COUNT 3
#define JOINT_PAN 0
#define JOINT_TILT 1
#define JOINT_JAW 2

/* Control tick: one servo frame (50 Hz). Slew, link watchdog and light run on it. */
#define TICK_MS 20
/* Link lost after more than this many whole ticks without a valid frame: 500..520 ms. */
#define LINK_TIMEOUT_TICKS (500 / TICK_MS)
/* 300 decidegrees/s towards the safe pose after a link loss. */
#define SAFE_POSE_STEP (300 / (1000 / TICK_MS))

/* Servo pulse = 1500 us + angle in decidegrees; Timer1 counts 0.5 us. */
#define SERVO_CENTRE_US 1500

#endif
