/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the bounded-time writers share (tt_writers.h): the shared file,
 * raw field access by offset, the clocks, a deterministic generator, and
 * the writers' reference clock on the CPU counter.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "counter.h"
#include "truetime/tt.h"
#include "tt_writers.h"

void *
tt_shm_create(size_t size, char *path, size_t n)
{
	static unsigned seq;
	const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	void *map;
	int fd;

	snprintf(path, n, "%s/tk_truetime_%ld_%u", dir, (long)getpid(),
	    __atomic_fetch_add(&seq, 1u, __ATOMIC_RELAXED));
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return NULL;
	if (ftruncate(fd, (off_t)size) != 0) {
		close(fd);
		unlink(path);
		return NULL;
	}
	map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (map == MAP_FAILED) {
		unlink(path);
		return NULL;
	}
	return map;
}

void
tt_shm_destroy(void *map, size_t size, const char *path)
{
	if (map != NULL)
		munmap(map, size);
	if (path != NULL)
		unlink(path);
}

void
tt_poke(void *seg, size_t off, uint64_t v, int width)
{
	char *p = (char *)seg + off;

	switch (width) {
	case 1:
		__atomic_store_n((uint8_t *)p, (uint8_t)v, __ATOMIC_RELAXED);
		break;
	case 2:
		__atomic_store_n((uint16_t *)p, (uint16_t)v, __ATOMIC_RELAXED);
		break;
	case 4:
		__atomic_store_n((uint32_t *)p, (uint32_t)v, __ATOMIC_RELAXED);
		break;
	default:
		__atomic_store_n((uint64_t *)p, v, __ATOMIC_RELAXED);
		break;
	}
}

uint64_t
tt_peek(const void *seg, size_t off, int width)
{
	const char *p = (const char *)seg + off;

	switch (width) {
	case 1:
		return __atomic_load_n((const uint8_t *)p, __ATOMIC_RELAXED);
	case 2:
		return __atomic_load_n((const uint16_t *)p, __ATOMIC_RELAXED);
	case 4:
		return __atomic_load_n((const uint32_t *)p, __ATOMIC_RELAXED);
	default:
		return __atomic_load_n((const uint64_t *)p, __ATOMIC_RELAXED);
	}
}

int64_t
tt_clock_ns(int clock_id)
{
	struct timespec ts;

	clock_gettime((clockid_t)clock_id, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

uint64_t
tt_rand(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15u);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

int64_t
tt_rand_range(uint64_t *state, int64_t lo, int64_t hi)
{
	uint64_t span = (uint64_t)(hi - lo) + 1;

	return span == 0 ? (int64_t)tt_rand(state)
	                 : lo + (int64_t)(tt_rand(state) % span);
}

void
tt_force(const char *env)
{
	tk__tt_reset();
	tk__tt_hooks.env = env != NULL ? env : "";
}

uint64_t
tt_counter(void)
{
	return tk__counter_ordered();
}

void
tt_truth_init(struct tt_truth *t)
{
	struct timespec nap = { 0, 50000000 };
	uint64_t ca, cb;
	int64_t ra, rb;

	ca = tt_counter();
	ra = tt_clock_ns(CLOCK_REALTIME);
	nanosleep(&nap, NULL);
	cb = tt_counter();
	rb = tt_clock_ns(CLOCK_REALTIME);
	t->hz = (uint64_t)((unsigned __int128)(cb - ca) * 1000000000u /
	    (uint64_t)(rb - ra));
	t->c0 = cb;
	t->t0_ns = rb;
}

int64_t
tt_truth_ns(const struct tt_truth *t, uint64_t c)
{
	if (c >= t->c0)
		return t->t0_ns +
		    (int64_t)((unsigned __int128)(c - t->c0) * 1000000000u /
		        t->hz);
	return t->t0_ns -
	    (int64_t)((unsigned __int128)(t->c0 - c) * 1000000000u / t->hz);
}

uint64_t
tt_truth_counts(const struct tt_truth *t, int64_t ns)
{
	return (uint64_t)((unsigned __int128)ns * t->hz / 1000000000u);
}

uint64_t
tt_truth_period_frac(const struct tt_truth *t)
{
	return (uint64_t)(((unsigned __int128)1 << 64) / t->hz);
}
