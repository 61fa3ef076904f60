/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The "no syscall" test, after the Go runtime's TestUsingVDSO
 * (src/runtime/vdso_test.go): run vdso_nosyscall_helper under
 * strace -f -e trace=clock_gettime and count the clock_gettime system
 * calls it makes for N reads.
 *
 *   none   N = 0 reads: what start-up (and a sanitizer runtime) costs;
 *   libc   glibc's clock_gettime, the plain C cross-check: if it makes a
 *          system call per read, the kernel's clocksource is not
 *          vDSO-capable here (hpet, acpi_pm, xen) and the test
 *          SKIPs, as nothing could pass;
 *   vdso   tk__vdso_gettime: no more calls than "none";
 *   api    tk_clock_gettime with TIMEKEEP_SOURCE=vdso: the same.
 *
 * SKIPs with the reason when strace is missing, cannot trace (no ptrace
 * in this container), or this process has no vDSO.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tk_test.h"

#define READS 10000L
#define SLACK 2 /* calls "vdso"/"api" may make beyond "none" */

/*
 * Run the helper in mode under strace; 0 and *count, or 77 with *why
 * when strace cannot do it here, or 1 when the helper itself failed.
 */
static int
traced(const char *mode, long n, long *count, const char **why)
{
	char log[] = "/tmp/tk_nosyscall_XXXXXX";
	char nbuf[32], line[512];
	FILE *f;
	pid_t pid;
	int fd, st;

	fd = mkstemp(log);
	assert_true(fd >= 0);
	close(fd);
	snprintf(nbuf, sizeof(nbuf), "%ld", n);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		if (null >= 0)
			dup2(null, 1);
		setenv("TIMEKEEP_SOURCE", "vdso", 1);
		/* LeakSanitizer cannot run under ptrace; ASan builds only. */
		setenv("ASAN_OPTIONS", "detect_leaks=0", 0);
		execlp("strace", "strace", "-f", "-qq", "-e",
		    "trace=clock_gettime", "-o", log, TK_NOSYSCALL_HELPER, mode,
		    nbuf, (char *)NULL);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 127) {
		unlink(log);
		*why = "strace is not installed";
		return 77;
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		unlink(log);
		if (strcmp(mode, "none") == 0) {
			*why = "strace cannot trace here (no ptrace?)";
			return 77;
		}
		*why = "the helper failed under strace";
		return 1;
	}
	f = fopen(log, "r");
	assert_non_null(f);
	*count = 0;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strstr(line, "clock_gettime(") != NULL)
			(*count)++;
	fclose(f);
	unlink(log);
	return 0;
}

static void
test_no_syscall(void **state)
{
	const char *why = NULL;
	long none, libc, vdso, api;
	int r;

	(void)state;
	if (getauxval(AT_SYSINFO_EHDR) == 0) {
		TK_SKIP("no vDSO in this process (AT_SYSINFO_EHDR absent)");
		return;
	}
	if ((r = traced("none", 0, &none, &why)) == 77) {
		TK_SKIP("%s", why);
		return;
	}
	assert_int_equal(r, 0);
	assert_int_equal(traced("libc", READS, &libc, &why), 0);
	print_message("[          ] clock_gettime system calls for %ld "
	              "reads: none %ld, libc %ld\n",
	    READS, none, libc);
	if (libc > none + READS / 2) {
		TK_SKIP("glibc's clock_gettime makes the system call here too: "
		        "the clocksource is not vDSO-capable");
		return;
	}
	r = traced("vdso", READS, &vdso, &why);
	if (r != 0)
		fail_msg("vdso: %s", why);
	r = traced("api", READS, &api, &why);
	if (r != 0)
		fail_msg("api: %s", why);
	print_message("[          ] vdso %ld, api %ld\n", vdso, api);
	assert_int64_le(vdso, none + SLACK);
	assert_int64_le(api, none + SLACK);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_syscall),
	};

	return TK_TEST_RUN(tests, NULL, NULL);
}
