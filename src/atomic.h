/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The atomics every shared page is touched through.  Thin
 * names over the GCC/Clang __atomic builtins and C11 fences, so that each
 * call site reads as the FreeBSD primitive it replaces and ThreadSanitizer
 * sees every access of a seqlock as atomic.
 *
 * These wrappers state no ordering of their own: each call site carries the
 * comment that says what it orders and which access on the other side is
 * its partner.
 */
#ifndef TK_ATOMIC_H
#define TK_ATOMIC_H

#include <stdatomic.h>

#define tk__load_relaxed(p) __atomic_load_n((p), __ATOMIC_RELAXED)
#define tk__load_acquire(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define tk__store_relaxed(p, v) __atomic_store_n((p), (v), __ATOMIC_RELAXED)
#define tk__store_release(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define tk__cas_acq_rel(p, expp, v)                                            \
	__atomic_compare_exchange_n(                                           \
	    (p), (expp), (v), 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)
#define tk__fetch_add_relaxed(p, v)                                            \
	__atomic_fetch_add((p), (v), __ATOMIC_RELAXED)
#define tk__fence_acquire() atomic_thread_fence(memory_order_acquire)
#define tk__fence_release() atomic_thread_fence(memory_order_release)
#define tk__fence_seq_cst() atomic_thread_fence(memory_order_seq_cst)

#endif /* TK_ATOMIC_H */
