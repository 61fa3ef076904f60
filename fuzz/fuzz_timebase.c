/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer target for tk_timebase_convert() (src/ticks.c), the parser of
 * timebase records that arrive from other processes and machines.  The
 * input is a record.  It is copied into a buffer of exactly its size, so
 * ASan sees any read past it, and converted at the edges of every segment
 * it claims to hold and at a tick taken from its last 8 bytes.  When the
 * input's first byte is odd, the copy is resealed first (its header and
 * segment checks recomputed, as a writer would), so that the fuzzer gets
 * past the checks to the range checks and the search; anything a forged
 * record can say may give any time, but never a crash, a read outside the
 * record, or a status other than TK_TICKS_* or -EINVAL.
 *
 * Built and run by fuzz/run-fuzz.sh timebase (clang -fsanitize=fuzzer,
 * address,undefined).  Built with -DTK_FUZZ_SEEDS instead, it is a program
 * that writes seed records into the directory it is given.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ticks.h"
#include "timekeep.h"

static uint64_t
rd64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void
wr64(unsigned char *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> 8 * i);
}

static uint64_t
fnv(uint64_t h, const unsigned char *p, size_t n)
{
	while (n-- > 0)
		h = (h ^ *p++) * 0x100000001b3ull;
	return h;
}

/* Recompute the checks of docs/ticks.md over what the input holds. */
static void
reseal(unsigned char *p, size_t size)
{
	unsigned char z[8] = { 0 }, ib[4];
	uint64_t h, i;
	int k;

	if (size < TK_TIMEBASE_HDR)
		return;
	h = fnv(fnv(0xcbf29ce484222325ull, p, 56), z, 8);
	wr64(p + 56, h);
	for (i = 0; TK_TIMEBASE_HDR + (i + 1) * TK_TIMEBASE_SEG <= size; i++) {
		unsigned char *q = p + TK_TIMEBASE_HDR + i * TK_TIMEBASE_SEG;

		for (k = 0; k < 4; k++)
			ib[k] = (unsigned char)(i >> 8 * k);
		wr64(q + 56, fnv(fnv(h, q, 56), ib, 4));
	}
}

static void
convert(const unsigned char *rec, size_t size, uint64_t t)
{
	int64_t m, r;
	int st = tk_timebase_convert(rec, size, t, &m, &r);

	if (st != -EINVAL && (st < TK_TICKS_EXACT || st > TK_TICKS_CLAMPED))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *p = malloc(size ? size : 1);
	const unsigned char *q;
	uint64_t i, b, w;

	if (p == NULL)
		return 0;
	memcpy(p, data, size);
	if (size > 0 && (data[0] & 1)) {
		/* The magic's first byte, which the odd one replaced. */
		p[0] = 'T';
		reseal(p, size);
	}
	for (i = 0;
	     TK_TIMEBASE_HDR + (i + 1) * TK_TIMEBASE_SEG <= size && i < 64;
	     i++) {
		q = p + TK_TIMEBASE_HDR + i * TK_TIMEBASE_SEG;
		b = rd64(q);
		w = rd64(q + 8);
		convert(p, size, b);
		convert(p, size, b - 1);
		convert(p, size, w - 1);
		convert(p, size, w);
		convert(p, size, b + (w - b) / 2);
		convert(p, size, b + (uint32_t)rd64(q + 48));
	}
	convert(p, size, size >= 8 ? rd64(p + size - 8) : 0);
	convert(size ? p : NULL, size, 0);
	free(p);
	return 0;
}

#ifdef TK_FUZZ_SEEDS
/* Seeds: records as the library writes them, 1, 2, 7 and 40 segments. */
struct seeds {
	struct tk__ticks_seg s[40];
	uint64_t n;
};

static int
seeds_get(const void *ctx, uint64_t idx, struct tk__ticks_seg *s)
{
	const struct seeds *ss = ctx;

	*s = ss->s[ss->n - 1 - idx];
	return 0;
}

int
main(int argc, char **argv)
{
	static const uint64_t counts[] = { 1, 2, 7, 40 };
	static unsigned char buf[TK_TIMEBASE_HDR + 40 * TK_TIMEBASE_SEG];
	struct tk__timebase_hdr hdr = { 2600000000u, "tsc", 1, 2, 3 };
	struct seeds ss;
	char path[4096];
	uint64_t c = 0xfffffff000000000ull, i, k;
	int64_t ns = 1000000000000ll;
	long len;
	FILE *f;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	for (k = 0; k < sizeof(counts) / sizeof(counts[0]); k++) {
		ss.n = counts[k];
		for (i = 0; i < ss.n; i++) {
			struct tk__ticks_seg *s = &ss.s[i];

			s->base_count = c;
			s->windup_count = c + 26000000;
			s->mult = 7094901566137659392ull; /* 2^64 / 2.6 */
			s->base_ns = ns;
			s->k_ns = (uint64_t)ns -
			    tk__ticks_mulhi((uint32_t)c, s->mult);
			s->real_ns = 1700000000000000000ll;
			s->v_ns = ns - 300;
			s->exact_count = c + 800;
			s->flags = i == 0 ? TK_TICKS_SEG_EPOCH : 0;
			c += 26002600;
			ns += 10001000;
		}
		len = tk__timebase_write(
		    buf, sizeof(buf), &hdr, seeds_get, &ss, ss.n);
		snprintf(path, sizeof(path), "%s/seed%d.bin", argv[1], (int)k);
		f = fopen(path, "wb");
		if (len < 0 || f == NULL ||
		    fwrite(buf, 1, (size_t)len, f) != (size_t)len ||
		    fclose(f) != 0) {
			fprintf(stderr, "%s: cannot write %s\n", argv[0], path);
			return 1;
		}
	}
	return 0;
}
#endif
