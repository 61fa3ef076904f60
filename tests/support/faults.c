/* SPDX-License-Identifier: BSD-2-Clause */
/* The fault tests' bracketed reads and figures (see faults.h). */
#include <errno.h>
#include <sys/mman.h>
#include <time.h>

#include "faults.h"

#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define FAULTS_TSAN 1
#endif
#endif
#if defined(__SANITIZE_THREAD__)
#define FAULTS_TSAN 1
#endif

int
faults_tsan(void)
{
#ifdef FAULTS_TSAN
	return 1;
#else
	return 0;
#endif
}

int64_t
faults_kernel_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t
faults_error(const struct faults_read *r)
{
	if (r->t < r->k1)
		return r->k1 - r->t;
	if (r->t > r->k2)
		return r->t - r->k2;
	return 0;
}

int64_t
faults_bracket(int64_t (*clk)(void), struct faults_read *r)
{
	r->k1 = faults_kernel_ns();
	r->t = clk();
	r->k2 = faults_kernel_ns();
	return faults_error(r);
}

int64_t
faults_watch_read(struct faults_watch *w, const struct faults_read *r)
{
	int64_t e = faults_error(r);

	if (e > w->worst_ns) {
		w->worst_ns = e;
		w->worst = *r;
	}
	if (w->n > 0 && r->t == w->last_t) {
		if (r->k1 - w->since_k > w->repeat_ns)
			w->repeat_ns = r->k1 - w->since_k;
	} else {
		if (w->n > 0 && r->t < w->last_t) {
			w->back++;
			if (w->last_t - r->t > w->back_ns) {
				w->back_ns = w->last_t - r->t;
				w->back_from = w->last_t;
				w->back_to = r->t;
			}
		}
		w->last_t = r->t;
		w->since_k = r->k2;
	}
	w->n++;
	return e;
}

int64_t
faults_watch(struct faults_watch *w, int64_t (*clk)(void))
{
	struct faults_read r;

	faults_bracket(clk, &r);
	return faults_watch_read(w, &r);
}

void
faults_hist_add(struct faults_hist *h, int64_t err)
{
	size_t i = err < 0          ? 0
	    : err >= FAULTS_HIST_NS ? FAULTS_HIST_NS - 1
	                            : (size_t)err;

	h->bin[i]++;
	h->n++;
	if (err > h->max)
		h->max = err;
}

int64_t
faults_hist_q(const struct faults_hist *h, double q)
{
	uint64_t need, sum = 0;
	size_t i;

	if (h->n == 0)
		return 0;
	need = (uint64_t)((double)h->n * q + 0.5);
	if (need < 1)
		need = 1;
	for (i = 0; i < FAULTS_HIST_NS - 1; i++) {
		sum += h->bin[i];
		if (sum >= need)
			return (int64_t)i;
	}
	return h->max;
}

void
faults_sleep_ns(int64_t ns)
{
	struct timespec ts = { (time_t)(ns / 1000000000),
		(long)(ns % 1000000000) };

	while (clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, &ts) == EINTR)
		;
}

void *
faults_share(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

void
faults_unshare(void *p, size_t size)
{
	if (p != NULL)
		munmap(p, size);
}
