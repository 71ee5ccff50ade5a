/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright 2026 The Milo robot authors */
/* COBS framing and CRC-16/CCITT-FALSE. */
#ifndef MILO_FRAME_H
#define MILO_FRAME_H

#include <stdint.h>

uint16_t crc16_ccitt(const uint8_t *data, uint8_t len);

/* Decode one COBS block (no 0x00 in it); returns the decoded length or -1 if the
 * block is malformed or would decode to more than cap bytes. */
int8_t cobs_decode(const uint8_t *in, uint8_t len, uint8_t *out, uint8_t cap);

/* Encode len (< 254) bytes; out needs len + 1 bytes. Returns the encoded length. */
uint8_t cobs_encode(const uint8_t *in, uint8_t len, uint8_t *out);

#endif
