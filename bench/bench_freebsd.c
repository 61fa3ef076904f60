/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What reading a FreeBSD timekeep page costs, on this machine: the kernel
 * emulator (tests/support/fbsd_emu.c) publishes a page at 1 kHz as
 * FreeBSD's kernel does, and these candidates are timed in interleaved
 * rounds within one run:
 *
 *   reader        tk__fbsd_nanotime(): the page reader itself (libc's
 *		   binuptime, ordered counter read) and the exact ns floor
 *   tk_nanotime   the public entry point with TIMEKEEP_SOURCE=freebsd:PATH
 *		   (source choice check, dispatch, reader, conversion)
 *   counter       the bare ordered counter read, tk__counter_ordered()
 *   clock_gettime glibc's clock_gettime(CLOCK_MONOTONIC) (the Linux vDSO)
 *
 * Each round times BATCH calls of each candidate (a new order every
 * round); the table gives the median, min and max ns/call over the
 * rounds and the ratio of medians to the counter read.  The goal for the
 * reader is <= 1.15 x the counter read.
 *
 *   usage: bench_freebsd [rounds]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "counter.h"
#include "fbsd_emu.h"
#include "source/freebsd.h"

#define BATCH 200000
#define MAX_ROUNDS 1001

enum { C_READER, C_NANOTIME, C_COUNTER, C_GLIBC, NCAND };

static const char *const names[NCAND] = {
	"reader tk__fbsd_nanotime()",
	"tk_nanotime() [freebsd]",
	"ordered counter read",
	"glibc clock_gettime(MONO)",
};

static const struct fbsd_vdso_timekeep *page;
static volatile int64_t sink;

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* ns per call of one batch of candidate c. */
static double
run(int c)
{
	struct timespec ts;
	int64_t t0, t1, acc = 0;
	int i;

	t0 = now_ns();
	switch (c) {
	case C_READER:
		for (i = 0; i < BATCH; i++)
			acc += tk__fbsd_nanotime(page, 0, 1).ns;
		break;
	case C_NANOTIME:
		for (i = 0; i < BATCH; i++)
			acc += tk_nanotime();
		break;
	case C_COUNTER:
		for (i = 0; i < BATCH; i++)
			acc += (int64_t)tk__counter_ordered();
		break;
	case C_GLIBC:
		for (i = 0; i < BATCH; i++) {
			clock_gettime(CLOCK_MONOTONIC, &ts);
			acc += ts.tv_nsec;
		}
		break;
	}
	t1 = now_ns();
	sink += acc;
	return (double)(t1 - t0) / BATCH;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
cpu_model(char *buf, size_t len)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[256];

	snprintf(buf, len, "unknown");
	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		char *colon = strchr(line, ':');

		if (colon != NULL && strncmp(line, "model name", 10) == 0) {
			snprintf(buf, len, "%s", colon + 2);
			buf[strcspn(buf, "\n")] = '\0';
			break;
		}
	}
	fclose(f);
}

int
main(int argc, char **argv)
{
	static double t[NCAND][MAX_ROUNDS];
	struct fbsd_emu_config cfg = { .discipline = 1 };
	char model[128], env[300];
	struct utsname u;
	struct fbsd_emu *e;
	int rounds = argc > 1 ? atoi(argv[1]) : 31;
	int r, k, c;
	double med[NCAND];

	if (rounds < 1 || rounds > MAX_ROUNDS)
		rounds = 31;
	e = fbsd_emu_create(&cfg);
	if (e == NULL) {
		fprintf(stderr, "bench_freebsd: cannot create the page\n");
		return 1;
	}
	page = fbsd_emu_page(e);
	snprintf(env, sizeof(env), "freebsd:%s", fbsd_emu_path(e));
	setenv("TIMEKEEP_SOURCE", env, 1);
	if (fbsd_emu_start(e, 1000) != 0) {
		fbsd_emu_destroy(e);
		return 1;
	}

	cpu_model(model, sizeof(model));
	uname(&u);
	printf("cpu:     %s\n", model);
	printf("kernel:  %s %s %s\n", u.sysname, u.release, u.machine);
	printf("counter: %s; page: %s layout, th_x86_shift %u, %llu Hz, "
	       "windup 1 kHz\n",
	    tk__fbsd_counter_name(), FBSD_HOST_ABI, fbsd_emu_shift(e),
	    (unsigned long long)fbsd_emu_freq(e));
	printf("source:  %s\n", tk_source());
	printf("rounds:  %d x %d calls per candidate, interleaved\n\n", rounds,
	    BATCH);

	for (c = 0; c < NCAND; c++) /* warm up */
		(void)run(c);
	for (r = 0; r < rounds; r++)
		for (k = 0; k < NCAND; k++) {
			c = (k + r) % NCAND;
			t[c][r] = run(c);
		}

	printf("%-28s %9s %9s %9s %9s\n", "ns/call", "median", "min", "max",
	    "x counter");
	for (c = 0; c < NCAND; c++) {
		qsort(t[c], (size_t)rounds, sizeof(double), cmp_double);
		med[c] = t[c][rounds / 2];
	}
	for (c = 0; c < NCAND; c++)
		printf("%-28s %9.2f %9.2f %9.2f %9.3f\n", names[c], med[c],
		    t[c][0], t[c][rounds - 1], med[c] / med[C_COUNTER]);
	fbsd_emu_destroy(e);
	return 0;
}
