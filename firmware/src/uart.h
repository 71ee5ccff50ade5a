/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright 2026 The Milo robot authors */
/* USART0 at 115200 8N1 with interrupt-driven receive and transmit rings. */
#ifndef MILO_UART_H
#define MILO_UART_H

#include <stdbool.h>
#include <stdint.h>

void uart_init(void);
bool uart_read(uint8_t *byte);
bool uart_rx_pending(void);
/* Queue all of data or none of it (a reply that does not fit is dropped, never waited for). */
bool uart_write(const uint8_t *data, uint8_t len);

#endif
