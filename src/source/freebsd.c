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
 *   TIMEKEEP_SOURCE=freebsd:PATH  any OS: PATH must be a regular file of at
 *				   least one timekeep block; it is opened
 *				   without blocking and mapped read-only and
 *				   MAP_SHARED, so a live writer's updates are
 *				   seen (docs/freebsd.md: what a safe writer
 *				   does);
 *   otherwise                     the kernel's page, from AT_TIMEKEEP on
 *				   FreeBSD (fbsd_os_freebsd.c); Linux has
 *				   none (fbsd_os_linux.c).
 *
 * What each read does: the inline fast tier (fbsd_fast.h) serves
 * CLOCK_MONOTONIC and CLOCK_REALTIME from the front record while the page
 * stays on its slot; everything else comes here, to the full reader
 * (fbsd_reader.c) and the exact floor conversions of include/timekeep.h
 * (current FreeBSD sys/time.h, not Go's or older FreeBSD's top-32-bit form,
 * which can read 1 ns low), and each such read makes the front record
 * again when the page moved on.  A page that is disabled, of another
 * version, names an unknown counter, or has tk_current out of range gives
 * a routing value on every read, and the caller makes the system call
 * (libc returns ENOSYS for the same cases).
 *
 * Invariants: init runs once, before any hook, under the chooser's
 * once-flag, which also publishes fbsd_tk to the readers; the page is never
 * unmapped (a front record may still point into it).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic.h"
#include "info.h"
#include "platform.h"
#include "source/fbsd_fast.h"
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
 * the kernel's value, at most one windup ahead of it (sys/kern/kern_time.c
 * kern_clock_gettime() takes the last windup's for those).
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
		err = tk__fbsd_binuptime(tk, 1, &bt, NULL);
		break;
	case FBSD_CLOCK_MONOTONIC:
	case FBSD_CLOCK_MONOTONIC_PRECISE:
	case FBSD_CLOCK_UPTIME:
	case FBSD_CLOCK_UPTIME_PRECISE:
		err = tk__fbsd_binuptime(tk, 0, &bt, NULL);
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

/* Why a path that is not a regular file is refused, by its type. */
static const char *
fbsd_not_regular(mode_t mode)
{
	if (S_ISFIFO(mode))
		return "TIMEKEEP_SOURCE=freebsd:PATH is a FIFO, not a regular "
		       "file";
	if (S_ISDIR(mode))
		return "TIMEKEEP_SOURCE=freebsd:PATH is a directory, not a "
		       "regular file";
	if (S_ISCHR(mode))
		return "TIMEKEEP_SOURCE=freebsd:PATH is a character device, "
		       "not a regular file";
	if (S_ISBLK(mode))
		return "TIMEKEEP_SOURCE=freebsd:PATH is a block device, not a "
		       "regular file";
	if (S_ISSOCK(mode))
		return "TIMEKEEP_SOURCE=freebsd:PATH is a socket, not a "
		       "regular file";
	return "TIMEKEEP_SOURCE=freebsd:PATH is not a regular file";
}

/*
 * Check the file behind fd (or, before opening, the name) is a regular file
 * of at least one timekeep block: 0, or a negative errno with *why.
 */
static int
fbsd_check_stat(const struct stat *st, const char **why)
{
	if (!S_ISREG(st->st_mode)) {
		*why = fbsd_not_regular(st->st_mode);
		return -ENODEV;
	}
	if (st->st_size < (off_t)FBSD_TK_BLOCK_SIZE) {
		*why = "TIMEKEEP_SOURCE=freebsd:PATH is smaller than a "
		       "timekeep block (16 + 4 x 88 bytes)";
		return -EINVAL;
	}
	return 0;
}

/*
 * Map PATH as a timekeep page (TIMEKEEP_SOURCE=freebsd:PATH).  Nothing here
 * may block or act on a device: the name is checked before any open (an
 * open of a FIFO waits for a writer; of a tty it may make it the
 * controlling terminal), and the open is non-blocking, without a
 * controlling terminal, and checked again with fstat(), which sees what was
 * opened, not what the name was a moment before.
 */
