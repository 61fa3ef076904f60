/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The FreeBSD timekeep source: the kernel's timekeep page, read as
 * FreeBSD's libc reads it.  Follows lib/libc/sys/__vdso_gettimeofday.c
 * (__vdso_clock_gettime(), __vdso_gettimeofday(), binuptime(),
 * getnanouptime()) and lib/libc/sys/clock_gettime.c (ENOSYS means "make the
 * system call"); the Go runtime's vdso_freebsd.go (nanotime1, walltime,
 * vdsoClockGettime) is the same reader with fewer clocks.
 *
 * Where the page comes from (init):
 *   TIMEKEEP_SOURCE=freebsd:PATH  any OS: PATH is mapped read-only and
 *				   MAP_SHARED, so a live writer's updates
 *				   are seen, and read as the kernel's page
 *				   in the host layout (src/abi/fbsd_vdso.h);
 *   otherwise                     the kernel's page, from AT_TIMEKEEP on
 *				   FreeBSD (fbsd_os_freebsd.c); Linux has
 *				   none (fbsd_os_linux.c).
 *
 * What each read does: the generation loop of src/source/fbsd_reader.h
 * around the arch's counter (src/source/fbsd_<arch>.c), then the exact
 * floor conversions of include/timekeep.h (current FreeBSD sys/time.h,
 * not Go's or older FreeBSD's top-32-bit form, which can read 1 ns low).
 * A page that is disabled, of another version, names an unknown counter, or
 * has tk_current out of range gives a routing value on every read, and
 * clock.c makes the system call (libc returns ENOSYS for the same cases).
 *
 * Invariants: init runs once, before any hook, under clock.c's once-flag,
 * which also publishes fbsd_tk to the readers; the page is never unmapped.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "atomic.h"
#include "info.h"
#include "platform.h"
#include "source/freebsd.h"
#include "source/source.h"

/* The page in use, or NULL; set by freebsd_init() only. */
static const struct fbsd_vdso_timekeep *fbsd_tk;
/* "AT_TIMEKEEP", or fbsd_path. */
static const char *fbsd_from;
static char fbsd_path[1024];

/*
 * libc's __vdso_clock_gettime() dispatch, for FreeBSD clock ids.  The
 * realtime group reads the counter and adds th_boottime; the monotonic and
 * uptime group reads the counter; the two _FAST uptime clocks take the last
 * windup's th_offset without a counter read (getnanouptime).  As in libc,
 * CLOCK_REALTIME_FAST and CLOCK_SECOND are served precisely: never behind
 * the kernel's value, at most one windup ahead of it (FACTS 3.1).
 */
int
tk__fbsd_clock_gettime(
    const struct fbsd_vdso_timekeep *tk, int fbsd_id, struct timespec *ts)
{
	struct tk_bintime bt;
	int err;

	switch (fbsd_id) {
	case FBSD_CLOCK_REALTIME:
	case FBSD_CLOCK_REALTIME_PRECISE:
	case FBSD_CLOCK_REALTIME_FAST:
	case FBSD_CLOCK_SECOND:
		err = tk__fbsd_binuptime(tk, 1, 1, &bt, NULL);
		break;
	case FBSD_CLOCK_MONOTONIC:
	case FBSD_CLOCK_MONOTONIC_PRECISE:
	case FBSD_CLOCK_UPTIME:
	case FBSD_CLOCK_UPTIME_PRECISE:
		err = tk__fbsd_binuptime(tk, 0, 1, &bt, NULL);
		break;
	case FBSD_CLOCK_MONOTONIC_FAST:
	case FBSD_CLOCK_UPTIME_FAST:
		err = tk__fbsd_getnanouptime(tk, &bt, NULL);
		break;
	default:
		/* VIRTUAL, PROF, CPU-time and per-thread clocks: the kernel. */
		return -ENOSYS;
	}
	if (err != 0)
		return err;
	tk_bintime_to_timespec(&bt, ts);
	if (fbsd_id == FBSD_CLOCK_SECOND)
		ts->tv_nsec = 0;
	return 0;
}

