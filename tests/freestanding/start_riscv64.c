/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The riscv64 process entry for tests/freestanding/fs_main.c: the kernel
 * enters _start with sp at argc.  gp must hold __global_pointer$ before
 * any code the linker relaxed to gp-relative runs (glibc's start.S sets
 * it the same way, with relaxation off for that one load).  Then fs_main,
 * then exit_group (94, include/uapi/asm-generic/unistd.h) with its
 * result.  Also the raw write(2) (64).  CMake picks this file by TK_ARCH.
 */
__asm__(".text\n"
        ".globl _start\n"
        ".type _start, @function\n"
        "_start:\n"
        "	.option push\n"
        "	.option norelax\n"
        "	lla gp, __global_pointer$\n"
        "	.option pop\n"
        "	mv a0, sp\n"
        "	andi sp, sp, -16\n"
        "	call fs_main\n"
        "	li a7, 94\n"
        "	ecall\n"
        "	ebreak\n"
        ".globl fs_write\n"
        ".type fs_write, @function\n"
        "fs_write:\n"
        "	li a7, 64\n"
        "	ecall\n"
        "	ret\n");
