/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ticks_logger: a logger whose log call costs a counter read and a ring
 * slot, the way Quill, fmtlog and NanoLog log: worker threads record
 * tk_ticks() and a message id into a lock-free ring, and a backend thread
 * converts each tick to time with tk_ticks_to_ns_checked() and prints it.
 * The conversion uses the clock's hands that were current when the tick
 * was taken, so the printed times are the ones tk_nanotime() would have
 * given then, however late the backend runs (docs/ticks.md).
 *
 *	ticks_logger [THREADS [MESSAGES [RECORD]]]
 *
 * THREADS workers (default 3) log MESSAGES lines each (default 4), which
 * the backend prints as
 *
 *	1700000000.123456789  thread 2  message 3  exact
 *
 * Then every worker logs 64 bursts of lines that fit in the ring, which the
 * backend converts and checks (each thread's times never go back) without
 * printing, and the program prints what one log call cost: the median of
 * the bursts, so a log call that waits for a full ring is not counted.
 * At exit it writes a timebase record into RECORD (default
 * ticks_logger.tkb), which converts the ticks of this run in any other
 * program (tk_timebase_convert()).
 *
 * The ring is Dmitry Vyukov's bounded multi-producer queue: a producer
 * takes a position with one fetch-and-add, waits until that slot's
 * sequence says it is free, fills it and publishes it with a release
 * store of the next sequence; the one consumer reads slots in order.
 * The tick is taken before the position, so ticks in the ring are in
 * order per thread, not across threads.
 *
 * Build against an installed timekeep:
 *	cc -O2 -pthread ticks_logger.c $(pkg-config --cflags --libs timekeep)
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <timekeep.h>

#define RING 65536u /* slots, a power of two */
#define MAX_THREADS 64
#define BURSTS 64

struct slot {
	_Atomic uint64_t seq; /* pos: free for pos; pos + 1: holds pos */
	uint64_t ticks;
	uint32_t thread;
	uint32_t message;
};

static struct slot ring[RING];
static _Atomic uint64_t head; /* the next position a producer takes */
static _Atomic int producers_left;

/* The log call: one counter read, one fetch-and-add, one slot. */
static inline void
log_msg(uint32_t thread, uint32_t message)
{
	uint64_t t = tk_ticks();
	uint64_t pos =
	    atomic_fetch_add_explicit(&head, 1, memory_order_relaxed);
	struct slot *s = &ring[pos & (RING - 1)];

	/* Acquire: the consumer's reads of the slot are done (its release). */
	while (atomic_load_explicit(&s->seq, memory_order_acquire) != pos)
		; /* the ring is full: wait for the backend */
	s->ticks = t;
	s->thread = thread;
	s->message = message;
	/* Release: the fields are visible before the slot is published. */
	atomic_store_explicit(&s->seq, pos + 1, memory_order_release);
}

struct worker {
	pthread_t th;
	uint32_t id;
	long messages;
	double ns_per_call; /* the cost of a log call, median of the bursts */
};

static _Atomic uint64_t consumed; /* the backend's position */
static long nthreads;

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * The printed lines, then BURSTS bursts that fit in the ring together
 * (each waits until the ring is three quarters free), each timed: what a
 * log call costs when it does not wait for the backend.
 */
static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	double ns[BURSTS];
	uint64_t per = RING / 4 / (uint64_t)nthreads, msg;
	int64_t t0;
	long i, k;

	for (i = 0; i < w->messages; i++)
		log_msg(w->id, (uint32_t)i);
	msg = (uint64_t)w->messages;
	for (k = 0; k < BURSTS; k++) {
		while (atomic_load(&head) - atomic_load(&consumed) > RING / 4)
			sched_yield();
		t0 = tk_nanotime();
		for (i = 0; i < (long)per; i++)
			log_msg(w->id, (uint32_t)msg++);
		ns[k] = (double)(tk_nanotime() - t0) / (double)per;
	}
	qsort(ns, BURSTS, sizeof(ns[0]), cmp_double);
	w->ns_per_call = ns[BURSTS / 2];
	atomic_fetch_sub(&producers_left, 1);
	return NULL;
}

struct backend {
	pthread_t th;
	long print; /* the first messages of each thread are printed */
	uint64_t converted, status[3], went_back;
	int64_t last[MAX_THREADS];
};

static const char *const status_name[] = { "exact", "extrapolated", "clamped" };

