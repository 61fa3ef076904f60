/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The timebase record (src/ticks.c) and the conversion it shares with the
 * in-process history: on segments made up here (as the engine makes them:
 * in counter order, each range inside one 2^32 block, gaps between them,
 * closing values at or below each start, some across 2^64), the record
 * converts every tick exactly as the conversion does over the segments
 * themselves; the conversion is what docs/ticks.md says it is, case by
 * case, and non-decreasing; the writer lays the bytes out as docs/ticks.md
 * draws them (a second writer here, from the document, must agree byte for
 * byte); and a record truncated anywhere, with any byte changed, or of
 * another version, is refused with -EINVAL, never read past its end.
 *
 *   test_timebase --write DIR   writes records and the expected
 *                               conversions for tests/ticks_decode.py
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ticks.h"
#include "tk_test.h"

#define MAXSEG 64

struct segset {
	struct tk__ticks_seg s[MAXSEG]; /* oldest first */
	uint64_t n;
};

/* Newest first, as tk__ticks_get wants. */
static int
set_get(const void *ctx, uint64_t idx, struct tk__ticks_seg *s)
{
	const struct segset *ss = ctx;

	if (idx >= ss->n)
		return 1;
	*s = ss->s[ss->n - 1 - idx];
	return 0;
}

static uint64_t rng_state = TK_TEST_SEED;

static uint64_t
rnd_below(uint64_t n)
{
	return n ? tk_test_rand(&rng_state) % n : 0;
}

/*
 * n segments as the engine publishes them: a ~2.6 GHz counter starting at
 * c0, ranges of 1e3..3e7 counts inside one 2^32 block, gaps of 0..1e9
 * counts, each start at or above the older floor, V between that floor and
 * the start, exact_off anywhere in the range or none.  epoch: the oldest
 * starts an epoch.
 */
static void
make_set(struct segset *ss, uint64_t n, uint64_t c0, int epoch)
{
	double rate = 1 / 2.6;
	uint64_t c = c0, i, span, block_left;
	int64_t floor_ = 1000000000000ll + (int64_t)rnd_below(1000000000);
	struct tk__ticks_seg *s;

	ss->n = n;
	for (i = 0; i < n; i++) {
		s = &ss->s[i];
		memset(s, 0, sizeof(*s));
		span = 1000 + rnd_below(30000000);
		block_left = (UINT64_C(1) << 32) - (uint32_t)c;
		if (span > block_left)
			span = block_left;
		s->base_count = c;
		s->windup_count = c + span;
		s->mult = (uint64_t)(rate *
		    (1 + ((double)rnd_below(2001) - 1000) * 5e-7) *
		    18446744073709551616.0);
		s->base_ns = floor_ + (int64_t)rnd_below(i ? 3000 : 1);
		s->v_ns = s->base_ns -
		    (int64_t)rnd_below((uint64_t)(s->base_ns - floor_) + 1);
		if (i == 0 && rnd_below(4) == 0)
			s->v_ns = TK_TICKS_V_NONE;
		s->exact_count =
		    rnd_below(5) == 0 ? s->windup_count : c + rnd_below(span);
		s->k_ns = (uint64_t)s->base_ns -
		    tk__ticks_mulhi((uint32_t)c, s->mult);
		s->real_ns = 1700000000000000000ll + (int64_t)rnd_below(1000);
		s->flags = i == 0 && epoch ? TK_TICKS_SEG_EPOCH : 0;
		floor_ = tk__ticks_beyond(s, s->windup_count);
		c = s->windup_count + rnd_below(4) * rnd_below(300000000);
		/* The next starts at or above this one's floor, later. */
		floor_ +=
		    (int64_t)((double)(c - s->windup_count) * rate * 0.999);
	}
}

static long
write_set(const struct segset *ss, unsigned char *buf, size_t size)
{
	struct tk__timebase_hdr hdr = { 2600000000u, "tsc", 5, 6, 42 };

	return tk__timebase_write(buf, size, &hdr, set_get, ss, ss->n);
}

