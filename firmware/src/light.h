/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright 2026 The Milo robot authors */
/* RGB status light: hardware PWM on PD6 (OC0A, red), PD5 (OC0B, green), PD3 (OC2B, blue). */
#ifndef MILO_LIGHT_H
#define MILO_LIGHT_H

#include <stdint.h>

struct light {
	uint8_t r, g, b;
	uint8_t pattern; /* PATTERN_SOLID, PATTERN_BLINK or PATTERN_BREATHE */
	uint8_t period;  /* 10 ms units; 0 means 100 (1 s) */
};

void light_init(void);
/* Drive the outputs for this setting, elapsed_ms after its pattern started (patterns start
 * with the light on). */
void light_show(const struct light *setting, uint32_t elapsed_ms);

#endif