/* Map PATH as a timekeep page (TIMEKEEP_SOURCE=freebsd:PATH). */
static int
fbsd_map_file(const char *path, const char **why)
{
	size_t len = strlen(path);
	void *map;
	off_t size;
	int fd, err;

	if (len >= sizeof(fbsd_path)) {
		*why = "the TIMEKEEP_SOURCE=freebsd:PATH path is too long";
		return -ENAMETOOLONG;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		*why = "cannot open the TIMEKEEP_SOURCE=freebsd:PATH file";
		return -errno;
	}
	size = lseek(fd, 0, SEEK_END);
	if (size < 0 || (uint64_t)size < FBSD_TK_BLOCK_SIZE) {
		(void)close(fd);
		*why = "the TIMEKEEP_SOURCE=freebsd:PATH file is smaller than "
		       "a timekeep block (16 + 4 x 88 bytes)";
		return -EINVAL;
	}
	map = mmap(NULL, FBSD_TK_BLOCK_SIZE, PROT_READ, MAP_SHARED, fd, 0);
	err = errno;
	(void)close(fd);
	if (map == MAP_FAILED) {
		*why = "cannot map the TIMEKEEP_SOURCE=freebsd:PATH file";
		return -err;
	}
	memcpy(fbsd_path, path, len + 1);
	fbsd_tk = map;
	fbsd_from = fbsd_path;
	*why = "a FreeBSD timekeep page mapped from "
	       "TIMEKEEP_SOURCE=freebsd:PATH";
	return 0;
}

static int
freebsd_init(const char *arg, const char **why)
{
	const void *page;
	int saved = errno; /* the library never changes errno (STYLE 43) */
	int err;

	fbsd_tk = NULL;
	fbsd_from = NULL;
	if (arg != NULL && *arg != '\0') {
		err = fbsd_map_file(arg, why);
	} else {
		err = tk__fbsd_attach(&page, why);
		if (err == 0) {
			fbsd_tk = page;
			fbsd_from = "AT_TIMEKEEP";
		}
	}
	/*
	 * tk_ver is set once when the kernel allocates the block and never
	 * changes: a page of another version is refused here, so the next
	 * source serves; the reader still checks it on every call, as libc
	 * does, because a file page can be rewritten.
	 */
	if (err == 0 &&
	    tk__load_relaxed(&fbsd_tk->tk_ver) != VDSO_TK_VER_CURR) {
		fbsd_tk = NULL;
		fbsd_from = NULL;
		*why = "the timekeep page's tk_ver is not VDSO_TK_VER_CURR (1)";
		err = -ENOTSUP;
	}
	/* The counter's ordering (CPUID on x86): only with a page to read. */
	if (err == 0)
		tk__fbsd_arch_init();
	errno = saved;
	return err;
}

static int
freebsd_gettime(clockid_t id, struct timespec *ts)
{
	int fbsd_id = tk__fbsd_host_clock(id);

	if (fbsd_id < 0)
		return -ENOSYS;
	return tk__fbsd_clock_gettime(fbsd_tk, fbsd_id, ts);
}

/* Go's nanotime1 (abs == 0) and walltime (abs != 0), exact floor. */
static int
freebsd_nanotime(int abs, int ordered, int64_t *ns)
{
	struct tk__fbsd_ns r = tk__fbsd_nanotime(fbsd_tk, abs, ordered);

	if (TK_LIKELY(r.err == 0))
		*ns = r.ns;
	return r.err;
}

static int
freebsd_bintime(int abs, struct tk_bintime *bt)
{
	return tk__fbsd_binuptime(fbsd_tk, abs, 1, bt, NULL);
}

TK_HIDDEN const struct tk__source tk__source_freebsd = {
	.name = "freebsd",
	.init = freebsd_init,
	.gettime = freebsd_gettime,
	.nanotime = freebsd_nanotime,
	.bintime = freebsd_bintime,
};

int
tk__fbsd_page_info(struct tk_freebsd_page_info *pi)
{
	const struct fbsd_vdso_timekeep *tk = fbsd_tk;
	uint32_t curr;

	if (tk == NULL)
		return -ENOENT;
	pi->ver = tk__load_relaxed(&tk->tk_ver);
	pi->enabled = tk__load_relaxed(&tk->tk_enabled);
	curr = tk__load_relaxed(&tk->tk_current);
	pi->current = curr;
	/* A hostile tk_current is reported, never followed (STYLE 47). */
	pi->algo =
	    curr < VDSO_TH_NUM ? tk__load_relaxed(&tk->tk_th[curr].th_algo) : 0;
	pi->from = fbsd_from;
	return 0;
}
