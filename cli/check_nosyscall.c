/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Check "no syscall": a forked child under the seccomp filter of
 * nosyscall.h (any time system call kills it) makes NOSYSCALL_ROUNDS
 * rounds of every clock read.  It must exit normally: then no read made a
 * time system call, as the kernel itself attests.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <timekeep.h>

#include "check.h"
#include "nosyscall.h"

/* Exit 0 pass, 3 no filter (msg on fd), 4 tk_nanotime went back. */
static void
nosyscall_child(int fd)
{
	struct rlimit nocore = { 0, 0 };
	struct timespec ts;
	struct tk_bintime bt;
	int64_t prev = INT64_MIN, now, sec;
	int32_t nsec;
	char msg[160];
	int i, err;

	setrlimit(RLIMIT_CORE, &nocore);
	err = nosyscall_install();
	if (err != 0) {
		snprintf(msg, sizeof(msg),
		    "cannot install a seccomp filter: %s", strerror(-err));
		if (write(fd, msg, strlen(msg)) < 0)
			_exit(3);
		_exit(3);
	}
	for (i = 0; i < NOSYSCALL_ROUNDS; i++) {
		now = tk_nanotime();
		if (now < prev)
			_exit(4);
		prev = now;
		(void)tk_nanotime_relaxed();
		tk_walltime(&sec, &nsec);
		(void)tk_clock_gettime(CLOCK_MONOTONIC, &ts);
		(void)tk_clock_gettime(CLOCK_REALTIME, &ts);
		(void)tk_binuptime(&bt);
		(void)tk_bintime(&bt);
	}
	_exit(0);
}

static void
nosyscall_verdict(struct check *c, int st, const char *msg, const char *source)
{
	check_x(c, "rounds", NOSYSCALL_ROUNDS);
	if (WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS)
		check_set(c, ST_FAIL,
		    "a clock read made a time system call: the child under a "
		    "seccomp filter that kills on " NOSYSCALL_NAMES
		    " died of SIGSYS (source %s; kernel clocksource not "
		    "vDSO-capable?)",
		    source);
	else if (WIFSIGNALED(st))
		check_set(
		    c, ST_FAIL, "the child died of signal %d", WTERMSIG(st));
	else if (WIFEXITED(st) && WEXITSTATUS(st) == 3)
		check_set(c, ST_SKIP, "%s", msg);
	else if (WIFEXITED(st) && WEXITSTATUS(st) == 4)
		check_set(
		    c, ST_FAIL, "tk_nanotime went backwards in the child");
	else if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		check_set(c, ST_FAIL, "the child exited with status %d",
		    WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	else
		check_set(c, ST_PASS,
		    "%d rounds of tk_nanotime, _relaxed, tk_walltime, "
		    "tk_clock_gettime(MONOTONIC, REALTIME), tk_binuptime, "
		    "tk_bintime under a seccomp filter that kills on "
		    "" NOSYSCALL_NAMES,
		    NOSYSCALL_ROUNDS);
}

void
check_nosyscall(struct check *c, const char *source)
{
	char msg[160];
	ssize_t got;
	pid_t pid;
	int fd[2], st;

	c->name = "no syscall";
	if (strcmp(source, "syscall") == 0) {
		const char *env = getenv("TIMEKEEP_SOURCE");

		check_set(c, ST_SKIP, "the chosen source is the system call %s",
		    env != NULL && env[0] != '\0'
		        ? "(TIMEKEEP_SOURCE chose it)"
		        : "(timekeep info says why nothing faster is usable)");
		return;
	}
	fflush(NULL);
	if (pipe(fd) != 0 || (pid = fork()) < 0) {
		check_set(c, ST_SKIP, "cannot fork: %s", strerror(errno));
		return;
	}
	if (pid == 0) {
		close(fd[0]);
		nosyscall_child(fd[1]);
	}
	close(fd[1]);
	got = read(fd[0], msg, sizeof(msg) - 1);
	msg[got > 0 ? got : 0] = '\0';
	close(fd[0]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	nosyscall_verdict(c, st, msg, source);
}