/* The one consumer: slot by slot, in position order. */
static void *
backend_main(void *arg)
{
	struct backend *b = arg;
	uint64_t pos = 0, seq;
	int64_t mono, real;
	struct slot *s, copy;
	int st;

	for (;;) {
		s = &ring[pos & (RING - 1)];
		/* Acquire: the producer's fields (its release store). */
		seq = atomic_load_explicit(&s->seq, memory_order_acquire);
		if (seq != pos + 1) {
			if (atomic_load(&producers_left) == 0 &&
			    seq == pos /* still free: nothing more comes */ &&
			    atomic_load(&head) == pos)
				break;
			/*
			 * Idle: a clock read keeps the hands current (it
			 * winds them when due), so the ticks being taken
			 * now convert exactly (docs/ticks.md).
			 */
			(void)tk_nanotime();
			sched_yield();
			continue;
		}
		copy.ticks = s->ticks;
		copy.thread = s->thread;
		copy.message = s->message;
		/* Release: our reads are done before the slot is free again. */
		atomic_store_explicit(
		    &s->seq, pos + RING, memory_order_release);
		atomic_store(&consumed, ++pos);
		st = tk_ticks_to_ns_checked(copy.ticks, &mono, &real);
		if (st < 0) {
			fprintf(stderr, "ticks_logger: conversion failed: %s\n",
			    strerror(-st));
			continue;
		}
		b->converted++;
		b->status[st]++;
		if (mono < b->last[copy.thread])
			b->went_back++;
		b->last[copy.thread] = mono;
		if (copy.message < b->print)
			printf("%" PRId64 ".%09" PRId64 "  thread %" PRIu32
			       "  message %" PRIu32 "  %s\n",
			    real / 1000000000, real % 1000000000, copy.thread,
			    copy.message, status_name[st]);
	}
	return NULL;
}

static long
arg_long(const char *s, long lo, long hi, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi) {
		fprintf(stderr, "ticks_logger: %s must be %ld to %ld\n", what,
		    lo, hi);
		exit(2);
	}
	return v;
}

/* The timebase record of this run, for converting its ticks elsewhere. */
static void
write_record(const char *path)
{
	long size = tk_timebase_export(NULL, 0), len;
	unsigned char *buf;
	FILE *f;

	if (size == -ENOSYS) {
		printf("ticks are CLOCK_MONOTONIC ns on source %s: no record "
		       "needed\n",
		    tk_source());
		return;
	}
	buf = size > 0 ? malloc((size_t)size) : NULL;
	len = buf != NULL ? tk_timebase_export(buf, (size_t)size) : size;
	f = len > 0 ? fopen(path, "wb") : NULL;
	if (f == NULL || fwrite(buf, 1, (size_t)len, f) != (size_t)len ||
	    fclose(f) != 0)
		fprintf(
		    stderr, "ticks_logger: no record written to %s\n", path);
	else
		printf("timebase record: %ld bytes in %s\n", len, path);
	free(buf);
}

int
main(int argc, char **argv)
{
	struct worker w[MAX_THREADS];
	struct backend b;
	struct tk_ticks_info ti;
	long threads = 3, messages = 4, i;
	const char *path = "ticks_logger.tkb";
	double sum = 0;
	int64_t t_end;

	if (argc > 4) {
		fprintf(stderr,
		    "usage: ticks_logger [THREADS [MESSAGES "
		    "[RECORD]]]\n");
		return 2;
	}
	if (argc > 1)
		threads = arg_long(argv[1], 1, MAX_THREADS, "THREADS");
	if (argc > 2)
		messages = arg_long(argv[2], 0, 1000000, "MESSAGES");
	if (argc > 3)
		path = argv[3];
	for (i = 0; i < (long)RING; i++)
		atomic_init(&ring[i].seq, (uint64_t)i);
	/*
	 * The clock's first hands come ~0.3 ms after its first read; ticks
	 * taken before them convert CLAMPED, so wait for them (10 ms at most).
	 */
	t_end = tk_nanotime() + 10000000;
	while (tk_ticks_info(&ti) == 0 && ti.hz == 0 &&
	    strcmp(ti.unit, "ns") != 0 && tk_nanotime() < t_end)
		;
	printf("ticks_logger: timekeep %s, source %s, ticks in %s at "
	       "%" PRIu64 " Hz\n",
	    tk_version(), tk_source(), ti.unit, ti.hz);

	memset(&b, 0, sizeof(b));
	b.print = messages;
	nthreads = threads;
	atomic_store(&producers_left, (int)threads);
	if (pthread_create(&b.th, NULL, backend_main, &b) != 0)
		return 1;
	for (i = 0; i < threads; i++) {
		w[i].id = (uint32_t)i;
		w[i].messages = messages;
		if (pthread_create(&w[i].th, NULL, worker_main, &w[i]) != 0)
			return 1;
	}
	for (i = 0; i < threads; i++) {
		pthread_join(w[i].th, NULL);
		sum += w[i].ns_per_call;
	}
	pthread_join(b.th, NULL);

	printf("%ld threads logged %" PRIu64 " records: %" PRIu64
	       " exact, %" PRIu64 " extrapolated, %" PRIu64 " clamped; "
	       "%" PRIu64 " went back\n",
	    threads, b.converted, b.status[0], b.status[1], b.status[2],
	    b.went_back);
	printf("a log call cost %.1f ns per record (mean of the threads, "
	       "%ld sharing the ring)\n",
	    sum / (double)threads, threads);
	write_record(path);
	return b.went_back != 0;
}
