/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright 2026 The Milo robot authors */
#include "frame.h"

#include <util/crc16.h>

uint16_t crc16_ccitt(const uint8_t *data, uint8_t len)
{
	/* The XMODEM update is the unreflected 0x1021 step; init 0xFFFF makes it CCITT-FALSE. */
	uint16_t crc = 0xFFFF;
	while (len--)
		crc = _crc_xmodem_update(crc, *data++);
	return crc;
}

int8_t cobs_decode(const uint8_t *in, uint8_t len, uint8_t *out, uint8_t cap)
{
	uint8_t i = 0, n = 0;
	while (i < len) {
		uint8_t code = in[i++];
		for (uint8_t k = 1; k < code; k++) {
			if (i >= len || n >= cap)
				return -1;
			out[n++] = in[i++];
		}
		/* A full 254-byte group (code 0xFF) and the last group imply no zero. */
		if (code != 0xFF && i < len) {
			if (n >= cap)
				return -1;
			out[n++] = 0;
		}
	}
	return (int8_t)n;
}

uint8_t cobs_encode(const uint8_t *in, uint8_t len, uint8_t *out)
{
	/* Frames are far below 254 bytes, so a group never needs the 0xFF code. */
	uint8_t code_at = 0, n = 1, code = 1;
	for (uint8_t i = 0; i < len; i++) {
		if (in[i] == 0) {
			out[code_at] = code;
			code_at = n++;
			code = 1;
		} else {
			out[n++] = in[i];
			code++;
		}
	}
	out[code_at] = code;
	return n;
}
