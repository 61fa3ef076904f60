/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A fixture for tests/lint/selftest.sh, never compiled: a barrier with no
 * comment, which scripts/check-barriers.sh must reject.
 */
static void
fixture_bare(unsigned *gen)
{
	unsigned g;

	g = tk__load_acquire(gen);
	(void)g;
}
