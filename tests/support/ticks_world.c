/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The tick conversion tests' use of the fake world (ticks_world.h).
 */
#include <string.h>

#include "hands/hands.h"
#include "hands/hands_ticks.h"
#include "ticks_world.h"
#include "tk_test.h"

/* A 2.6 GHz counter at 10^12, a kernel at 1000 s, 10 ns per read. */
int
ticks_setup(void **state)
{
	(void)state;
	world_reset();
	memset(&page, 0, sizeof(page));
	memset(&memo, 0, sizeof(memo));
	memset(&H, 0, sizeof(H));
	H.page = &page;
	H.memo = &memo;
	H.counter = fake_counter;
	H.kernel = fake_kernel;
	tk__hands_defaults(&H);
	assert_int_equal(tk__hands_setup(&H), 0);
	return 0;
}

int64_t
ticks_read(void)
{
	int64_t ns;

	assert_int_equal(tk__hands_nanotime(&H, 0, 1, &ns), 0);
	return ns;
}

void
ticks_run(double gap, double total)
{
	double t;

	for (t = 0; t < total; t += gap) {
		world_advance(gap);
		(void)ticks_read();
	}
}

int
ticks_conv(uint64_t t, int64_t *m)
{
	int64_t r;
	int st = tk__hands_ticks_to_ns(&H, t, m, &r);

	assert_true(st >= 0);
	return st;
}
