/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The JSON writer (see json.h).  Strings are escaped as RFC 8259 requires
 * (quote, backslash, control characters); bytes above 0x7f pass through,
 * so UTF-8 stays UTF-8.
 */
#include <inttypes.h>
#include <math.h>

#include "json.h"

void
j_init(struct json *j, FILE *f)
{
	j->f = f;
	j->depth = 0;
	j->count[0] = 0;
}

static void
j_puts(struct json *j, const char *s)
{
	const unsigned char *p;

	fputc('"', j->f);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(j->f, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", j->f);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(j->f, "\\u%04x", *p);
		else
			fputc(*p, j->f);
	}
	fputc('"', j->f);
}

static void
j_key(struct json *j, const char *key)
{
	if (j->depth > 0) {
		fputs(j->count[j->depth]++ ? ",\n" : "\n", j->f);
		fprintf(j->f, "%*s", 2 * j->depth, "");
	}
	if (key != NULL) {
		j_puts(j, key);
		fputs(": ", j->f);
	}
}

void
j_open(struct json *j, const char *key, char c)
{
	j_key(j, key);
	fputc(c, j->f);
	if (j->depth + 1 < JSON_MAX_DEPTH)
		j->depth++;
	j->count[j->depth] = 0;
}

void
j_close(struct json *j, char c)
{
	int had = j->count[j->depth];

	j->depth--;
	if (had)
		fprintf(j->f, "\n%*s", 2 * j->depth, "");
	fputc(c, j->f);
	if (j->depth == 0)
		fputc('\n', j->f);
}

void
j_str(struct json *j, const char *key, const char *v)
{
	j_key(j, key);
	if (v == NULL)
		fputs("null", j->f);
	else
		j_puts(j, v);
}

void
j_int(struct json *j, const char *key, int64_t v)
{
	j_key(j, key);
	fprintf(j->f, "%" PRId64, v);
}

void
j_uint(struct json *j, const char *key, uint64_t v)
{
	j_key(j, key);
	fprintf(j->f, "%" PRIu64, v);
}

void
j_num(struct json *j, const char *key, double v)
{
	j_key(j, key);
	if (!isfinite(v))
		fputs("null", j->f);
	else if (v == floor(v) && fabs(v) < 1e15)
		fprintf(j->f, "%.0f", v); /* counts stay integers */
	else
		fprintf(j->f, "%.3f", v);
}

void
j_bool(struct json *j, const char *key, int v)
{
	j_key(j, key);
	fputs(v ? "true" : "false", j->f);
}

void
j_null(struct json *j, const char *key)
{
	j_key(j, key);
	fputs("null", j->f);
}
