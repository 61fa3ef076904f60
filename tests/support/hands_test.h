/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the tests reach inside the own timehands engine: the process's
 * engine and page (hidden symbols of src/source/tsc.c, visible to a test
 * linked against the static library), and readers of a page's current
 * state.  Test-only: nothing here is in the library.
 */
#ifndef TK_HANDS_TEST_H
#define TK_HANDS_TEST_H

#include <stdint.h>

#include "atomic.h"
#include "hands/hands.h"
#include "hands/hands_impl.h"

/* The tsc source's engine and page (src/source/tsc.c). */
extern struct tk__hands tk__tsc_hands;
extern struct tk__hands_page tk__tsc_page;

/* The publication word now. */
static inline uint64_t
hands_test_word(const struct tk__hands_page *pg)
{
	return tk__load_relaxed(&pg->pub.word);
}

/* The ring slot the word names, or NULL when there are no hands. */
static inline const struct tk__hands_slot *
hands_test_current(const struct tk__hands_page *pg)
{
	unsigned slot = tk__hands_w_slot(hands_test_word(pg));

	return slot < TK_HANDS_NSLOTS ? &pg->ring[slot] : NULL;
}

/* 1 while hands are published, 2 disabled, 0 otherwise. */
static inline int
hands_test_state(const struct tk__hands_page *pg)
{
	unsigned slot = tk__hands_w_slot(hands_test_word(pg));

	if (tk__load_relaxed(&pg->hdr.state) != TK_HANDS_READY)
		return 0;
	return slot < TK_HANDS_NSLOTS ? 1 : slot == TK_HANDS_W_OFF ? 2 : 0;
}

#endif /* TK_HANDS_TEST_H */
