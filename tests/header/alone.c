/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * timekeep.h on its own, before any other header: it must include what it
 * uses.  Compiled as C and as C++ by tests/header/check.sh.
 */
#include <timekeep.h>
