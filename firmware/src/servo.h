/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright 2026 The Milo robot authors */
/* Three hobby-servo outputs on PB1, PB2, PB3, pulsed one after another every 20 ms by Timer1. */
#ifndef MILO_SERVO_H
#define MILO_SERVO_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"

void servo_init(const int16_t angle[JOINT_COUNT]);
/* Angles in decidegrees; they take effect from the next frame. */
void servo_set(const int16_t angle[JOINT_COUNT]);
/* Control ticks (one per 20 ms frame, late in it) since the last call. */
uint8_t servo_take_frames(void);
bool servo_frame_pending(void);

#endif
