/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Independent writers of the bounded-time providers' shared memory, for
 * the tk_truetime tests, the simulation and the benchmark.  Each is
 * written from the published layout and its daemon's writer protocol, not
 * from the library's reader (src/truetime/), so that a reader bug cannot
 * hide behind a writer with the same bug:
 *
 *   ClockBound v2	aws/clock-bound docs/PROTOCOL.md; ShmWriter::write
 *			(clock-bound-shm/src/writer.rs)	   tt_clockbound.c
 *   VMClock		Linux include/uapi/linux/vmclock-abi.h; the
 *			hypervisor's seqcount update	   tt_vmclock.c
 *   fbclock v2		facebook/time fbclock/fbclock.h (6be84399),
 *			fbclock_clockdata_store_data_v2	   tt_fbclock.c
 *
 * Fields are placed by byte offset from the published tables, through
 * GCC atomics so ThreadSanitizer sees every access.  One writer per
 * segment at a time; readers anywhere, any time.  No cmocka here.
 */
#ifndef TK_TT_WRITERS_H
#define TK_TT_WRITERS_H

#include <stddef.h>
#include <stdint.h>

/*
 * A shared file of size bytes (zeroed) in /dev/shm (else /tmp), mapped
 * read-write: the mapping, with its path in path[n]; NULL on failure.
 */
void *tt_shm_create(size_t size, char *path, size_t n);
void tt_shm_destroy(void *map, size_t size, const char *path);

/* ---- ClockBound protocol version 2 (80 bytes) ---- */
#define TT_CB_SIZE 80
/* Byte offsets, PROTOCOL.md. */
#define TT_CB_OFF_MAGIC 0
#define TT_CB_OFF_SEGSIZE 8
#define TT_CB_OFF_VERSION 12
#define TT_CB_OFF_GENERATION 14
#define TT_CB_OFF_AS_OF 16
#define TT_CB_OFF_VOID_AFTER 32
#define TT_CB_OFF_BOUND 48
#define TT_CB_OFF_MARKER 56
#define TT_CB_OFF_DRIFT 64
#define TT_CB_OFF_STATUS 68
#define TT_CB_OFF_DSUPPORT 72

struct tt_cb_data {
	int64_t as_of_ns; /* CLOCK_MONOTONIC_COARSE, as the daemon stamps */
	int64_t void_after_ns;
	int64_t bound_ns;
	uint64_t disruption_marker;
	uint32_t max_drift_ppb;
	int32_t clock_status; /* 0 unknown 1 sync 2 free-running 3 disrupted */
	uint8_t disruption_support;
};

/* ShmWriter::wipe then new(): magic, size, version 2, generation 0. */
void tt_cb_format(void *seg);
/* ShmWriter::write: generation odd, data, generation even (0 -> 2). */
void tt_cb_write(void *seg, const struct tt_cb_data *d);
/* A hostile writer: store width (1, 2, 4, 8) bytes of v at off. */
void tt_poke(void *seg, size_t off, uint64_t v, int width);
/* One field changed under ShmWriter's protocol (generation odd, even). */
void tt_cb_poke(void *seg, size_t off, uint64_t v, int width);
uint64_t tt_peek(const void *seg, size_t off, int width);

/* ---- VMClock (struct vmclock_abi, 112 bytes in a 4 KiB region) ---- */
#define TT_VM_SIZE 4096
#define TT_VM_OFF_MAGIC 0
#define TT_VM_OFF_SIZE 4
#define TT_VM_OFF_VERSION 8
#define TT_VM_OFF_COUNTER_ID 10
#define TT_VM_OFF_TIME_TYPE 11
#define TT_VM_OFF_SEQ 12
#define TT_VM_OFF_MARKER 16
#define TT_VM_OFF_FLAGS 24
#define TT_VM_OFF_STATUS 34
#define TT_VM_OFF_TAI 36
#define TT_VM_OFF_LEAP 38
#define TT_VM_OFF_SHIFT 39
#define TT_VM_OFF_COUNTER 40
#define TT_VM_OFF_PERIOD 48
#define TT_VM_OFF_EST_RATE 56
#define TT_VM_OFF_MAX_RATE 64
#define TT_VM_OFF_TIME_SEC 72
#define TT_VM_OFF_TIME_FRAC 80
#define TT_VM_OFF_ESTERROR 88
#define TT_VM_OFF_MAXERROR 96
#define TT_VM_OFF_VMGEN 104

