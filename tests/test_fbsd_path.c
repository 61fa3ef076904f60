/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * TIMEKEEP_SOURCE=freebsd:PATH on paths that are not a page file.  The
 * source must open PATH without blocking and accept only a regular file at
 * least one timekeep block (368 bytes) long; anything else is refused at
 * once, with a reason that names what PATH is.  Each kind below:
 *
 *   a FIFO with no writer (a blocking open would wait forever), a
 *   directory, /dev/zero (a character device), a UNIX socket, a 0-byte
 *   file, and a 100-byte file; a page file as the control.
 *
 *   direct	the source's init on each path, in a child with a 5 s alarm,
 *		so that a hang is reported as one rather than as the test's
 *		timeout: refused, within 1 ms, with the expected reason;
 *   sources	a fresh process with TIMEKEEP_SOURCE=freebsd:PATH (the
 *		environment is read once per process, so the test re-executes
 *		itself): another source is chosen, and tk_sources() shows the
 *		same reason for freebsd.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fbsd_host.h"
#include "source/source.h"
#include "tk_test.h"

/* 1 ms; under qemu-user a system call alone can take that long. */
#define REFUSE_NS (tk_test_is_emulated() ? 100000000 : 1000000)
#define WHY_MAX 200

extern char **environ;

struct kind {
	const char *name;
	char path[108];
	const char *want; /* in the reason, or NULL: the control, accepted */
};

static char dir[64];
static struct kind kinds[] = {
	{ "FIFO", "", "FIFO" },
	{ "directory", "", "directory" },
	{ "/dev/zero", "/dev/zero", "character device" },
	{ "socket", "", "socket" },
	{ "0-byte file", "", "smaller than" },
	{ "100-byte file", "", "smaller than" },
	{ "page file", "", NULL },
};
#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

struct result {
	int err;
	int64_t ns;
	char why[WHY_MAX];
};

static int sock_fd = -1;

static int64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return tk_test_ts_ns(&ts);
}

static int
write_file(const char *p, size_t size)
{
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	int ok;

	if (fd < 0)
		return -1;
	ok = ftruncate(fd, (off_t)size);
	close(fd);
	return ok;
}

/* A sane page with one published slot, as the kernel would leave it. */
static int
write_page(const char *p)
{
	struct fbsd_vdso_timekeep *tk;
	int fd = open(p, O_RDWR | O_CREAT | O_TRUNC, 0600);
	void *m;

	if (fd < 0 || ftruncate(fd, 4096) != 0)
		return -1;
	m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		return -1;
	tk = m;
	tk->tk_ver = VDSO_TK_VER_CURR;
	tk->tk_enabled = 1;
	tk->tk_current = 0;
	tk->tk_th[0].th_algo = FBSD_HOST_COUNTER_ALGO;
	tk->tk_th[0].th_gen = 1;
	tk->tk_th[0].th_scale = 1ull << 34;
	tk->tk_th[0].th_counter_mask = 0xffffffffu;
	fbsd_host_fill_counter_md(&tk->tk_th[0], 0);
	munmap(m, 4096);
	return 0;
}

