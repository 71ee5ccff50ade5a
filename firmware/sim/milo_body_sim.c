/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright 2026 The Milo robot authors */
/*
 * milo-body-sim [--speed F] [--eeprom FILE] firmware.elf
 *
 * Runs the body firmware on a simulated ATmega328P at 16 MHz (simavr), with USART0 on a pty,
 * and reports what the actuator pins do, one event per line on stdout (see firmware/README.md):
 *   pty <path>
 *   servo <sim_us> <mono_ns> <channel> <pulse_us>
 *   led <sim_us> <mono_ns> <r> <g> <b>
 *   reset <sim_us> <mono_ns> <mcusr>
 *   eeprom <sim_us> <mono_ns> <address> <value>
 *   crash <sim_us> <mono_ns> <state>
 * Simulated time follows wall-clock time times F (default 1); F = 0 runs as fast as it can.
 * With --eeprom, the EEPROM is loaded from FILE and saved back to it, so it outlives the process
 * as the chip's outlives a power cycle.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pty.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <avr_eeprom.h>
#include <avr_extint.h>
#include <avr_ioport.h>
#include <avr_uart.h>
#include <sim_avr.h>
#include <sim_elf.h>

#define F_CPU 16000000u
#define CYCLES_PER_US (F_CPU / 1000000u)

/* ATmega328P data-space addresses of the registers that decide the light's pins. */
#define REG_EECR 0x3F
#define REG_EEARL 0x41
#define REG_EEARH 0x42
#define REG_PORTD 0x2B
#define REG_DDRD 0x2A
#define REG_TCCR0A 0x44
#define REG_TCCR0B 0x45
#define REG_OCR0A 0x47
#define REG_OCR0B 0x48
#define REG_MCUSR 0x54
#define REG_TCCR2A 0xB0
#define REG_TCCR2B 0xB1
#define REG_OCR2B 0xB4
#define REG_UCSR0A 0xC0
#define REG_UCSR0C 0xC2
#define REG_UBRR0L 0xC4
#define REG_UBRR0H 0xC5
#define EECR_EEPE 0x02
#define EEPROM_SIZE 1024

/* Register writes within this long are reported as one light change (the firmware updates the
 * three channels a few instructions apart). */
#define LED_SETTLE_CYCLES (10 * CYCLES_PER_US)
/* Housekeeping (pty, throttling) every 100 us of simulated time. Throttling sleeps when simulated
 * time is ahead by more than 200 us; if behind by more than 50 ms (host too slow, process
 * stopped), it carries on from now instead of racing to catch up. */
#define HOUSEKEEPING_CYCLES (100 * CYCLES_PER_US)
#define THROTTLE_SLEEP_NS 200000ull
#define THROTTLE_MAX_LAG_NS 50000000ull

struct servo_probe {
	int channel;
	int level;
	int armed; /* saw the rising edge of the pulse being measured */
	avr_cycle_count_t rise;
	int reported;
	avr_cycle_count_t reported_width;
};

struct pwm_pin {
	uint16_t tccra, tccrb, ocr;
	uint8_t com_shift; /* position of the COMnx bits in TCCRnA */
	uint8_t portd_bit;
};

static const struct pwm_pin led_pin[3] = {
	{ REG_TCCR0A, REG_TCCR0B, REG_OCR0A, 6, 6 }, /* red: OC0A, PD6 */
	{ REG_TCCR0A, REG_TCCR0B, REG_OCR0B, 4, 5 }, /* green: OC0B, PD5 */
	{ REG_TCCR2A, REG_TCCR2B, REG_OCR2B, 4, 3 }, /* blue: OC2B, PD3 */
};
static const uint16_t led_watch[] = {
	REG_PORTD, REG_DDRD, REG_TCCR0A, REG_TCCR0B, REG_OCR0A, REG_OCR0B,
	REG_TCCR2A, REG_TCCR2B, REG_OCR2B,
};

static FILE *events;
static avr_t *avr;
static struct servo_probe servo[3];
static int led_reported[3] = { -1, -1, -1 };
static int led_dirty;
static avr_cycle_count_t led_dirty_since;
static int reset_seen;
static void (*core_reset)(avr_t *);
static volatile sig_atomic_t stopping;
static unsigned long long pace_wall; /* wall-clock ns matching simulated cycle pace_cycle */
static avr_cycle_count_t pace_cycle;

