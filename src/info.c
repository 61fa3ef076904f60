/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The introspection entry points: what timekeep info prints.  Pulled,
 * never printed; cold paths that may make system calls.  Each makes the
 * source choice first (tk__chosen()), then asks the hooks of src/info.h
 * and the chosen source.
 */
#include <errno.h>
#include <string.h>

#include "choose.h"
#include "info.h"
#include "source/source.h"

#define STR_(x) #x
#define STR(x) STR_(x)
#define TK_VERSION_STRING                                                      \
	STR(TK_VERSION_MAJOR)                                                  \
	"." STR(TK_VERSION_MINOR) "." STR(TK_VERSION_PATCH)

const char *
tk_source(void)
{
	const struct tk__source *s = tk__chosen();

	return s != NULL ? s->name : tk__source_syscall.name;
}

const char *
tk_version(void)
{
	return TK_VERSION_STRING;
}

int
tk_sources(struct tk_source_info *out, int n)
{
	const struct tk__source *chosen = tk__chosen(), *s = NULL;
	const char *why = NULL;
	int i, usable = 0, count = tk__source_entry(0, &s, &usable, &why);

	for (i = 0; out != NULL && i < count && i < n; i++) {
		tk__source_entry(i, &s, &usable, &why);
		out[i].name = s->name;
		out[i].usable = usable;
		out[i].chosen = s == chosen;
		out[i].reason = why;
		if (s == chosen && s->status != NULL && s->status() != NULL)
			out[i].reason = s->status();
	}
	return count;
}

int
tk_counter_info(struct tk_counter_info *ci)
{
	const struct tk__source *s;
	const char *from = NULL;
	uint64_t hz;
	int nominal = 0;

	if (ci == NULL)
		return -EFAULT;
	memset(ci, 0, sizeof(*ci));
	tk__counter_facts(ci, &nominal);
	if (ci->freq_hz != 0 && !nominal)
		return 0;
	s = tk__chosen();
	if (s != NULL && s->hz != NULL && (hz = s->hz(&from)) != 0) {
		ci->freq_hz = hz;
		ci->freq_from = from;
	}
	return 0;
}

int
tk_vdso_symbols(struct tk_vdso_symbol *out, int n)
{
	return tk__vdso_symbols(out, n);
}

int
tk_freebsd_page_info(struct tk_freebsd_page_info *pi)
{
	(void)tk__chosen();
	if (pi == NULL)
		return -EFAULT;
	return tk__fbsd_page_info(pi);
}

int
tk_ticks_info(struct tk_ticks_info *ti)
{
	const struct tk__source *s = tk__chosen();

	if (ti == NULL)
		return -EFAULT;
	if (s != NULL && s->ticks_info != NULL)
		return s->ticks_info(ti);
	ti->unit = "ns";
	ti->hz = 1000000000u;
	ti->history_ns = INT64_MAX; /* the identity is exact at any age */
	return 0;
}
