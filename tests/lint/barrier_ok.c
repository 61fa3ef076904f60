/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A fixture for tests/lint/selftest.sh, never compiled: every barrier has
 * a comment, and every partner a comment names exists (a public function,
 * and a FreeBSD primitive the checker knows), so scripts/check-barriers.sh
 * must accept this file.
 */
static void
fixture_ok(unsigned *gen)
{
	/* Orders the loads above before tk_nanotime()'s counter read. */
	tk__fence_acquire();
	tk__store_release(gen, 1); /* atomic_store_rel_32(); see tk_bintime() */
}