/* The simulated EEPROM and the file that keeps it between runs. simavr 1.6 starts every run with
 * the ELF's .eeprom section over an erased (0xFF) EEPROM, and keeps nothing when it exits. */
static struct {
	const char *path;
	uint8_t *cells; /* simavr's own array */
	int dirty;
} eeprom;

static unsigned long long mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
}

static unsigned long long sim_us(void)
{
	return avr->cycle / CYCLES_PER_US;
}

static void servo_edge(avr_irq_t *irq, uint32_t value, void *param)
{
	struct servo_probe *s = param;
	int level = value != 0;
	(void)irq;
	if (level == s->level)
		return;
	s->level = level;
	if (level) {
		s->rise = avr->cycle;
		s->armed = 1;
		return;
	}
	if (!s->armed)
		return;
	s->armed = 0;
	avr_cycle_count_t width = avr->cycle - s->rise;
	avr_cycle_count_t change = width > s->reported_width ? width - s->reported_width
							      : s->reported_width - width;
	if (s->reported && change < CYCLES_PER_US)
		return;
	s->reported = 1;
	s->reported_width = width;
	fprintf(events, "servo %llu %llu %d %.1f\n", sim_us(), mono_ns(), s->channel,
		(double)width / CYCLES_PER_US);
}

/* The duty the pin shows: 0-255 in the 8-bit PWM modes, 0 or 255 when it is plain I/O. */
static int led_duty(const struct pwm_pin *p)
{
	const uint8_t *d = avr->data;
	if (!(d[REG_DDRD] & (1u << p->portd_bit)))
		return 0;
	unsigned com = (d[p->tccra] >> p->com_shift) & 3u;
	if (com == 0)
		return d[REG_PORTD] & (1u << p->portd_bit) ? 255 : 0;
	unsigned wgm = (d[p->tccra] & 3u) | ((d[p->tccrb] >> 1) & 4u);
	int pwm_8bit = wgm == 1 || wgm == 3; /* phase-correct or fast PWM, TOP = 0xFF */
	if (!pwm_8bit || !(d[p->tccrb] & 7u))
		return 0;
	if (com == 2)
		return d[p->ocr];
	if (com == 3)
		return 255 - d[p->ocr];
	return 0;
}

static void led_report(void)
{
	int duty[3], changed = 0;
	for (int i = 0; i < 3; i++) {
		duty[i] = led_duty(&led_pin[i]);
		changed |= duty[i] != led_reported[i];
		led_reported[i] = duty[i];
	}
	if (changed)
		fprintf(events, "led %llu %llu %d %d %d\n", sim_us(), mono_ns(), duty[0], duty[1],
			duty[2]);
}

static void led_register_written(avr_irq_t *irq, uint32_t value, void *param)
{
	(void)irq;
	(void)value;
	(void)param;
	if (!led_dirty) {
		led_dirty = 1;
		led_dirty_since = avr->cycle;
	}
}

static void on_reset(avr_t *a)
{
	if (core_reset)
		core_reset(a);
	/* A pulse cut short by the reset is not a pulse. */
	for (int i = 0; i < 3; i++)
		servo[i].armed = 0;
	reset_seen = 1;
}

/* A write to EECR with EEPE set is an EEPROM write; simavr has stored the byte by the time the
 * register's watchers hear of it. (A write without the EEMPE preamble would not be one, but
 * avr-libc always sends the preamble.) */
static void eeprom_written(avr_irq_t *irq, uint32_t value, void *param)
{
	const uint8_t *d = avr->data;
	(void)irq;
	(void)param;
	if (!(value & EECR_EEPE))
		return;
	unsigned address = ((d[REG_EEARH] & 0x03u) << 8 | d[REG_EEARL]) % EEPROM_SIZE;
	fprintf(events, "eeprom %llu %llu %u %u\n", sim_us(), mono_ns(), address,
		eeprom.cells[address]);
	eeprom.dirty = 1;
}

/* Save the EEPROM if the firmware wrote to it. A temporary file, then a rename: a reader (or a
 * kill) never finds half an EEPROM. No fsync: the file stands for a chip, and only has to outlive
 * this process. */
