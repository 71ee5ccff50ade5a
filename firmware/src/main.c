/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright 2026 The Milo robot authors */
/* Milo body controller: protocol frames in; servos and status light out. Safety lives here,
 * whatever the host does: joint limits, slew rates, the link watchdog, the latched emergency
 * stop and the hardware watchdog. */
#include <avr/eeprom.h>
#include <avr/interrupt.h>
#include <avr/io.h>
#include <avr/sleep.h>
#include <avr/wdt.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "config.h"
#include "frame.h"
#include "joints.h"
#include "light.h"
#include "protocol.h"
#include "servo.h"
#include "uart.h"

/* The latch in EEPROM. Erased (0xFF) is released, so a board whose EEPROM was erased by flashing
 * starts released; any other value is latched, so a damaged byte fails safe. */
#define ESTOP_RELEASED 0xFF
#define ESTOP_LATCHED 0x5A
/* Input bytes handled per loop pass, so a flood cannot hold off ticks or the watchdog. */
#define RX_BURST 64

/* .noinit is neither zeroed nor loaded at start-up, so it survives until main() reads it. */
static uint8_t mcusr_at_boot __attribute__((section(".noinit")));

/* The latched stop and the pose it froze, kept over any reset and power cycle. Written only when
 * the latch changes (each EEPROM cell lasts about 100,000 writes). The initial values go to the
 * ELF's .eeprom section (not to the HEX), for the simulator. */
static struct {
	uint8_t state;
	int16_t position[JOINT_COUNT];
} estop_saved EEMEM = { ESTOP_RELEASED, { 0 } };

/* After a watchdog reset WDRF keeps the watchdog running at its shortest timeout: turn it off
 * before the C start-up code, and keep MCUSR for the reset cause (avr-libc FAQ). */
void early_watchdog_off(void) __attribute__((naked, used, section(".init3")));
void early_watchdog_off(void)
{
	mcusr_at_boot = MCUSR;
	MCUSR = 0;
	wdt_disable();
}

static const struct light LIGHT_ESTOP = { 255, 0, 0, PATTERN_SOLID, 0 };
static const struct light LIGHT_DISCONNECTED = { 255, 96, 0, PATTERN_BLINK, 100 };

static const uint8_t payload_len[] = {
	[CMD_PING] = 0,
	[CMD_SET_JOINTS] = SET_JOINTS_LEN,
	[CMD_SET_LIGHT] = SET_LIGHT_LEN,
	[CMD_ESTOP] = 0,
	[CMD_RELEASE] = 0,
	[CMD_GET_STATUS] = 0,
};

static uint8_t reset_cause;
static uint32_t now_ms;
static struct light host_light; /* off until the host sets one */
static uint32_t host_light_since, link_lost_at; /* where the patterns start */
static bool estop;
static bool estop_restored; /* the latch was read from EEPROM at boot, and not released since */
/* Boot counts as a lost link: safe pose and the "disconnected" light until the first frame. */
static bool link_lost = true;
static uint8_t idle_ticks = LINK_TIMEOUT_TICKS + 1;
/* Heading for (or holding) the safe pose after a link loss, until the host sends targets. */
static bool safe_pose = true;
static uint16_t rx_ok, rx_bad;

static uint8_t rx_block[MAX_ENCODED];
static uint8_t rx_len;
static bool rx_synced, rx_oversize;

/* What the light shows now (the host's setting unless a stop or a lost link overrides it), and
 * when its pattern started. */
static const struct light *shown_light(uint32_t *since)
{
	if (estop) {
		*since = now_ms;
		return &LIGHT_ESTOP;
	}
	if (link_lost) {
		*since = link_lost_at;
		return &LIGHT_DISCONNECTED;
	}
	*since = host_light_since;
	return &host_light;
}

static void show_light(void)
{
	uint32_t since;
	const struct light *l = shown_light(&since);
	light_show(l, now_ms - since);
}

static void send(uint8_t seq, uint8_t cmd, const uint8_t *payload, uint8_t len)
{
	uint8_t raw[MAX_FRAME];
	uint8_t wire[MAX_FRAME + 2]; /* COBS adds one byte, then the delimiter */
	raw[0] = seq;
	raw[1] = cmd;
	raw[2] = len;
	for (uint8_t i = 0; i < len; i++)
		raw[3 + i] = payload[i];
	uint16_t crc = crc16_ccitt(raw, 3 + len);
	raw[3 + len] = (uint8_t)crc;
	raw[4 + len] = (uint8_t)(crc >> 8);
	uint8_t n = cobs_encode(raw, len + FRAME_OVERHEAD, wire);
	wire[n++] = 0;
	/* A full transmit ring drops the reply: the host times out and retransmits. */
	uart_write(wire, n);
}

