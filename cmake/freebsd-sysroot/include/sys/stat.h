/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Minimal FreeBSD <sys/stat.h> for cmake/freebsd-check.sh (sys/sys/stat.h):
 * the members of struct stat the library uses, in FreeBSD's order (the
 * real struct has more around them), the file type bits and the calls.
 */
#ifndef _SYS_STAT_H_
#define _SYS_STAT_H_

#include <sys/types.h>

struct stat {
	uint64_t st_dev;
	uint64_t st_ino;
	uint64_t st_nlink;
	mode_t st_mode;
	int16_t st_padding0;
	uint32_t st_uid;
	uint32_t st_gid;
	int32_t st_padding1;
	uint64_t st_rdev;
	int64_t st_times[8]; /* st_atim, st_mtim, st_ctim, st_birthtim */
	off_t st_size;
	int64_t st_blocks;
	int32_t st_blksize;
	uint32_t st_flags;
	uint64_t st_gen;
	uint64_t st_spare[10];
};

#define S_IFMT 0170000
#define S_IFIFO 0010000
#define S_IFCHR 0020000
#define S_IFDIR 0040000
#define S_IFBLK 0060000
#define S_IFREG 0100000
#define S_IFLNK 0120000
#define S_IFSOCK 0140000
#define S_ISFIFO(m) (((m)&0170000) == 0010000)
#define S_ISCHR(m) (((m)&0170000) == 0020000)
#define S_ISDIR(m) (((m)&0170000) == 0040000)
#define S_ISBLK(m) (((m)&0170000) == 0060000)
#define S_ISREG(m) (((m)&0170000) == 0100000)
#define S_ISLNK(m) (((m)&0170000) == 0120000)
#define S_ISSOCK(m) (((m)&0170000) == 0140000)

int fstat(int, struct stat *);
int stat(const char *, struct stat *);

#endif /* !_SYS_STAT_H_ */
