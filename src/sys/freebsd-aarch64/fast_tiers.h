/* SPDX-License-Identifier: BSD-2-Clause */
/* The inline fast tiers of FreeBSD aarch64 (src/fast.h). */
#ifndef TK_FAST_TIERS_H
#define TK_FAST_TIERS_H

#include "source/fbsd_fast.h"

#endif /* TK_FAST_TIERS_H */