static void reply(uint8_t seq, uint8_t cmd)
{
	send(seq, cmd | CMD_REPLY, 0, 0);
}

static void nack(uint8_t seq, uint8_t cmd, uint8_t code)
{
	uint8_t payload[2] = { cmd, code };
	send(seq, CMD_NACK, payload, sizeof payload);
}

static uint8_t *put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	return p + 2;
}

static int16_t get16(const uint8_t *p)
{
	return (int16_t)(p[0] | (uint16_t)p[1] << 8);
}

/* Each byte written takes 3.4 ms, the main loop waiting (at most 24 ms here, well within the
 * hardware watchdog); the update functions skip bytes that already hold the value. The state goes
 * first: if the power fails half-way, the board wakes up stopped (at a pose partly an earlier
 * stop's). */
static void save_estop(void)
{
	eeprom_update_byte(&estop_saved.state, ESTOP_LATCHED);
	eeprom_update_block(joint_position, estop_saved.position, sizeof estop_saved.position);
}

static void restore_estop(void)
{
	if (eeprom_read_byte(&estop_saved.state) == ESTOP_RELEASED)
		return;
	/* Servos hold no position of their own: command the frozen pose, where the head still is,
	 * rather than the safe pose a released board starts in. */
	int16_t kept[JOINT_COUNT];
	bool clamped;
	eeprom_read_block(kept, estop_saved.position, sizeof kept);
	estop = estop_restored = true;
	safe_pose = false;
	for (uint8_t i = 0; i < JOINT_COUNT; i++)
		joint_position[i] = joint_target[i] = joint_clamp(i, kept[i], &clamped);
}

static void link_alive(void)
{
	idle_ticks = 0;
	link_lost = false;
}

static void tick(void)
{
	now_ms += TICK_MS;
	if (idle_ticks <= LINK_TIMEOUT_TICKS && ++idle_ticks > LINK_TIMEOUT_TICKS) {
		link_lost = true;
		link_lost_at = now_ms;
		/* A latched stop outranks the safe pose: nothing moves until RELEASE. */
		if (!estop) {
			safe_pose = true;
			for (uint8_t i = 0; i < JOINT_COUNT; i++)
				joint_target[i] = 0;
		}
	}
	joints_step(safe_pose ? SAFE_POSE_STEP : UINT8_MAX);
	servo_set(joint_position);
	show_light();
}

static void set_joints(uint8_t seq, const uint8_t *p)
{
	uint8_t mask = p[0];
	if (mask & ~((1u << JOINT_COUNT) - 1)) {
		nack(seq, CMD_SET_JOINTS, ERR_BAD_PAYLOAD);
		return;
	}
	if (estop) {
		nack(seq, CMD_SET_JOINTS, ERR_ESTOPPED);
		return;
	}
	bool clamped = false;
	for (uint8_t i = 0; i < JOINT_COUNT; i++)
		if (mask & (1u << i))
			joint_target[i] = joint_clamp(i, get16(p + 1 + 2 * i), &clamped);
	if (mask)
		safe_pose = false;
	uint8_t flags = clamped;
	send(seq, CMD_SET_JOINTS | CMD_REPLY, &flags, 1);
}

static void set_light(uint8_t seq, const uint8_t *p)
{
	if (p[3] > PATTERN_BREATHE) {
		nack(seq, CMD_SET_LIGHT, ERR_BAD_PAYLOAD);
		return;
	}
	if (estop) {
		nack(seq, CMD_SET_LIGHT, ERR_ESTOPPED);
		return;
	}
	struct light setting = { p[0], p[1], p[2], p[3], p[4] };
	/* A retransmitted setting must not restart its pattern. */
	if (memcmp(&setting, &host_light, sizeof setting)) {
		host_light = setting;
		host_light_since = now_ms;
	}
	reply(seq, CMD_SET_LIGHT);
}

static void send_status(uint8_t seq)
{
	uint8_t payload[STATUS_LEN];
	uint8_t *q = payload;
	uint8_t flags = 0;
	if (estop)
		flags |= STATUS_ESTOP;
	if (link_lost || safe_pose)
		flags |= STATUS_LINK_LOST;
	if (joints_moving())
		flags |= STATUS_MOVING;
	if (reset_cause & _BV(WDRF))
		flags |= STATUS_WATCHDOG_RESET;
	if (estop_restored)
		flags |= STATUS_ESTOP_RESTORED;
	*q++ = flags;
	for (uint8_t i = 0; i < JOINT_COUNT; i++)
		q = put16(q, (uint16_t)joint_position[i]);
	for (uint8_t i = 0; i < JOINT_COUNT; i++)
		q = put16(q, (uint16_t)joint_target[i]);
	q = put16(q, rx_ok);
	q = put16(q, rx_bad);
	*q++ = reset_cause;
	uint32_t since;
	const struct light *l = shown_light(&since);
	*q++ = l->r;
	*q++ = l->g;
	*q++ = l->b;
	*q = l->pattern;
	send(seq, CMD_GET_STATUS | CMD_REPLY, payload, STATUS_LEN);
}