/* Ticks worth converting: every edge of every segment, and random ones. */
static uint64_t
pick_tick(const struct segset *ss, uint64_t k)
{
	const struct tk__ticks_seg *s = &ss->s[rnd_below(ss->n)];
	uint64_t span = s->windup_count - s->base_count;

	switch (k % 10) {
	case 0:
		return s->base_count;
	case 1:
		return s->base_count - 1;
	case 2:
		return s->exact_count;
	case 3:
		return s->exact_count - 1;
	case 4:
		return s->windup_count - 1;
	case 5:
		return s->windup_count;
	case 6:
		return s->windup_count + rnd_below(1000000000);
	case 7:
		return s->base_count - rnd_below(1000000000);
	case 8:
		return ss->s[0].base_count + tk_test_rand(&rng_state);
	default:
		return s->base_count + rnd_below(span);
	}
}

static int64_t
t_of(const struct tk__ticks_seg *s, uint64_t t)
{
	return (int64_t)(s->k_ns + tk__ticks_mulhi((uint32_t)t, s->mult));
}

static int64_t
min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

/* What docs/ticks.md says the answer is, case by case. */
static void
check_case(const struct segset *ss, uint64_t t, int st, int64_t m)
{
	const struct tk__ticks_seg *s, *o;
	uint64_t i;

	for (i = ss->n; i-- > 0;) {
		s = &ss->s[i];
		if (t - s->base_count < s->windup_count - s->base_count) {
			if (t - s->base_count >=
			    s->exact_count - s->base_count) {
				assert_int_equal(st, TK_TICKS_EXACT);
				assert_int64_equal(m, t_of(s, t));
			} else {
				assert_int_equal(st, TK_TICKS_EXTRAPOLATED);
				assert_int64_equal(
				    m, min64(t_of(s, t), s->v_ns));
			}
			return;
		}
		if (i > 0 &&
		    t - ss->s[i - 1].windup_count <
		        s->base_count - ss->s[i - 1].windup_count) {
			o = &ss->s[i - 1];
			assert_int_equal(st, TK_TICKS_EXTRAPOLATED);
			assert_int64_le(
			    min64(
			        tk__ticks_beyond(o, o->windup_count), s->v_ns),
			    m);
			assert_int64_le(m, min64(s->base_ns, s->v_ns));
			return;
		}
	}
	/* Past the newest, or before the oldest. */
	s = &ss->s[ss->n - 1];
	if (t - s->base_count < UINT64_C(1) << 63) {
		assert_int_equal(st, TK_TICKS_EXTRAPOLATED);
		assert_int64_equal(m, tk__ticks_beyond(s, t));
	} else if (ss->s[0].flags & TK_TICKS_SEG_EPOCH) {
		assert_int_equal(st, TK_TICKS_CLAMPED);
		assert_int64_equal(m, min64(ss->s[0].base_ns, ss->s[0].v_ns));
	} else {
		assert_int_equal(st, TK_TICKS_EXTRAPOLATED);
		assert_int64_le(m, min64(ss->s[0].base_ns, ss->s[0].v_ns));
	}
}

static unsigned char recbuf[TK_TIMEBASE_HDR + MAXSEG * TK_TIMEBASE_SEG];