static int
fbsd_map_file(const char *path, const char **why)
{
	size_t len = strlen(path);
	struct stat st;
	void *map;
	int fd, err;

	if (len >= sizeof(fbsd_path)) {
		*why = "the TIMEKEEP_SOURCE=freebsd:PATH path is too long";
		return -ENAMETOOLONG;
	}
	if (stat(path, &st) != 0) {
		*why = "cannot find the TIMEKEEP_SOURCE=freebsd:PATH file";
		return -errno;
	}
	err = fbsd_check_stat(&st, why);
	if (err != 0)
		return err;
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		*why = "cannot open the TIMEKEEP_SOURCE=freebsd:PATH file";
		return -errno;
	}
	err = fstat(fd, &st) != 0 ? -errno : fbsd_check_stat(&st, why);
	if (err != 0) {
		(void)close(fd);
		return err;
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
	int saved = errno; /* the library never changes errno */
	int err;

	tk__fbsd_front_on(NULL);
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

/* A full read of the page; remakes the fast tier's record if need be. */
static int
freebsd_read(int abs, struct tk_bintime *bt)
{
	struct tk__fbsd_read rd;
	int err = tk__fbsd_read(fbsd_tk, &rd, NULL);

	if (TK_UNLIKELY(err != 0))
		return err;
	tk__fbsd_front_update(fbsd_tk, &rd);
	tk__fbsd_read_bintime(&rd, abs, bt);
	return 0;
}

static int
freebsd_gettime(clockid_t id, struct timespec *ts)
{
	struct tk_bintime bt;
	int fbsd_id = tk__fbsd_host_clock(id);
	int err;

	if (fbsd_id == FBSD_CLOCK_REALTIME || fbsd_id == FBSD_CLOCK_MONOTONIC) {
		if (tk__fast_fbsd_ts(fbsd_id == FBSD_CLOCK_REALTIME, ts) == 0)
			return 0;
		err = freebsd_read(fbsd_id == FBSD_CLOCK_REALTIME, &bt);
		if (err == 0)
			tk_bintime_to_timespec(&bt, ts);
		return err;
	}
	if (fbsd_id < 0)
		return -ENOSYS;
	return tk__fbsd_clock_gettime(fbsd_tk, fbsd_id, ts);
}

/*
 * Go's nanotime1 (abs == 0) and walltime (abs != 0), exact floor,
 * saturated at the int64 range.  The fast tier is tried here too, so that
 * a caller that reaches the hooks first (one without the tier inline) is
 * served by it as well; after it, the full reader always reads the counter
 * ordered: relaxed reads are the tier's.
 */
static int
freebsd_nanotime(int abs, int ordered, int64_t *ns)
{
	struct tk_bintime bt;
	int err;

	if (tk__fast_fbsd_ns(abs, ordered, ns) == 0)
		return 0;
	err = freebsd_read(abs, &bt);
	if (TK_LIKELY(err == 0))
		*ns = tk__fbsd_bintime_to_ns_sat(&bt);
	return err;
}

static int
freebsd_bintime(int abs, struct tk_bintime *bt)
{
	return freebsd_read(abs, bt);
}

/* Chosen: the fast tier (src/source/fbsd_fast.h) reads this page now. */
static void
freebsd_chosen(void)
{
	tk__fbsd_front_on(fbsd_tk);
}

TK_HIDDEN const struct tk__source tk__source_freebsd = {
	.name = "freebsd",
	.init = freebsd_init,
	.chosen = freebsd_chosen,
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
	/* A hostile tk_current is reported, never followed. */
	pi->algo =
	    curr < VDSO_TH_NUM ? tk__load_relaxed(&tk->tk_th[curr].th_algo) : 0;
	pi->from = fbsd_from;
	return 0;
}