static void handle_frame(const uint8_t *f, uint8_t n)
{
	uint8_t seq = f[0], cmd = f[1], len = f[2];
	uint16_t crc = f[n - 2] | (uint16_t)f[n - 1] << 8;
	uint8_t error = 0;
	if (crc16_ccitt(f, n - 2) != crc)
		error = ERR_BAD_CRC; /* seq echoed as received: the host drops NACKs it cannot match */
	else if (len != n - FRAME_OVERHEAD)
		error = ERR_BAD_LENGTH;
	else if (cmd < CMD_PING || cmd > CMD_GET_STATUS)
		error = ERR_UNKNOWN_COMMAND;
	if (error) {
		rx_bad++;
		nack(seq, cmd, error);
		return;
	}
	/* A valid frame: it feeds the link watchdog even if its payload is then refused. */
	rx_ok++;
	link_alive();
	const uint8_t *payload = f + 3;
	if (len != payload_len[cmd]) {
		nack(seq, cmd, ERR_BAD_PAYLOAD);
	} else {
		switch (cmd) {
		case CMD_PING: {
			uint8_t version[4] = { FW_MAJOR, FW_MINOR, FW_PATCH, PROTOCOL_VERSION };
			send(seq, CMD_PING | CMD_REPLY, version, sizeof version);
			break;
		}
		case CMD_SET_JOINTS:
			set_joints(seq, payload);
			break;
		case CMD_SET_LIGHT:
			set_light(seq, payload);
			break;
		case CMD_ESTOP:
			if (!estop) {
				estop = true;
				for (uint8_t i = 0; i < JOINT_COUNT; i++)
					joint_target[i] = joint_position[i];
				show_light(); /* red before the EEPROM writes */
				save_estop();
			}
			/* Acknowledged once kept: the host knows the stop outlives a power cut. */
			reply(seq, CMD_ESTOP);
			break;
		case CMD_RELEASE:
			estop = estop_restored = false;
			eeprom_update_byte(&estop_saved.state, ESTOP_RELEASED);
			reply(seq, CMD_RELEASE);
			break;
		default:
			send_status(seq);
			break;
		}
	}
	/* Show a restored link, a new colour or a stop now rather than at the next tick. */
	show_light();
}

static void end_of_block(void)
{
	uint8_t frame[MAX_FRAME];
	int8_t n = rx_oversize ? -1 : cobs_decode(rx_block, rx_len, frame, MAX_FRAME);
	/* Oversize, malformed or truncated: its seq cannot be trusted, so no reply. */
	if (n < FRAME_OVERHEAD) {
		rx_bad++;
		return;
	}
	handle_frame(frame, (uint8_t)n);
}

static void rx_byte(uint8_t byte)
{
	if (byte != 0) {
		if (rx_len < MAX_ENCODED)
			rx_block[rx_len++] = byte;
		else
			rx_oversize = true;
		return;
	}
	/* Before the first delimiter we may have started mid-frame; empty blocks are idle fill. */
	if (rx_synced && rx_len > 0)
		end_of_block();
	rx_synced = true;
	rx_len = 0;
	rx_oversize = false;
}

static void say_hello(void)
{
	/* A leading delimiter lets the host's receiver synchronise on this very frame. */
	static const uint8_t delimiter = 0;
	uint8_t payload[5] = { PROTOCOL_VERSION, FW_MAJOR, FW_MINOR, FW_PATCH, reset_cause };
	uart_write(&delimiter, 1);
	send(0, CMD_HELLO, payload, sizeof payload);
}

static void idle(void)
{
	/* Sleep only if nothing is pending; sei's one-instruction delay makes the check and the
	 * sleep atomic, so a wake-up cannot be missed. */
	cli();
	if (!uart_rx_pending() && !servo_frame_pending()) {
		sleep_enable();
		sei();
		sleep_cpu();
		sleep_disable();
	}
	sei();
}

int main(void)
{
	reset_cause = mcusr_at_boot;
	restore_estop();
	servo_init(joint_position);
	light_init();
	show_light();
	uart_init();
	set_sleep_mode(SLEEP_MODE_IDLE);
	wdt_enable(WDTO_250MS);
	sei();
	say_hello();
	for (;;) {
		wdt_reset();
		uint8_t byte;
		for (uint8_t i = 0; i < RX_BURST && uart_read(&byte); i++)
			rx_byte(byte);
		for (uint8_t n = servo_take_frames(); n; n--)
			tick();
		idle();
	}
}
