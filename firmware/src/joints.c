/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright 2026 The Milo robot authors */
#include "joints.h"

struct joint_limit {
	int16_t min, max;
	uint8_t step; /* decidegrees per 20 ms tick */
};

/* pan 1800, tilt 1200, jaw 3600 decidegrees/s. */
static const struct joint_limit limit[JOINT_COUNT] = {
	[JOINT_PAN] = { -800, 800, 36 },
	[JOINT_TILT] = { -300, 300, 24 },
	[JOINT_JAW] = { 0, 400, 72 },
};

int16_t joint_position[JOINT_COUNT];
int16_t joint_target[JOINT_COUNT];

int16_t joint_clamp(uint8_t joint, int16_t angle, bool *clamped)
{
	if (angle < limit[joint].min) {
		*clamped = true;
		return limit[joint].min;
	}
	if (angle > limit[joint].max) {
		*clamped = true;
		return limit[joint].max;
	}
	return angle;
}

void joints_step(uint8_t max_step)
{
	for (uint8_t i = 0; i < JOINT_COUNT; i++) {
		int16_t step = limit[i].step < max_step ? limit[i].step : max_step;
		int16_t delta = joint_target[i] - joint_position[i];
		if (delta > step)
			delta = step;
		else if (delta < -step)
			delta = -step;
		joint_position[i] += delta;
	}
}

bool joints_moving(void)
{
	for (uint8_t i = 0; i < JOINT_COUNT; i++)
		if (joint_position[i] != joint_target[i])
			return true;
	return false;
}
