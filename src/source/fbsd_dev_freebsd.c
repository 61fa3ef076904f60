/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Opening the x86 device counters on FreeBSD, as lib/libc/x86/sys/
 * __vdso_gettc.c __vdso_init_hpet(), __vdso_init_hyperv_tsc() and
 * __vdso_init_pvclock_timeinfos() do:
 *
 *   - in Capsicum capability mode an absolute-path open() would trap
 *     (trap_enocap), so cap_getmode() is asked first and a process in
 *     capability mode gets MAP_FAILED: the system call serves it;
 *   - open with O_RDONLY | O_CLOEXEC, mmap read-only and MAP_SHARED at
 *     offset 0, close the descriptor (the mapping keeps the device);
 *   - HPET and Hyper-V map one x86 page (PAGE_SIZE, 4096); pvclock maps
 *     AT_NCPUS records of 32 bytes.
 *
 * Runs once per device, on the first read that needs it
 * (src/source/fbsd_x86_dev.c publishes the result).  Not yet run on real
 * HPET, Hyper-V or pvclock hardware.  errno is restored, so the library
 * never changes it.  No FreeBSD header is included: the two
 * FreeBSD-only functions are declared here as their headers declare them.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "source/fbsd_x86_dev.h"

/* <sys/capsicum.h>: 0 with *modep non-zero in capability mode. */
int cap_getmode(unsigned int *modep);
/* <sys/auxv.h> */
int elf_aux_info(int aux, void *buf, int buflen);

#define FBSD_X86_PAGE_SIZE 4096 /* x86 PAGE_SIZE, machine/param.h */

const void *
tk__fbsd_dev_map(enum fbsd_dev dev, uint32_t idx, size_t *len, uint32_t *ncpus)
{
	char hpet[] = "/dev/hpet0";
	const char *path;
	unsigned int mode = 0;
	void *map;
	int saved = errno;
	int fd, n = 0;

	*len = 0;
	*ncpus = 0;
	if (cap_getmode(&mode) == 0 && mode != 0)
		return MAP_FAILED;
	switch (dev) {
	case FBSD_DEV_HPET:
		if (idx >= HPET_DEV_MAP_MAX)
			return MAP_FAILED;
		hpet[sizeof(hpet) - 2] = (char)('0' + idx);
		path = hpet;
		*len = FBSD_X86_PAGE_SIZE;
		break;
	case FBSD_DEV_HVTSC:
		path = "/dev/hv_tsc";
		*len = FBSD_X86_PAGE_SIZE;
		break;
	case FBSD_DEV_PVCLOCK:
		if (elf_aux_info(AT_NCPUS, &n, (int)sizeof(n)) != 0 || n <= 0)
			return MAP_FAILED;
		path = "/dev/pvclock";
		*len = (size_t)n * sizeof(struct fbsd_pvclock_vcpu_time_info);
		*ncpus = (uint32_t)n;
		break;
	default:
		return MAP_FAILED;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		errno = saved;
		return MAP_FAILED;
	}
	map = mmap(NULL, *len, PROT_READ, MAP_SHARED, fd, 0);
	(void)close(fd);
	errno = saved;
	return map;
}

void
tk__fbsd_dev_unmap(const void *map, size_t len)
{
	int saved = errno;

	(void)munmap((void *)(uintptr_t)map, len);
	errno = saved;
}
