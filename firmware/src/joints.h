/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright 2026 The Milo robot authors */
/* Joint targets and positions in decidegrees, with the firmware's own limits and slew rates. */
#ifndef MILO_JOINTS_H
#define MILO_JOINTS_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"

/* Where the servos are commanded now (after slew) and where they are heading. */
extern int16_t joint_position[JOINT_COUNT];
extern int16_t joint_target[JOINT_COUNT];

/* Clamp to the joint's limits; *clamped is set when the value had to change. */
int16_t joint_clamp(uint8_t joint, int16_t angle, bool *clamped);
/* Move every position one tick towards its target: at the joint's own rate, or at
 * max_step per tick when that is smaller (the slow return to the safe pose). */
void joints_step(uint8_t max_step);
bool joints_moving(void);

#endif
