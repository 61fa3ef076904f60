/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Bounded time and ticks as the tool shows them: the interval of
 * tk_truetime() for timekeep now, the provider with its raw fields
 * (tk_truetime_info(), tk_truetime_providers()) and the ticks
 * (tk_ticks_info()) for timekeep info, in words and in the JSON objects
 * of docs/cli-json.md; and the bounded-time check of timekeep check
 * (check_truetime.c).  All pulled through <timekeep.h>.
 */
#ifndef CLI_TRUETIME_H
#define CLI_TRUETIME_H

#include <stddef.h>
#include <stdint.h>

#include <timekeep.h>

#include "check.h"
#include "json.h"

#define TT_MAX_PROVIDERS 8

/* Everything info shows of bounded time, gathered once. */
struct tt_view {
	struct tk_truetime tt;
	struct tk_truetime_info ti;
	struct tk_source_info prov[TT_MAX_PROVIDERS];
	int nprov;
};

void tt_view_load(struct tt_view *v);

/* "synchronized", "free-running", "unknown", "disrupted" (text). */
const char *tt_status_word(int status);

/* A duration with 4 significant digits and its unit: "100.1 us". */
void tt_duration(int64_t ns, char *buf, size_t n);

/* timekeep now: the interval's lines, and its JSON object. */
void tt_now_text(const struct tk_truetime *tt);
void tt_now_json(struct json *j, const struct tk_truetime *tt);

/* timekeep info: the ticks, the provider, the providers; text, JSON. */
void tt_info_text(const struct tt_view *v);
void tt_info_json(struct json *j, const struct tt_view *v);

/*
 * The bounded-time check: c->status PASS, FAIL or SKIP as every check's,
 * and its findings, each a named note, warning or failure
 * (docs/cli-json.md, "timekeep check"): the line shows WARN when the
 * check passes with a warning.
 */
enum tt_level { TT_NOTE, TT_WARNING, TT_FAILURE };

#define TT_MAX_FINDINGS 8

struct tt_finding {
	const char *id; /* "truetime.stale" */
	enum tt_level level;
	char text[240];
};

struct tt_findings {
	int n;
	struct tt_finding f[TT_MAX_FINDINGS];
};

void check_truetime(struct check *c, struct tt_findings *out);

/* "note", "warning", "failure". */
const char *tt_level_word(enum tt_level l);

/* 1 if a warning is among the findings (the line then says WARN). */
int tt_findings_warn(const struct tt_findings *f);

#endif /* CLI_TRUETIME_H */
