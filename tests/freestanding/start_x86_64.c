/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The x86-64 process entry for tests/freestanding/fs_main.c, after the
 * kernel's tools/testing/selftests/vDSO/vdso_standalone_test_x86.c: the
 * kernel enters _start with RSP at argc (System V x86-64 ABI, section
 * 3.4.1); pass it to fs_main, then exit_group (231, syscall_64.tbl) with
 * its result.  Also the raw write(2) (1) the test reports through.
 * CMake picks this file by TK_ARCH; no arch macro is tested.
 */
__asm__(".text\n"
        ".globl _start\n"
        ".type _start, @function\n"
        "_start:\n"
        "	xor %ebp, %ebp\n"
        "	mov %rsp, %rdi\n"
        "	and $-16, %rsp\n"
        "	call fs_main\n"
        "	mov %eax, %edi\n"
        "	mov $231, %eax\n"
        "	syscall\n"
        "	hlt\n"
        ".globl fs_write\n"
        ".type fs_write, @function\n"
        "fs_write:\n"
        "	mov $1, %eax\n"
        "	syscall\n"
        "	ret\n");
