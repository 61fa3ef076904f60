/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The hidden hooks the introspection entry points (src/info.c) are built
 * on.  Each is defined by the layer that knows the facts, with a "none"
 * file where a platform lacks the layer (chosen by CMake):
 *
 *   tk__counter_facts   src/counter/<arch>/: the CPU's counter only; 0.
 *                       *nominal 1 when the frequency is a nominal figure
 *                       (a measurement, when a source has one, is better).
 *   tk__vdso_symbols    src/source/vdso_linux.c, src/source/vdso_none.c:
 *                       what tk_vdso_symbols() returns.
 *   tk__fbsd_page_info  src/source/freebsd.c: the page in use, without
 *                       making the source choice (the caller made it).
 */
#ifndef TK_INFO_H
#define TK_INFO_H

#include "timekeep.h"

int tk__counter_facts(struct tk_counter_info *ci, int *nominal);
int tk__vdso_symbols(struct tk_vdso_symbol *out, int n);
int tk__fbsd_page_info(struct tk_freebsd_page_info *pi);

#endif /* TK_INFO_H */