static void eeprom_sync(void)
{
	char temporary[4096];
	if (!eeprom.dirty || !eeprom.path || snprintf(temporary, sizeof temporary, "%s.tmp", eeprom.path)
				    >= (int)sizeof temporary)
		return;
	FILE *f = fopen(temporary, "wb");
	int ok = f && fwrite(eeprom.cells, 1, EEPROM_SIZE, f) == EEPROM_SIZE;
	if (f && fclose(f) != 0)
		ok = 0;
	if (!ok || rename(temporary, eeprom.path) != 0)
		perror("milo-body-sim: saving the EEPROM");
	eeprom.dirty = 0;
}

/* Take simavr's own EEPROM array (AVR_IOCTL_EEPROM_GET hands it out when given no buffer), to
 * report and save what the firmware writes, and fill it from the file if there is one. */
static void eeprom_attach(void)
{
	avr_eeprom_desc_t desc = { .ee = NULL, .offset = 0, .size = 0 };
	avr_ioctl(avr, AVR_IOCTL_EEPROM_GET, &desc);
	eeprom.cells = desc.ee;
	if (!eeprom.cells) {
		fprintf(stderr, "milo-body-sim: no EEPROM in the simulated core\n");
		exit(2);
	}
	avr_irq_register_notify(avr_iomem_getirq(avr, REG_EECR, NULL, AVR_IOMEM_IRQ_ALL),
				eeprom_written, NULL);
	if (!eeprom.path)
		return;
	FILE *f = fopen(eeprom.path, "rb");
	if (!f)
		return; /* a new board: the file is written at the first EEPROM write */
	uint8_t cells[EEPROM_SIZE + 1];
	size_t n = fread(cells, 1, sizeof cells, f);
	fclose(f);
	if (n != EEPROM_SIZE) {
		fprintf(stderr, "milo-body-sim: %s holds %zu bytes, not an EEPROM image of %d\n",
			eeprom.path, n, EEPROM_SIZE);
		exit(2);
	}
	memcpy(eeprom.cells, cells, EEPROM_SIZE);
}

/* Idle time is accounted for by the throttle, not by sleeping here. */
static void skip_sleep(avr_t *a, avr_cycle_count_t how_long)
{
	(void)a;
	(void)how_long;
}

static void on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

static void attach_probes(void)
{
	for (int i = 0; i < 3; i++) {
		servo[i].channel = i;
		avr_irq_t *pin = avr_io_getirq(avr, AVR_IOCTL_IOPORT_GETIRQ('B'), 1 + i);
		avr_irq_register_notify(pin, servo_edge, &servo[i]);
	}
	for (size_t i = 0; i < sizeof led_watch / sizeof led_watch[0]; i++) {
		avr_irq_t *irq = avr_iomem_getirq(avr, led_watch[i], NULL, AVR_IOMEM_IRQ_ALL);
		avr_irq_register_notify(irq, led_register_written, NULL);
	}
}

/*
 * The UART's pty. simavr's uart_pty part is not used: in simavr 1.6 its thread stops moving
 * host bytes to the UART once one read returns more than its FIFO can take (a burst over
 * ~500 bytes) until the firmware next transmits, and it adds a second thread. This bridge runs
 * on the simulation thread, at each housekeeping step.
 */
static struct {
	int master;
	char name[64];
	avr_irq_t *to_uart;
	int room; /* the UART's receive FIFO accepts bytes (its XON/XOFF signals) */
	uint8_t in[256];
	size_t in_len, in_at;
	uint8_t out[4096];
	size_t out_len;
} pty;
static avr_uart_t *uart0;

static void uart_sent(avr_irq_t *irq, uint32_t value, void *param)
{
	(void)irq;
	(void)param;
	/* With nobody reading the pty, bytes beyond its buffer and ours are lost, as on a wire. */
	if (pty.out_len < sizeof pty.out)
		pty.out[pty.out_len++] = (uint8_t)value;
}

static void uart_xon(avr_irq_t *irq, uint32_t value, void *param)
{
	(void)irq;
	(void)param;
	if (value)
		pty.room = 1;
}

static void uart_xoff(avr_irq_t *irq, uint32_t value, void *param)
{
	(void)irq;
	(void)param;
	if (value)
		pty.room = 0;
}

/* simavr 1.6 ignores U2X and counts a parity bit that 8N1 does not send, so its UART would run
 * at less than half the firmware's 117647 baud. Recompute the character time from the registers
 * whenever the firmware configures the UART (after simavr's own handler has run). */
