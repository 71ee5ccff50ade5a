/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright 2026 The Milo robot authors */
#include "uart.h"

#include <avr/interrupt.h>
#include <avr/io.h>

/* Powers of two so the indices wrap with a mask; the ISR owns one index of each ring. */
#define RX_SIZE 128
#define TX_SIZE 128

static volatile uint8_t rx_buf[RX_SIZE];
static volatile uint8_t rx_head, rx_tail;
static volatile uint8_t tx_buf[TX_SIZE];
static volatile uint8_t tx_head, tx_tail;

void uart_init(void)
{
	/* U2X with UBRR 16: 117647 baud, 2.1 % from 115200, within tolerance. */
	UBRR0 = 16;
	UCSR0A = _BV(U2X0);
	UCSR0C = _BV(UCSZ01) | _BV(UCSZ00);
	UCSR0B = _BV(RXEN0) | _BV(TXEN0) | _BV(RXCIE0);
}

ISR(USART_RX_vect)
{
	uint8_t byte = UDR0;
	uint8_t next = (rx_head + 1) & (RX_SIZE - 1);
	/* On overflow the byte is lost; the frame it belonged to then fails its CRC. */
	if (next != rx_tail) {
		rx_buf[rx_head] = byte;
		rx_head = next;
	}
}

ISR(USART_UDRE_vect)
{
	if (tx_head == tx_tail) {
		UCSR0B &= ~_BV(UDRIE0);
		return;
	}
	UDR0 = tx_buf[tx_tail];
	tx_tail = (tx_tail + 1) & (TX_SIZE - 1);
}

bool uart_rx_pending(void)
{
	return rx_head != rx_tail;
}

bool uart_read(uint8_t *byte)
{
	uint8_t tail = rx_tail;
	if (tail == rx_head)
		return false;
	*byte = rx_buf[tail];
	rx_tail = (tail + 1) & (RX_SIZE - 1);
	return true;
}

bool uart_write(const uint8_t *data, uint8_t len)
{
	uint8_t head = tx_head;
	uint8_t space = (tx_tail - head - 1) & (TX_SIZE - 1);
	if (len > space)
		return false;
	while (len--) {
		tx_buf[head] = *data++;
		head = (head + 1) & (TX_SIZE - 1);
	}
	tx_head = head;
	UCSR0B |= _BV(UDRIE0);
	return true;
}