static int
make_paths(void)
{
	struct sockaddr_un sa;

	snprintf(dir, sizeof(dir), "/tmp/fbsd-path-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(kinds[0].path, sizeof(kinds[0].path), "%s/fifo", dir);
	snprintf(kinds[1].path, sizeof(kinds[1].path), "%s/dir", dir);
	snprintf(kinds[3].path, sizeof(kinds[3].path), "%s/sock", dir);
	snprintf(kinds[4].path, sizeof(kinds[4].path), "%s/empty", dir);
	snprintf(kinds[5].path, sizeof(kinds[5].path), "%s/small", dir);
	snprintf(kinds[6].path, sizeof(kinds[6].path), "%s/page", dir);
	if (mkfifo(kinds[0].path, 0600) != 0 || mkdir(kinds[1].path, 0700) != 0)
		return -1;
	sock_fd = socket(AF_UNIX, SOCK_STREAM, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", kinds[3].path);
	if (sock_fd < 0 ||
	    bind(sock_fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    listen(sock_fd, 1) != 0)
		return -1;
	if (write_file(kinds[4].path, 0) != 0 ||
	    write_file(kinds[5].path, 100) != 0 ||
	    write_page(kinds[6].path) != 0)
		return -1;
	return 0;
}

static void
remove_paths(void)
{
	size_t i;

	if (sock_fd >= 0)
		close(sock_fd);
	for (i = 0; i < NKINDS; i++)
		if (kinds[i].path[0] == '/' &&
		    strcmp(kinds[i].name, "/dev/zero"))
			(void)(i == 1 ? rmdir(kinds[i].path)
			              : unlink(kinds[i].path));
	rmdir(dir);
}

/* The child of test_direct: init on one path, the result down the pipe. */
static void
direct_child(const struct kind *k, int fd)
{
	struct result r;
	const char *why = NULL;
	int64_t t0;

	alarm(5); /* a hang shows as SIGALRM, not as the test's timeout */
	memset(&r, 0, sizeof(r));
	t0 = mono_ns();
	r.err = tk__source_freebsd.init(k->path, &why);
	r.ns = mono_ns() - t0;
	snprintf(r.why, sizeof(r.why), "%s", why ? why : "(none)");
	_exit(write(fd, &r, sizeof(r)) == (ssize_t)sizeof(r) ? 0 : 3);
}

/* 0 if the outcome for k is the expected one, else 1 (with a message). */
static int
check_reason(const struct kind *k, int err, const char *why)
{
	if (k->want == NULL ? err == 0 : err != 0 && strstr(why, k->want))
		return 0;
	if (k->want == NULL)
		print_error("%s (%s): init %d, \"%s\"; want it accepted\n",
		    k->name, k->path, err, why);
	else
		print_error("%s (%s): init %d, \"%s\"; want a refusal that "
		            "says \"%s\"\n",
		    k->name, k->path, err, why, k->want);
	return 1;
}

static void
test_direct(void **state)
{
	struct result r;
	size_t i, got;
	int fd[2], status, bad = 0;
	ssize_t n;
	pid_t pid;

	(void)state;
	for (i = 0; i < NKINDS; i++) {
		assert_int_equal(pipe(fd), 0);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			close(fd[0]);
			direct_child(&kinds[i], fd[1]);
		}
		close(fd[1]);
		for (got = 0; got < sizeof(r); got += (size_t)n) {
			n = read(fd[0], (char *)&r + got, sizeof(r) - got);
			if (n <= 0)
				break;
		}
		close(fd[0]);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		if (got < sizeof(r)) {
			print_error("init on the %s (%s) did not return within "
			            "5 s (status %#x)\n",
			    kinds[i].name, kinds[i].path, status);
			bad++;
			continue;
		}
		printf("[ INFO     ] %-14s %3d in %7lld ns: %s\n",
		    kinds[i].name, r.err, (long long)r.ns, r.why);
		bad += check_reason(&kinds[i], r.err, r.why);
		if (kinds[i].want != NULL && r.ns > REFUSE_NS) {
			print_error("%s: refused in %lld ns, over %d\n",
			    kinds[i].name, (long long)r.ns, (int)REFUSE_NS);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

/* A fresh process with TIMEKEEP_SOURCE=freebsd:PATH prints this. */
static int
sources_child(void)
{
	struct tk_source_info si[8];
	int i, n;

	alarm(5);
	n = tk_sources(si, 8);
	for (i = 0; i < n && i < 8; i++)
		if (strcmp(si[i].name, "freebsd") == 0)
			printf("%d %d %s\n", si[i].usable, si[i].chosen,
			    si[i].reason);
	printf("source %s\n", tk_source());
	return 0;
}

static void
test_sources(void **state)
{
	char *argv[] = { "test_fbsd_path", "--sources", NULL };
	char env[160], out[512], src[64];
	int fd[2], status, usable, chosen, bad = 0;
	size_t i, got;
	ssize_t n;
	pid_t pid;

	(void)state;
	for (i = 0; i < NKINDS; i++) {
		if (kinds[i].want == NULL)
			continue;
		snprintf(env, sizeof(env), "freebsd:%s", kinds[i].path);
		assert_int_equal(pipe(fd), 0);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			dup2(fd[1], 1);
			close(fd[0]);
			close(fd[1]);
			setenv("TIMEKEEP_SOURCE", env, 1);
			execve("/proc/self/exe", argv, environ);
			_exit(77);
		}
		close(fd[1]);
		got = 0;
		while (got < sizeof(out) - 1 &&
		    (n = read(fd[0], out + got, sizeof(out) - 1 - got)) > 0)
			got += (size_t)n;
		out[got] = '\0';
		close(fd[0]);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		if (WIFEXITED(status) && WEXITSTATUS(status) == 77)
			TK_SKIP("cannot re-execute /proc/self/exe here");
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			print_error(
			    "the process with TIMEKEEP_SOURCE=%s did not "
			    "finish its first clock call (status %#x)\n",
			    env, status);
			bad++;
			continue;
		}
		printf("[ INFO     ] %s", out);
		assert_int_equal(sscanf(out, "%d %d", &usable, &chosen), 2);
		assert_int_equal(usable, 0);
		assert_int_equal(chosen, 0);
		bad += check_reason(&kinds[i], -1, out);
		assert_non_null(strstr(out, "source "));
		assert_int_equal(
		    sscanf(strstr(out, "source "), "source %63s", src), 1);
		assert_string_not_equal(src, "freebsd");
	}
	assert_int_equal(bad, 0);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_direct),
		cmocka_unit_test(test_sources),
	};
	int rc;

	if (argc == 2 && strcmp(argv[1], "--sources") == 0)
		return sources_child();
	signal(SIGPIPE, SIG_IGN);
	if (make_paths() != 0) {
		printf("[  SKIP    ] cannot make the paths under /tmp: %s\n",
		    strerror(errno));
		remove_paths();
		return 77;
	}
	rc = TK_TEST_RUN(tests, NULL, NULL);
	remove_paths();
	return rc;
}
