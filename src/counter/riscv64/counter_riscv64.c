/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Facts about the riscv64 time CSR for tk_counter_info() (src/info.c).  Its rate is the
 * device tree's /cpus "timebase-frequency" (a big-endian 32-bit cell), as
 * FreeBSD sys/riscv/riscv/timer.c reads it; user space finds it under
 * /proc/device-tree when the kernel exposes one.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "counter.h"
#include "info.h"
#include "timekeep.h"

static uint64_t
riscv_timebase(void)
{
	unsigned char b[4];
	ssize_t n;
	int fd;

	fd = open(
	    "/proc/device-tree/cpus/timebase-frequency", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, b, sizeof(b));
	close(fd);
	if (n != (ssize_t)sizeof(b))
		return 0;
	return (uint64_t)b[0] << 24 | (uint64_t)b[1] << 16 |
	    (uint64_t)b[2] << 8 | b[3];
}

int
tk__counter_facts(struct tk_counter_info *ci, int *nominal)
{
	*nominal = 0;
	ci->kind = "rdtime";
	ci->ordering = "fence r,i";
	ci->vendor = "";
	ci->invariant = 1; /* the time CSR counts at a fixed timebase */
	ci->freq_hz = riscv_timebase();
	ci->freq_from =
	    ci->freq_hz ? "device tree timebase-frequency" : "unknown";
	return 0;
}
