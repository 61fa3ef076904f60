/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The program test_vdso_nosyscall runs under strace:
 *
 *	vdso_nosyscall_helper MODE N
 *
 * reads CLOCK_MONOTONIC N times through MODE: "none" (no reads: start-up
 * noise), "libc" (clock_gettime(3), the plain C cross-check), "vdso"
 * (tk__vdso_gettime) or "api" (tk_clock_gettime, with TIMEKEEP_SOURCE=vdso
 * set by the caller).  Exits 0 if every read succeeded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "source/vdso.h"
#include "timekeep.h"

int
main(int argc, char **argv)
{
	struct timespec ts;
	long i, n;
	int err = 0;

	if (argc != 3)
		return 2;
	n = atol(argv[2]);
	for (i = 0; i < n && err == 0; i++) {
		if (strcmp(argv[1], "libc") == 0)
			err = clock_gettime(CLOCK_MONOTONIC, &ts);
		else if (strcmp(argv[1], "vdso") == 0)
			err = tk__vdso_gettime(CLOCK_MONOTONIC, &ts);
		else if (strcmp(argv[1], "api") == 0)
			err = tk_clock_gettime(CLOCK_MONOTONIC, &ts);
	}
	if (err != 0)
		fprintf(stderr, "%s: read %ld failed: %d\n", argv[1], i, err);
	return err != 0;
}