static void uart_timing(avr_irq_t *irq, uint32_t value, void *param)
{
	const uint8_t *d = avr->data;
	(void)irq;
	(void)value;
	(void)param;
	unsigned ubrr = (d[REG_UBRR0H] & 0x0Fu) << 8 | d[REG_UBRR0L];
	unsigned ucsr0c = d[REG_UCSR0C];
	unsigned bits = 1 + 5 + ((ucsr0c >> 1) & 3u) /* start, data (UCSZ01:0) */
			+ ((ucsr0c >> 5) & 1u)         /* parity (UPM01) */
			+ 1 + ((ucsr0c >> 3) & 1u);    /* stop (USBS0) */
	unsigned clocks_per_bit = d[REG_UCSR0A] & 0x02u ? 8 : 16; /* U2X0 */
	uart0->cycles_per_byte = (avr_cycle_count_t)(ubrr + 1) * clocks_per_bit * bits;
}

static void pty_open(void)
{
	int slave;
	struct termios tio;
	if (openpty(&pty.master, &slave, pty.name, NULL, NULL) < 0 || tcgetattr(slave, &tio) < 0) {
		perror("milo-body-sim: pty");
		exit(2);
	}
	/* Raw from the start (a new pty is cooked: echo, ^D, CR/LF mapping would mangle what the
	 * firmware sends before the host opens it). The slave stays open so the setting lasts
	 * between host connections and the master never sees a hang-up. */
	cfmakeraw(&tio);
	tcsetattr(slave, TCSANOW, &tio);
	fcntl(pty.master, F_SETFL, fcntl(pty.master, F_GETFL) | O_NONBLOCK);

	/* Binary protocol: no line echo to the console, and no real sleeps when the firmware
	 * polls the UART (the throttle keeps time). */
	uint32_t flags = 0;
	avr_ioctl(avr, AVR_IOCTL_UART_GET_FLAGS('0'), &flags);
	flags &= ~(uint32_t)(AVR_UART_FLAG_STDIO | AVR_UART_FLAG_POLL_SLEEP);
	avr_ioctl(avr, AVR_IOCTL_UART_SET_FLAGS('0'), &flags);

	for (avr_io_t *io = avr->io_port; io; io = io->next)
		if (!strcmp(io->kind, "uart") && ((avr_uart_t *)io)->name == '0')
			uart0 = (avr_uart_t *)io;
	if (!uart0) {
		fprintf(stderr, "milo-body-sim: no USART0 in the simulated core\n");
		exit(2);
	}
	static const uint16_t uart_config[] = { REG_UCSR0A, REG_UCSR0C, REG_UBRR0L, REG_UBRR0H };
	for (size_t i = 0; i < sizeof uart_config / sizeof uart_config[0]; i++)
		avr_irq_register_notify(avr_iomem_getirq(avr, uart_config[i], NULL, AVR_IOMEM_IRQ_ALL),
					uart_timing, NULL);

	pty.to_uart = avr_io_getirq(avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_INPUT);
	avr_irq_register_notify(avr_io_getirq(avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_OUTPUT),
				uart_sent, NULL);
	avr_irq_register_notify(avr_io_getirq(avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_OUT_XON),
				uart_xon, NULL);
	avr_irq_register_notify(avr_io_getirq(avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_OUT_XOFF),
				uart_xoff, NULL);
}

/* simavr 1.6 signals XON (receive FIFO empty) only when the firmware reads UCSR0A; firmware that
 * only reads UDR0 from its interrupt never does. Run that register's read hook ourselves. */
static void uart_offer_room(void)
{
	avr_io_addr_t io = AVR_DATA_TO_IO(REG_UCSR0A);
	if (avr->io[io].r.c)
		avr->io[io].r.c(avr, REG_UCSR0A, avr->io[io].r.param);
}

static void pty_service(void)
{
	if (pty.out_len) {
		ssize_t n = write(pty.master, pty.out, pty.out_len);
		if (n > 0) {
			pty.out_len -= (size_t)n;
			memmove(pty.out, pty.out + n, pty.out_len);
		}
	}
	uart_offer_room();
	while (pty.room) {
		if (pty.in_at == pty.in_len) {
			ssize_t n = read(pty.master, pty.in, sizeof pty.in);
			if (n <= 0)
				return;
			pty.in_len = (size_t)n;
			pty.in_at = 0;
		}
		avr_raise_irq(pty.to_uart, pty.in[pty.in_at++]);
	}
}

