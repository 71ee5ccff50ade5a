/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright 2026 The Milo robot authors */
#include "servo.h"

#include <avr/interrupt.h>
#include <avr/io.h>
#include <util/atomic.h>

/* Timer1 at clk/8 = 2 MHz (0.5 us), CTC with TOP = OCR1A: one 20 ms frame per period. The edges
 * come from compare B, which is not buffered in CTC mode (its pin, PB2, stays plain I/O). */
#define FRAME_TICKS 40000u
/* The first rising edge of a frame, leaving room for the compare interrupt that precedes it. */
#define FIRST_EDGE 200u
/* The compare interrupt fires this early; it then waits for the exact edge time, so other
 * interrupts delaying it (by up to ~5 us) do not make the pulse widths jitter. */
#define EDGE_LEAD 24u
/* The control tick comes 1.5 ms before a frame ends, after all pulses (at most 3 x 2.3 ms), so
 * the angles it computes go out at the start of the very next frame. */
#define TICK_AT (FRAME_TICKS - 3000u)
#define SERVO_PINS (_BV(PB1) | _BV(PB2) | _BV(PB3))

/* What the pins show after each edge of a frame: pan high, tilt high, jaw high, all low. */
static const uint8_t edge_level[JOINT_COUNT + 1] = { _BV(PB1), _BV(PB2), _BV(PB3), 0 };

static volatile uint16_t pulse_ticks[JOINT_COUNT];
static volatile uint8_t frames;
static uint8_t edge_index;
static uint16_t edge_at;

static uint16_t ticks_for(int16_t angle)
{
	return 2 * (uint16_t)(SERVO_CENTRE_US + angle);
}

void servo_set(const int16_t angle[JOINT_COUNT])
{
	for (uint8_t i = 0; i < JOINT_COUNT; i++) {
		uint16_t ticks = ticks_for(angle[i]);
		ATOMIC_BLOCK(ATOMIC_RESTORESTATE) {
			pulse_ticks[i] = ticks;
		}
	}
}

void servo_init(const int16_t angle[JOINT_COUNT])
{
	servo_set(angle);
	PORTB &= ~SERVO_PINS;
	DDRB |= SERVO_PINS;
	edge_index = 0;
	edge_at = FIRST_EDGE;
	TCCR1A = 0;
	OCR1A = FRAME_TICKS - 1;
	OCR1B = FIRST_EDGE - EDGE_LEAD;
	TIFR1 = _BV(OCF1B);
	TIMSK1 = _BV(OCIE1B);
	TCCR1B = _BV(WGM12) | _BV(CS11);
}

ISR(TIMER1_COMPB_vect)
{
	uint8_t i = edge_index;
	if (i > JOINT_COUNT) {
		frames++;
		/* Already past in this frame: the compare matches early in the next one. */
		edge_at = FIRST_EDGE;
		edge_index = 0;
	} else {
		while (TCNT1 < edge_at)
			;
		PORTB = (PORTB & ~SERVO_PINS) | edge_level[i];
		edge_at = i < JOINT_COUNT ? edge_at + pulse_ticks[i] : TICK_AT;
		edge_index = i + 1;
	}
	OCR1B = edge_at - EDGE_LEAD;
}

uint8_t servo_take_frames(void)
{
	uint8_t n;
	ATOMIC_BLOCK(ATOMIC_RESTORESTATE) {
		n = frames;
		frames = 0;
	}
	return n;
}

bool servo_frame_pending(void)
{
	return frames != 0;
}
