/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * No FreeBSD device counters on this OS (x86-64 Linux): /dev/hpetN,
 * /dev/hv_tsc and /dev/pvclock are FreeBSD devices, so a page naming HPET,
 * Hyper-V or pvclock routes to the system call on every read, unless a test
 * put a simulated device page in tk__fbsd_devs.  A deliberate stub, chosen
 * by cmake/src_freebsd.cmake, as libuv's no-*.c files are.
 */
#include <sys/mman.h>

#include "source/fbsd_x86_dev.h"

const void *
tk__fbsd_dev_map(enum fbsd_dev dev, uint32_t idx, size_t *len, uint32_t *ncpus)
{
	(void)dev;
	(void)idx;
	*len = 0;
	*ncpus = 0;
	return MAP_FAILED;
}

void
tk__fbsd_dev_unmap(const void *map, size_t len)
{
	(void)map;
	(void)len;
}
