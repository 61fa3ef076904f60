/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the tsc source (src/source/tsc.c) offers besides its hooks and its
 * fast tier (src/source/tsc_fast.h): the clocksource parser, pure, for the
 * tests.
 */
#ifndef TK_SOURCE_TSC_H
#define TK_SOURCE_TSC_H

#include <stddef.h>

/*
 * "tsc" as the whole of a current_clocksource file's contents (a newline
 * may end it): 1, else 0.
 */
int tk__tsc_parse_clocksource(const char *buf, size_t len);

#endif /* TK_SOURCE_TSC_H */
