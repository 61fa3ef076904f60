/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A consumer of timekeep built as a subproject (tests/subproject): it sees
 * timekeep.h and nothing else of the tree.  It compiles only if none of
 * the library's private macros reached it, and it runs only if the library
 * answers: two reads of the clock in order and a source name.
 */
#include <stdio.h>

#include <timekeep.h>

#if defined(TK_WITH_VDSO) || defined(TK_WITH_TSC) || defined(TK_WITH_FREEBSD)
#error "a TK_WITH_* macro of the library reached a consumer"
#endif

int
main(void)
{
	int64_t a = tk_nanotime();
	int64_t b = tk_nanotime();

	if (a <= 0 || b < a) {
		printf("subproject: FAIL: tk_nanotime() read %lld then %lld\n",
		    (long long)a, (long long)b);
		return 1;
	}
	printf(
	    "subproject: timekeep %s, source %s\n", tk_version(), tk_source());
	return 0;
}
