/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The aarch64 process entry for tests/freestanding/fs_main.c: the kernel
 * enters _start with SP (16-byte aligned) at argc; pass it to fs_main,
 * then exit_group (94, include/uapi/asm-generic/unistd.h) with its
 * result.  Also the raw write(2) (64) the test reports through.  CMake
 * picks this file by TK_ARCH; no arch macro is tested.
 */
__asm__(".text\n"
        ".globl _start\n"
        ".type _start, %function\n"
        "_start:\n"
        "	mov x29, #0\n"
        "	mov x30, #0\n"
        "	mov x0, sp\n"
        "	bl fs_main\n"
        "	mov x8, #94\n"
        "	svc #0\n"
        "	brk #0\n"
        ".globl fs_write\n"
        ".type fs_write, %function\n"
        "fs_write:\n"
        "	mov x8, #64\n"
        "	svc #0\n"
        "	ret\n");
