/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Check "vdso" (Linux): the kernel mapped a vDSO (AT_SYSINFO_EHDR)
 * exactly when timekeep found one; every symbol timekeep resolved lies
 * inside the [vdso] mapping of /proc/self/maps; and its clock_gettime,
 * called at base + offset in a forked child (a wrong offset may crash),
 * agrees with the system call.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <timekeep.h>

#include "check.h"

/* The [vdso] mapping of this process, from /proc/self/maps: 0 or -1. */
static int
vdso_mapping(uintptr_t *lo, uintptr_t *hi)
{
	char line[512];
	unsigned long a, z;
	FILE *f = fopen("/proc/self/maps", "re");
	int found = -1;

	if (f == NULL)
		return -1;
	while (found < 0 && fgets(line, sizeof(line), f) != NULL)
		if (strstr(line, "[vdso]") != NULL &&
		    sscanf(line, "%lx-%lx", &a, &z) == 2) {
			*lo = (uintptr_t)a;
			*hi = (uintptr_t)z;
			found = 0;
		}
	fclose(f);
	return found;
}

typedef int (*vdso_cgt_fn)(clockid_t, struct timespec *);

/*
 * In the child: call the vDSO's clock_gettime, each call between two
 * system calls, and require syscall <= vDSO <= syscall for MONOTONIC and
 * REALTIME.  One line goes back through fd: "ok" or what went wrong.
 */
static void
vdso_child(int fd, vdso_cgt_fn fn)
{
	static const clockid_t ids[] = { CLOCK_MONOTONIC, CLOCK_REALTIME };
	struct timespec a, v, z;
	char msg[256] = "ok";
	int i, k, r;

	for (k = 0; k < 2 && strcmp(msg, "ok") == 0; k++) {
		for (i = 0; i < 1000; i++) {
			syscall(SYS_clock_gettime, ids[k], &a);
			r = fn(ids[k], &v);
			syscall(SYS_clock_gettime, ids[k], &z);
			if (r != 0) {
				snprintf(msg, sizeof(msg),
				    "it returned %d for clock %d", r,
				    (int)ids[k]);
				break;
			}
			if (ts_ns(&v) < ts_ns(&a) || ts_ns(&v) > ts_ns(&z)) {
				snprintf(msg, sizeof(msg),
				    "clock %d: it read %" PRId64
				    " ns outside the system call's "
				    "[%" PRId64 ", %" PRId64 "]",
				    (int)ids[k], ts_ns(&v), ts_ns(&a),
				    ts_ns(&z));
				break;
			}
		}
	}
	if (write(fd, msg, strlen(msg)) < 0)
		_exit(3);
	_exit(strcmp(msg, "ok") == 0 ? 0 : 1);
}

/* Call syms[cgt] at base + offset in a child and judge the result. */
static void
vdso_call(
    struct check *c, const struct tk_vdso_symbol *sym, uintptr_t base, int n)
{
	char msg[256];
	ssize_t got;
	pid_t pid;
	int fd[2], st;

	fflush(NULL);
	if (pipe(fd) != 0 || (pid = fork()) < 0) {
		check_set(c, ST_SKIP, "cannot fork to call the vDSO: %s",
		    strerror(errno));
		return;
	}
	if (pid == 0) {
		close(fd[0]);
		vdso_child(fd[1], (vdso_cgt_fn)(base + (uintptr_t)sym->offset));
	}
	close(fd[1]);
	got = read(fd[0], msg, sizeof(msg) - 1);
	msg[got > 0 ? got : 0] = '\0';
	close(fd[0]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (WIFSIGNALED(st))
		check_set(c, ST_FAIL,
		    "calling %s at vDSO base + %#" PRIx64
		    " killed the child with signal %d",
		    sym->name, sym->offset, WTERMSIG(st));
	else if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		check_set(c, ST_FAIL, "%s at vDSO base + %#" PRIx64 ": %s",
		    sym->name, sym->offset, msg);
	else
		check_set(c, ST_PASS,
		    "%d symbols inside the [vdso] mapping at %#lx; %s at + "
		    "%#" PRIx64 " agrees with the system call "
		    "(MONOTONIC, REALTIME, 1000 brackets each)",
		    n, (unsigned long)base, sym->name, sym->offset);
}

/*
 * Every symbol inside [lo, hi): the index of clock_gettime among them,
 * n if there is none, or -1 after setting the failure.
 */
static int
vdso_symbols_inside(
    struct check *c, const struct tk_vdso_symbol *syms, int n, uintptr_t base)
{
	uintptr_t lo = 0, hi = 0;
	int i, cgt = n;

	if (vdso_mapping(&lo, &hi) != 0 || base < lo || base >= hi) {
		lo = 0; /* no /proc/self/maps: no range to test against */
		hi = UINTPTR_MAX;
	}
	for (i = 0; i < n; i++) {
		if (syms[i].name == NULL || syms[i].offset == 0 ||
		    base + syms[i].offset < lo || base + syms[i].offset >= hi) {
			check_set(c, ST_FAIL,
			    "symbol %s at offset %#" PRIx64
			    " does not lie inside the [vdso] mapping (base "
			    "%#lx, %#lx bytes)",
			    syms[i].name != NULL ? syms[i].name : "(null)",
			    syms[i].offset, (unsigned long)base,
			    (unsigned long)(hi - base));
			return -1;
		}
		if (strcmp(syms[i].name, "__vdso_clock_gettime") == 0 ||
		    strcmp(syms[i].name, "__kernel_clock_gettime") == 0)
			cgt = i;
	}
	return cgt;
}

void
check_vdso(struct check *c)
{
	struct tk_vdso_symbol syms[MAX_VDSO_SYMS];
	uintptr_t base = (uintptr_t)getauxval(AT_SYSINFO_EHDR);
	int n = tk_vdso_symbols(syms, MAX_VDSO_SYMS), cgt;

	c->name = "vdso";
	if (n > MAX_VDSO_SYMS)
		n = MAX_VDSO_SYMS;
	if (base == 0 && n <= 0) {
		check_set(c, ST_SKIP, "no vDSO in this process (%s)",
		    n == -ENOENT ? "none mapped, none found"
		                 : "tk_vdso_symbols failed");
		return;
	}
	if (base == 0) {
		check_set(c, ST_FAIL,
		    "timekeep lists %d vDSO symbols but the kernel mapped no "
		    "vDSO (AT_SYSINFO_EHDR is 0)",
		    n);
		return;
	}
	if (n <= 0) {
		check_set(c, ST_FAIL,
		    "the kernel mapped a vDSO at %#lx but timekeep found no "
		    "symbol in it (tk_vdso_symbols: %d)",
		    (unsigned long)base, n);
		return;
	}
	cgt = vdso_symbols_inside(c, syms, n, base);
	if (cgt < 0)
		return;
	check_x(c, "symbols", n);
	if (cgt == n) {
		check_set(c, ST_PASS,
		    "%d symbols inside the [vdso] mapping; no clock_gettime "
		    "among them to compare",
		    n);
		return;
	}
	vdso_call(c, &syms[cgt], base, n);
}