#define TT_VM_FLAG_TAI_OFFSET_VALID (1u << 0)
#define TT_VM_FLAG_PERIOD_MAXERROR_VALID (1u << 4)
#define TT_VM_FLAG_TIME_MAXERROR_VALID (1u << 6)
#define TT_VM_FLAG_VM_GEN (1u << 8)
#define TT_VM_FLAGS_TIME                                                       \
	(TT_VM_FLAG_PERIOD_MAXERROR_VALID | TT_VM_FLAG_TIME_MAXERROR_VALID |   \
	    TT_VM_FLAG_VM_GEN)

struct tt_vm_data {
	uint64_t disruption_marker;
	uint64_t flags;
	uint8_t clock_status; /* 2 synchronized, 3 free-running */
	int16_t tai_offset_sec;
	uint8_t leap_indicator;
	uint8_t shift;
	uint64_t counter_value;
	uint64_t period_frac; /* 2^-(64 + shift) s per count */
	uint64_t maxerror_rate_frac;
	uint64_t time_sec;
	uint64_t time_frac; /* 2^-64 s */
	uint64_t maxerror_ns;
	uint64_t vm_generation_counter;
};

/* The constant fields: magic, size 4096, version 1, counter, time type. */
void tt_vm_format(void *page, uint8_t counter_id, uint8_t time_type);
/* The hypervisor's update: seq_count odd, barrier, fields, barrier, even. */
void tt_vm_write(void *page, const struct tt_vm_data *d);
/* One field changed under the seqcount, as a (hostile) hypervisor would. */
void tt_vm_poke(void *page, size_t off, uint64_t v, int width);
/* This CPU's counter id in vmclock-abi.h (0xff: none). */
uint8_t tt_vm_counter_id(void);

/*
 * A true clock on the counter, for the writers' own reference: the
 * counter's rate measured once against CLOCK_REALTIME (about 50 ms),
 * truth(c) = t0_ns + (c - c0) x 10^9 / hz, exact in 128 bits.
 */
struct tt_truth {
	uint64_t c0;
	int64_t t0_ns;
	uint64_t hz;
};
void tt_truth_init(struct tt_truth *t);
int64_t tt_truth_ns(const struct tt_truth *t, uint64_t c);
/* Counts for ns at hz, and 2^64 / hz (the period in 2^-64 s). */
uint64_t tt_truth_counts(const struct tt_truth *t, int64_t ns);
uint64_t tt_truth_period_frac(const struct tt_truth *t);
/* This CPU's counter, ordered (the library's own read). */
uint64_t tt_counter(void);

/* ---- fbclock v2 (64 bytes; 6be84399) ---- */
#define TT_FB_SIZE 64
#define TT_FB_OFF_SEQ 0
#define TT_FB_OFF_INGRESS 8
#define TT_FB_OFF_EB 16
#define TT_FB_OFF_HOLDOVER 20
#define TT_FB_OFF_SMEAR 24
#define TT_FB_OFF_PRE 32
#define TT_FB_OFF_POST 34
#define TT_FB_OFF_CLOCKID 36
#define TT_FB_OFF_PHC 40
#define TT_FB_OFF_SYS 48
#define TT_FB_OFF_COEF 56

struct tt_fb_data {
	int64_t ingress_time_ns;
	uint32_t error_bound_ns;
	uint32_t holdover_multiplier_ns; /* 16.16 ns per s */
	uint64_t clock_smearing_start_s;
	int16_t utc_offset_pre_s;
	int16_t utc_offset_post_s;
	uint32_t clock_id;
	int64_t phc_time_ns;
	int64_t sysclock_time_ns;
	int64_t coef_ppb;
};

/* fbclock_clockdata_store_data_v2: seq odd, data, seq even (0 -> 2). */
void tt_fb_write(void *seg, const struct tt_fb_data *d);
/* The same, calling between() after each field (a slow writer). */
void tt_fb_write_paced(
    void *seg, const struct tt_fb_data *d, void (*between)(void));
/* One field changed under the seq protocol, as a (hostile) daemon would. */
void tt_fb_poke(void *seg, size_t off, uint64_t v, int width);

/*
 * Make the library choose its provider again at the next call, from
 * TIMEKEEP_TRUETIME=env (NULL: detect), through the test seam of
 * src/truetime/tt.h.  No reader may run meanwhile.
 */
void tt_force(const char *env);

/* ---- clocks ---- */
int64_t tt_clock_ns(int clock_id);
/* Deterministic random numbers (splitmix64) for writers and the sim. */
uint64_t tt_rand(uint64_t *state);
/* Uniform in [lo, hi]. */
int64_t tt_rand_range(uint64_t *state, int64_t lo, int64_t hi);

#endif /* TK_TT_WRITERS_H */
