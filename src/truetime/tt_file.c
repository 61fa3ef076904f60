/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Bounded time's cold paths on files: mapping a provider's segment or page
 * and reading this process's time namespace offsets.  Called only when a
 * provider is chosen or probed, never on a read.
 *
 * A segment is opened O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC (so a
 * FIFO cannot block the open and a terminal cannot become ours), and
 * accepted only after fstat() shows a regular file of exactly the size of
 * the layout read, or for the VMClock page a character device.  Anything
 * else (a FIFO, a directory, /dev/zero as a clock segment, a file of 0 or
 * of another length) is refused with a reason.
 *
 * SIGBUS.  The mapping is MAP_SHARED: a writer that truncates the file
 * while it is mapped makes every later load from the lost page kill the
 * reader with SIGBUS, which no user-space reader can prevent short of a
 * signal handler of its own.  A safe writer never shrinks a segment
 * others map: it rewrites it in place (ClockBound's daemon sets version
 * and generation to 0 first, which readers see as "no bound"), or writes
 * a new file and rename(2)s it over the old path.  ClockBound's wipe()
 * (clock-bound-shm/src/writer.rs) re-creates the file with O_TRUNC: a
 * reader that maps the old segment during that window can die of SIGBUS.
 *
 * Time namespaces.  ClockBound stamps its segment with the initial time
 * namespace's CLOCK_MONOTONIC_COARSE, fbclock with CLOCK_MONOTONIC_RAW; a
 * process in another time namespace reads both clocks shifted by its
 * namespace's monotonic offset (Linux time_namespaces(7)), so the readers
 * add that offset to the segment's stamps.  /proc/self/timens_offsets
 * shows the offsets of the namespace of this process's *children*
 * (kernel/time/namespace.c proc_timens_show_offsets reads
 * time_ns_for_children): they are this process's own only when
 * /proc/self/ns/time and /proc/self/ns/time_for_children are the same
 * namespace, which is checked; a process that unshared a time namespace
 * it has not entered cannot know its own offsets, and providers that need
 * them decline.  No file: no time namespaces, offset 0.
 *
 * The library never changes errno: the calls here save and restore it.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "truetime/tt.h"

/* Why a file of this type is refused. */
static const char *
tt_type_why(mode_t mode)
{
	if (S_ISFIFO(mode))
		return "a FIFO, not a regular file";
	if (S_ISDIR(mode))
		return "a directory, not a regular file";
	if (S_ISCHR(mode))
		return "a character device, not a regular file";
	return "not a regular file";
}

int
tk__tt_map(const char *path, size_t len, size_t size2, int chr_ok,
    const void **map, size_t *maplen, const char **why)
{
	int saved = errno;
	struct stat st;
	void *p;
	int fd, err = 0;

	*map = NULL;
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		*why = err == -ENOENT ? "no such file" : "cannot open the file";
		goto out;
	}
	if (fstat(fd, &st) != 0) {
		err = -errno;
		*why = "cannot fstat the file";
	} else if (S_ISREG(st.st_mode)) {
		if (st.st_size > 0 && (uint64_t)st.st_size == size2)
			len = size2;
		if (st.st_size <= 0 || (uint64_t)st.st_size != len) {
			err = -EINVAL;
			*why = st.st_size == 0 ? "the file is empty"
			                       : "the file is not of the size "
			                         "of the layout read";
		}
	} else if (!(chr_ok && S_ISCHR(st.st_mode))) {
		err = -EINVAL;
		*why = tt_type_why(st.st_mode);
	}
	if (err == 0) {
		p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED) {
			err = -errno;
			*why = "cannot map the file";
		} else {
			*map = p;
			*maplen = len;
		}
	}
	(void)close(fd);
out:
	errno = saved;
	return err;
}

void
tk__tt_unmap(const void *map, size_t len)
{
	int saved = errno;

	if (map != NULL)
		(void)munmap((void *)(uintptr_t)map, len);
	errno = saved;
}

const char *
tk__tt_path_keep(char *buf, size_t n, const char *path)
{
	size_t len = strlen(path);

	if (len >= n)
		return NULL;
	memcpy(buf, path, len + 1);
	return buf;
}

/* Parse a decimal integer with an optional sign at *s; 0 or -1. */
static int
tt_parse_i64(const char **s, int64_t *out)
{
	const char *p = *s;
	uint64_t v = 0;
	int neg = 0, digits = 0;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	for (; *p >= '0' && *p <= '9'; p++, digits++) {
		if (v > (uint64_t)INT64_MAX / 10)
			return -1;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (digits == 0 || v > (uint64_t)INT64_MAX)
		return -1;
	*out = neg ? -(int64_t)v : (int64_t)v;
	*s = p;
	return 0;
}

/*
 * The "monotonic <sec> <nsec>" line of timens_offsets (the kernel prints
 * names; a writer may use the clock id 1, CLOCK_MONOTONIC): 0 and *ns, or
 * -1 when there is none or it cannot be parsed.  Offsets beyond 2^31 s
 * (68 years) are refused, which keeps a segment stamp plus the offset
 * within int64_t (docs/truetime.md, "Limits").
 */
static int
tt_timens_parse(const char *buf, int64_t *ns)
{
	const char *p = buf;
	int64_t sec, nsec;

	while (*p != '\0') {
		const char *q = p;

		while (*q == ' ' || *q == '\t')
			q++;
		if (strncmp(q, "monotonic", 9) == 0)
			q += 9;
		else if (q[0] == '1' && (q[1] == ' ' || q[1] == '\t'))
			q += 1;
		else
			q = NULL;
		if (q != NULL && tt_parse_i64(&q, &sec) == 0 &&
		    tt_parse_i64(&q, &nsec) == 0 && nsec > -TK_NSEC_PER_SEC &&
		    nsec < TK_NSEC_PER_SEC && sec > -(1LL << 31) &&
		    sec < (1LL << 31)) {
			*ns = sec * TK_NSEC_PER_SEC + nsec;
			return 0;
		}
		p = strchr(p, '\n');
		if (p == NULL)
			break;
		p++;
	}
	return -1;
}

/* 1 when this process lives in the namespace its children get. */
static int
tt_timens_own(void)
{
	char a[64], b[64];
	ssize_t la = readlink("/proc/self/ns/time", a, sizeof(a));
	ssize_t lb = readlink("/proc/self/ns/time_for_children", b, sizeof(b));

	if (la <= 0 || lb <= 0)
		return 1; /* no time namespaces in this kernel (before 5.6) */
	return la == lb && memcmp(a, b, (size_t)la) == 0;
}

void
tk__tt_timens_read(struct tt_timens *ns)
{
	const char *path = tk__tt_hooks.timens_path;
	int saved = errno;
	char buf[256];
	ssize_t n;
	int fd;

	ns->mono_ns = 0;
	ns->known = 1;
	if (path == NULL) {
		path = "/proc/self/timens_offsets";
		if (!tt_timens_own()) {
			ns->known = 0;
			goto out;
		}
	}
	fd = open(path, O_RDONLY | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		goto out; /* no time namespaces: offset 0 */
	n = read(fd, buf, sizeof(buf) - 1);
	(void)close(fd);
	if (n < 0) {
		ns->known = 0;
		goto out;
	}
	buf[n] = '\0';
	if (tt_timens_parse(buf, &ns->mono_ns) != 0)
		ns->known = 0;
out:
	errno = saved;
}
