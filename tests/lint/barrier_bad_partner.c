/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A fixture for tests/lint/selftest.sh, never compiled: the barrier's
 * comment names a partner that exists nowhere in src/ or include/, so
 * scripts/check-barriers.sh must reject this file and name it.
 */
static void
fixture_bad_partner(void)
{
	/* Pairs with the release fence in tk__no_such_partner(). */
	tk__fence_acquire();
}