/* Hold simulated time to wall-clock time times speed. */
static void keep_pace(double speed)
{
	unsigned long long due =
		pace_wall + (unsigned long long)((avr->cycle - pace_cycle) * 1e3 / CYCLES_PER_US / speed);
	unsigned long long now = mono_ns();
	if (due > now + THROTTLE_SLEEP_NS) {
		struct timespec ts = { (time_t)(due / 1000000000ull), (long)(due % 1000000000ull) };
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
	} else if (now > due + THROTTLE_MAX_LAG_NS) {
		pace_wall = now;
		pace_cycle = avr->cycle;
	}
}

static const char *state_name(int state)
{
	switch (state) {
	case cpu_Stopped:
		return "stopped";
	case cpu_Done:
		return "done";
	case cpu_Crashed:
		return "crashed";
	default:
		return "unknown";
	}
}

static void usage(void)
{
	fprintf(stderr, "usage: milo-body-sim [--speed F] [--eeprom FILE] firmware.elf\n"
			"  F: simulated seconds per wall-clock second (default 1; 0 = unthrottled)\n"
			"  FILE: the EEPROM, loaded if it exists and saved at every write\n");
	exit(2);
}

int main(int argc, char **argv)
{
	double speed = 1.0;
	const char *elf = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--speed") && i + 1 < argc) {
			char *end;
			speed = strtod(argv[++i], &end);
			if (*end || speed < 0)
				usage();
		} else if (!strcmp(argv[i], "--eeprom") && i + 1 < argc) {
			eeprom.path = argv[++i];
		} else if (argv[i][0] == '-' || elf) {
			usage();
		} else {
			elf = argv[i];
		}
	}
	if (!elf)
		usage();

	pid_t parent = getppid();
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		return 0;
	/* Finer sleeps keep the pty round trip short at --speed 1. */
	prctl(PR_SET_TIMERSLACK, 10000UL);
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	/* Events get the real stdout; simavr's own chatter goes to stderr. */
	events = fdopen(dup(STDOUT_FILENO), "w");
	if (!events || dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
		perror("milo-body-sim: stdout");
		return 2;
	}
	setvbuf(events, NULL, _IOLBF, 0);

	static elf_firmware_t fw;
	if (elf_read_firmware(elf, &fw) != 0) {
		fprintf(stderr, "milo-body-sim: cannot read %s\n", elf);
		return 2;
	}
	avr = avr_make_mcu_by_name("atmega328p");
	if (!avr)
		return 2;
	avr_init(avr);
	fw.frequency = F_CPU;
	avr_load_firmware(avr, &fw);
	avr->frequency = F_CPU;
	avr->sleep = skip_sleep;
	/* No external interrupt is used, but PD3 (INT1) drives the blue light: with its power-on
	 * low-level mode modelled strictly, simavr would poll the pin every cycle while it is low,
	 * and the simulation would crawl. Edge semantics cost nothing. */
	avr_extint_set_strict_lvl_trig(avr, 0, 0);
	avr_extint_set_strict_lvl_trig(avr, 1, 0);
	core_reset = avr->reset;
	avr->reset = on_reset;
	attach_probes();
	eeprom_attach();
	pty_open();
	fprintf(events, "pty %s\n", pty.name);

	pace_wall = mono_ns();
	pace_cycle = avr->cycle;
	avr_cycle_count_t next_housekeeping = avr->cycle + HOUSEKEEPING_CYCLES;
	while (!stopping) {
		int state = avr_run(avr);
		if (state == cpu_Stopped || state == cpu_Done || state == cpu_Crashed) {
			fprintf(events, "crash %llu %llu %s\n", sim_us(), mono_ns(), state_name(state));
			eeprom_sync();
			return 1;
		}
		if (reset_seen) {
			reset_seen = 0;
			fprintf(events, "reset %llu %llu %u\n", sim_us(), mono_ns(),
				avr->data[REG_MCUSR]);
			/* The reset cleared the registers without a write to watch. */
			led_report();
		}
		if (led_dirty && avr->cycle - led_dirty_since >= LED_SETTLE_CYCLES) {
			led_dirty = 0;
			led_report();
		}
		if (avr->cycle >= next_housekeeping) {
			next_housekeeping = avr->cycle + HOUSEKEEPING_CYCLES;
			eeprom_sync();
			pty_service();
			if (speed > 0)
				keep_pace(speed);
		}
	}
	eeprom_sync();
	fflush(events);
	return 0;
}
