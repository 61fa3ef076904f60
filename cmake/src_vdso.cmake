# SPDX-License-Identifier: BSD-2-Clause
# The Linux vDSO source (TK_WITH_VDSO): the aux vector walk and the ELF
# lookup (src/elf/, freestanding), getauxval() glue, and the source itself.
# Other OSes have no vDSO: src/source/vdso_none.c answers tk_vdso_symbols().
if(TK_OS STREQUAL "linux")
	list(APPEND TK_SOURCES
		src/elf/vdso_elf.c
		src/elf/vdso_elf_lookup.c
		src/elf/auxv_linux.c
		src/elf/auxv_getauxval.c
		src/source/vdso_linux.c)
	list(APPEND TK_DEFINES TK_WITH_VDSO)
else()
	list(APPEND TK_SOURCES src/source/vdso_none.c)
endif()