/* The record converts every tick as the segments do, and as documented. */
static void
test_record_is_the_segments(void **state)
{
	struct segset ss;
	uint64_t round, k, t, rounds = tk_test_scale(400);
	int64_t m1, r1, m2, r2;
	long len;
	int st1, st2;

	(void)state;
	for (round = 0; round < rounds; round++) {
		make_set(&ss, 1 + rnd_below(MAXSEG),
		    round % 3 == 0 ? UINT64_MAX - rnd_below(UINT64_C(1) << 33)
		                   : tk_test_rand(&rng_state),
		    (int)(round & 1));
		len = write_set(&ss, recbuf, sizeof(recbuf));
		assert_int_equal(
		    len, (long)(TK_TIMEBASE_HDR + ss.n * TK_TIMEBASE_SEG));
		for (k = 0; k < 200; k++) {
			t = pick_tick(&ss, k);
			st1 = tk__ticks_convert(set_get, &ss, ss.n,
			    &ss.s[ss.n - 1],
			    k % 3 ? tk_test_rand(&rng_state) % 40000000 : 0, t,
			    TK_TICKS_V_NONE, &m1, &r1);
			st2 = tk_timebase_convert(
			    recbuf, (size_t)len, t, &m2, &r2);
			assert_int_equal(st1, st2);
			assert_int64_equal(m1, m2);
			assert_int64_equal(r1, r2);
			check_case(&ss, t, st1, m1);
		}
	}
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Sorted ticks (counter order, no wrap inside a set) never go back. */
static void
test_monotone(void **state)
{
	static uint64_t ticks[4000];
	struct segset ss;
	uint64_t round, k, lo, hi, rounds = tk_test_scale(300);
	int64_t m, r, prev;

	(void)state;
	for (round = 0; round < rounds; round++) {
		make_set(&ss, 1 + rnd_below(MAXSEG),
		    rnd_below(UINT64_C(1) << 62), (int)(round & 1));
		lo = ss.s[0].base_count - 2000000000u;
		hi = ss.s[ss.n - 1].windup_count + 2000000000u;
		for (k = 0; k < 4000; k++)
			ticks[k] = k % 4 ? lo + rnd_below(hi - lo)
			                 : pick_tick(&ss, k / 4);
		for (k = 0; k < 4000; k++)
			if (ticks[k] < lo || ticks[k] > hi)
				ticks[k] = lo;
		qsort(ticks, 4000, sizeof(ticks[0]), cmp_u64);
		prev = INT64_MIN;
		for (k = 0; k < 4000; k++) {
			assert_true(
			    tk__ticks_convert(set_get, &ss, ss.n,
			        &ss.s[ss.n - 1],
			        tk_test_rand(&rng_state) % 40000000, ticks[k],
			        TK_TICKS_V_NONE, &m, &r) >= 0);
			assert_int64_le(prev, m);
			prev = m;
		}
	}
}

/* ---- the bytes, as docs/ticks.md draws them ----------------------------- */

static void
le(unsigned char *p, uint64_t v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(v >> 8 * i);
}

static uint64_t
fnv(uint64_t h, const unsigned char *p, size_t n)
{
	while (n-- > 0)
		h = (h ^ *p++) * 0x100000001b3ull;
	return h;
}

/* A second writer, from the document alone. */
static size_t
doc_write(const struct segset *ss, unsigned char *p)
{
	unsigned char z[8] = { 0 }, ib[4];
	uint64_t hc, i, off;
	unsigned char *q;

	memset(p, 0, TK_TIMEBASE_HDR + ss->n * TK_TIMEBASE_SEG);
	memcpy(p, "TKTB", 4);
	le(p + 4, 1, 2);
	le(p + 6, 64, 2);
	le(p + 8, ss->n, 4);
	le(p + 12, 64, 4);
	le(p + 16, 2600000000u, 8);
	memcpy(p + 24, "tsc", 3);
	le(p + 32, 5, 8);
	le(p + 40, 6, 8);
	le(p + 48, 42, 4);
	hc = fnv(fnv(0xcbf29ce484222325ull, p, 56), z, 8);
	le(p + 56, hc, 8);
	for (i = 0; i < ss->n; i++) {
		const struct tk__ticks_seg *s = &ss->s[i];

		q = p + 64 + 64 * i;
		le(q, s->base_count, 8);
		le(q + 8, s->windup_count, 8);
		le(q + 16, s->mult, 8);
		le(q + 24, (uint64_t)s->base_ns, 8);
		le(q + 32, (uint64_t)s->real_ns, 8);
		le(q + 40, (uint64_t)s->v_ns, 8);
		off = s->exact_count - s->base_count;
		le(q + 48,
		    off < s->windup_count - s->base_count ? off : 0xffffffffu,
		    4);
		le(q + 52, s->flags, 4);
		le(ib, i, 4);
		le(q + 56, fnv(fnv(hc, q, 56), ib, 4), 8);
	}
	return TK_TIMEBASE_HDR + ss->n * TK_TIMEBASE_SEG;
}

static void
test_bytes_as_documented(void **state)
{
	static unsigned char mine[sizeof(recbuf)];
	struct segset ss;
	long len;
	int round;

	(void)state;
	for (round = 0; round < 50; round++) {
		make_set(&ss, 1 + rnd_below(MAXSEG), tk_test_rand(&rng_state),
		    round & 1);
		len = write_set(&ss, recbuf, sizeof(recbuf));
		assert_int_equal((size_t)len, doc_write(&ss, mine));
		assert_memory_equal(recbuf, mine, (size_t)len);
	}
	/* Too small a buffer: -ENOSPC, and the segments are all needed. */
	assert_int_equal(write_set(&ss, recbuf, (size_t)len - 1), -ENOSPC);
}

/* ---- damaged records ---------------------------------------------------- */

/* A copy of exactly len bytes on the heap, so ASan sees a read past it. */
static int
convert_copy(const unsigned char *rec, size_t len, uint64_t t, int64_t *m)
{
	unsigned char *p = malloc(len ? len : 1);
	int64_t r;
	int st;

	assert_non_null(p);
	memcpy(p, rec, len);
	st = tk_timebase_convert(len ? p : NULL, len, t, m, &r);
	free(p);
	return st;
}

static void
test_truncated(void **state)
{
	struct segset ss;
	size_t len, cut;
	int64_t m;

	(void)state;
	make_set(&ss, 8, tk_test_rand(&rng_state), 1);
	len = (size_t)write_set(&ss, recbuf, sizeof(recbuf));
	for (cut = 0; cut < len; cut++) {
		assert_int_equal(
		    convert_copy(recbuf, cut, ss.s[7].base_count, &m), -EINVAL);
		assert_int_equal(
		    convert_copy(recbuf, cut, ss.s[0].base_count, &m), -EINVAL);
	}
	assert_true(convert_copy(recbuf, len, ss.s[0].base_count, &m) >= 0);
	/* Longer than it says is fine (a record inside a bigger buffer). */
	assert_true(tk_timebase_convert(recbuf, sizeof(recbuf),
	                ss.s[3].base_count, &m, NULL) >= 0);
}

/*
 * Any byte changed: the header fails every conversion; a segment fails
 * every conversion that reads it (one inside it does).
 */
static void
test_corrupted(void **state)
{
	struct segset ss;
	size_t len, i, seg;
	int64_t m;
	int bit;

	(void)state;
	make_set(&ss, 8, tk_test_rand(&rng_state), 0);
	len = (size_t)write_set(&ss, recbuf, sizeof(recbuf));
	for (i = 0; i < len; i++) {
		for (bit = 0; bit < 8; bit += 3) {
			recbuf[i] ^= (unsigned char)(1u << bit);
			seg = i < 64 ? 0 : (i - 64) / 64;
			assert_int_equal(convert_copy(recbuf, len,
			                     ss.s[seg].windup_count - 1, &m),
			    -EINVAL);
			recbuf[i] ^= (unsigned char)(1u << bit);
		}
	}
	assert_true(convert_copy(recbuf, len, ss.s[0].base_count, &m) >= 0);
}

/* Fix the header's check after an edit, to test one field alone. */
static void
reseal(unsigned char *p, size_t len)
{
	unsigned char z[8] = { 0 }, ib[4];
	uint64_t hc = fnv(fnv(0xcbf29ce484222325ull, p, 56), z, 8), i;

	le(p + 56, hc, 8);
	for (i = 0; 64 + 64 * i + 64 <= len; i++) {
		le(ib, i, 4);
		le(p + 64 + 64 * i + 56,
		    fnv(fnv(hc, p + 64 + 64 * i, 56), ib, 4), 8);
	}
}

static void
test_wrong_header(void **state)
{
	static const struct {
		size_t off;
		int width;
		uint64_t v;
	} bad[] = {
		{ 0, 1, 'X' }, /* magic */
		{ 4, 2, 2 }, /* version 2 */
		{ 4, 2, 0 }, /* version 0 */
		{ 6, 2, 72 }, /* header size */
		{ 8, 4, 0 }, /* no segment */
		{ 8, 4, 9 }, /* more segments than bytes */
		{ 8, 4, 0xffffffffu }, { 12, 4, 56 }, /* segment size */
		{ 52, 4, 1 }, /* flags */
	};
	struct segset ss;
	size_t len, i;
	int64_t m;

	(void)state;
	make_set(&ss, 8, tk_test_rand(&rng_state), 1);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		len = (size_t)write_set(&ss, recbuf, sizeof(recbuf));
		le(recbuf + bad[i].off, bad[i].v, bad[i].width);
		reseal(recbuf, len);
		assert_int_equal(
		    convert_copy(recbuf, len, ss.s[4].base_count, &m), -EINVAL);
	}
	/* Fields resealed but impossible: an empty range, flags, offsets. */
	len = (size_t)write_set(&ss, recbuf, sizeof(recbuf));
	le(recbuf + 64 + 64 * 4 + 8, ss.s[4].base_count, 8);
	reseal(recbuf, len);
	assert_int_equal(
	    convert_copy(recbuf, len, ss.s[4].base_count, &m), -EINVAL);
	len = (size_t)write_set(&ss, recbuf, sizeof(recbuf));
	le(recbuf + 64 + 64 * 4 + 52, TK_TICKS_SEG_EPOCH, 4);
	reseal(recbuf, len);
	assert_int_equal(
	    convert_copy(recbuf, len, ss.s[4].base_count, &m), -EINVAL);
	len = (size_t)write_set(&ss, recbuf, sizeof(recbuf));
	le(recbuf + 64 + 64 * 4 + 48, ss.s[4].windup_count - ss.s[4].base_count,
	    4);
	reseal(recbuf, len);
	assert_int_equal(
	    convert_copy(recbuf, len, ss.s[4].base_count, &m), -EINVAL);
	/* A segment moved to another place fails its check. */
	len = (size_t)write_set(&ss, recbuf, sizeof(recbuf));
	memcpy(recbuf + 64 + 64 * 3, recbuf + 64 + 64 * 4, 64);
	assert_int_equal(
	    convert_copy(recbuf, len, ss.s[3].base_count, &m), -EINVAL);
	/* No record at all. */
	assert_int_equal(tk_timebase_convert(NULL, 64, 0, &m, NULL), -EINVAL);
}

