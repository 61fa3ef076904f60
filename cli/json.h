/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A small JSON writer: pretty-printed, two-space indents.  Every value
 * call takes the member name (NULL inside arrays); commas and indents are
 * handled here.  Non-finite numbers are written as null: JSON has no NaN.
 */
#ifndef CLI_JSON_H
#define CLI_JSON_H

#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json {
	FILE *f;
	int depth;
	int count[JSON_MAX_DEPTH]; /* members written so far at each depth */
};

void j_init(struct json *j, FILE *f);
void j_open(struct json *j, const char *key, char c); /* '{' or '[' */
void j_close(struct json *j, char c);
void j_str(struct json *j, const char *key, const char *v); /* NULL: null */
void j_int(struct json *j, const char *key, int64_t v);
void j_uint(struct json *j, const char *key, uint64_t v);
void j_num(struct json *j, const char *key, double v);
void j_bool(struct json *j, const char *key, int v);
void j_null(struct json *j, const char *key);

#endif /* CLI_JSON_H */
