/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright 2026 The Milo robot authors */
#include "light.h"

#include <avr/io.h>

#include "protocol.h"

#define LIGHT_PINS (_BV(PD6) | _BV(PD5) | _BV(PD3))

void light_init(void)
{
	/* Pins low while their compare output is disconnected (duty 0). */
	PORTD &= ~LIGHT_PINS;
	DDRD |= LIGHT_PINS;
	/* Fast PWM, clk/64: about 980 Hz, flicker-free. */
	TCCR0A = _BV(WGM01) | _BV(WGM00);
	TCCR0B = _BV(CS01) | _BV(CS00);
	TCCR2A = _BV(WGM21) | _BV(WGM20);
	TCCR2B = _BV(CS22);
}

static uint8_t scale(uint8_t colour, uint8_t level)
{
	return (uint8_t)(((uint16_t)colour * level + 127) / 255);
}

static uint8_t pattern_level(const struct light *s, uint32_t elapsed_ms)
{
	uint16_t period_ms = 10u * (s->period ? s->period : 100);
	uint16_t phase = (uint16_t)(elapsed_ms % period_ms);
	switch (s->pattern) {
	case PATTERN_BLINK:
		return phase < period_ms / 2 ? 255 : 0;
	case PATTERN_BREATHE: {
		/* Triangle 255..0..255, squared so it looks even to the eye. */
		uint16_t x = (uint16_t)(((uint32_t)phase * 512) / period_ms);
		uint8_t tri = x < 256 ? 255 - x : x - 256;
		return (uint8_t)(((uint16_t)tri * tri + 127) / 255);
	}
	default:
		return 255;
	}
}

void light_show(const struct light *s, uint32_t elapsed_ms)
{
	uint8_t level = pattern_level(s, elapsed_ms);
	uint8_t r = scale(s->r, level), g = scale(s->g, level), b = scale(s->b, level);
	/* Fast PWM still emits a one-count spike at OCR = 0, so duty 0 disconnects the pin. */
	uint8_t com0 = (r ? _BV(COM0A1) : 0) | (g ? _BV(COM0B1) : 0);
	OCR0A = r;
	OCR0B = g;
	OCR2B = b;
	TCCR0A = _BV(WGM01) | _BV(WGM00) | com0;
	TCCR2A = _BV(WGM21) | _BV(WGM20) | (b ? _BV(COM2B1) : 0);
}