/* ---- records for tests/ticks_decode.py ---------------------------------- */

static int
write_file(const char *dir, const char *name, const void *p, size_t n)
{
	char path[4096];
	FILE *f;
	size_t w;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (f == NULL)
		return -1;
	w = fwrite(p, 1, n, f);
	return fclose(f) == 0 && w == n ? 0 : -1;
}

/* record i and its ticks: "ticks status mono real" per line. */
static int
write_case(const char *dir, int i, const unsigned char *rec, size_t len,
    const uint64_t *ticks, size_t nt)
{
	char name[64], path[4096];
	int64_t m, r;
	size_t k;
	FILE *f;
	int st;

	snprintf(name, sizeof(name), "rec%d.bin", i);
	if (write_file(dir, name, rec, len) != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/rec%d.txt", dir, i);
	f = fopen(path, "w");
	if (f == NULL)
		return -1;
	for (k = 0; k < nt; k++) {
		m = r = 0;
		st = tk_timebase_convert(rec, len, ticks[k], &m, &r);
		fprintf(f, "%" PRIu64 " %d %" PRId64 " %" PRId64 "\n", ticks[k],
		    st, m, r);
	}
	return fclose(f);
}

/*
 * Records made up here (every case of the conversion, across 2^64), one
 * exported by this process when ticks are the counter's, and damaged ones
 * (the decoder must refuse them): what tk_timebase_convert answers for
 * each tick, for the Python decoder to match.
 */
static int
write_for_decoder(const char *dir)
{
	static uint64_t ticks[2000];
	static unsigned char real[65536];
	struct tk_ticks_info ti;
	struct segset ss;
	struct timespec ts = { 0, 20000000 };
	long len;
	int i, k, n = 0;

	for (i = 0; i < 12; i++, n++) {
		make_set(&ss, 1 + rnd_below(MAXSEG),
		    i % 3 == 0 ? UINT64_MAX - rnd_below(UINT64_C(1) << 33)
		               : tk_test_rand(&rng_state),
		    i & 1);
		len = write_set(&ss, recbuf, sizeof(recbuf));
		for (k = 0; k < 2000; k++)
			ticks[k] = pick_tick(&ss, (uint64_t)k);
		if (i == 11) {
			recbuf[64 + 20] ^= 4; /* damaged: every tick -EINVAL */
			for (k = 0; k < 2000; k++)
				ticks[k] = ss.s[0].base_count + (uint64_t)k;
		}
		if (write_case(dir, n, recbuf, (size_t)len, ticks, 2000) != 0)
			return 1;
	}
	tk_ticks_info(&ti);
	if (strcmp(ti.unit, "ns") != 0) {
		for (k = 0; k < 2000; k++) {
			ticks[k] = tk_ticks_ordered();
			if (k % 100 == 0) {
				(void)tk_nanotime();
				nanosleep(&ts, NULL);
			}
		}
		len = tk_timebase_export(real, sizeof(real));
		if (len > 0 &&
		    write_case(dir, n, real, (size_t)len, ticks, 2000) != 0)
			return 1;
	}
	printf("test_timebase: records and expected conversions in %s\n", dir);
	return 0;
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record_is_the_segments),
		cmocka_unit_test(test_monotone),
		cmocka_unit_test(test_bytes_as_documented),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_corrupted),
		cmocka_unit_test(test_wrong_header),
	};

	if (argc == 3 && strcmp(argv[1], "--write") == 0)
		return write_for_decoder(argv[2]);
	return TK_TEST_RUN(tests, NULL, NULL);
}
