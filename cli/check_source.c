/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Check "source": exactly one source is chosen, it is the one tk_source()
 * names, it is usable, and it is the first usable one from where the
 * search starts (the top, or the source TIMEKEEP_SOURCE names); the last
 * source is the system call and is always usable (docs/design.md,
 * "Source choice").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <timekeep.h>

#include "check.h"

/*
 * Every source has a name and a reason; the list "name usable, ..." into
 * list.  The chosen one's index, or -1 after setting the failure.
 */
static int
source_list(struct check *c, const struct tk_source_info *s, int n, char *list,
    size_t size)
{
	int i, nchosen = 0, chosen = -1;
	size_t len;

	list[0] = '\0';
	for (i = 0; i < n; i++) {
		if (s[i].chosen) {
			nchosen++;
			chosen = i;
		}
		if (s[i].name == NULL || s[i].reason == NULL ||
		    s[i].reason[0] == '\0') {
			check_set(c, ST_FAIL, "source %d (%s) gives no reason",
			    i, s[i].name != NULL ? s[i].name : "unnamed");
			return -1;
		}
		len = strlen(list);
		snprintf(list + len, size - len, "%s%s %s", i ? ", " : "",
		    s[i].name, s[i].usable ? "usable" : "not");
	}
	if (nchosen != 1) {
		check_set(c, ST_FAIL, "%d sources are marked chosen (%s)",
		    nchosen, list);
		return -1;
	}
	return chosen;
}

/* Where the search starts: the source TIMEKEEP_SOURCE names, or 0. */
static int
search_start(const struct tk_source_info *s, int n)
{
	const char *env = getenv("TIMEKEEP_SOURCE");
	size_t len;
	int i, start = 0;

	if (env == NULL || env[0] == '\0')
		return 0;
	len = strcspn(env, ":");
	for (i = 0; i < n; i++)
		if (strlen(s[i].name) == len &&
		    strncmp(s[i].name, env, len) == 0)
			start = i;
	return start;
}

void
check_source(struct check *c)
{
	struct tk_source_info s[MAX_SOURCES];
	const char *name = tk_source();
	char list[256];
	int n = tk_sources(s, MAX_SOURCES), i, chosen, start, expect = -1;

	c->name = "source";
	if (n <= 0 || n > MAX_SOURCES) {
		check_set(c, ST_FAIL, "tk_sources() returned %d", n);
		return;
	}
	chosen = source_list(c, s, n, list, sizeof(list));
	if (chosen < 0)
		return;
	if (strcmp(s[chosen].name, name) != 0) {
		check_set(c, ST_FAIL,
		    "tk_source() says %s but tk_sources() marks %s chosen",
		    name, s[chosen].name);
		return;
	}
	if (!s[chosen].usable) {
		check_set(c, ST_FAIL, "the chosen source %s is not usable: %s",
		    name, s[chosen].reason);
		return;
	}
	if (strcmp(s[n - 1].name, "syscall") != 0 || !s[n - 1].usable) {
		check_set(c, ST_FAIL,
		    "the last source is %s (%s), not the always usable "
		    "syscall",
		    s[n - 1].name, s[n - 1].usable ? "usable" : "not usable");
		return;
	}
	start = search_start(s, n);
	for (i = start; i < n && expect < 0; i++)
		if (s[i].usable)
			expect = i;
	if (expect != chosen) {
		check_set(c, ST_FAIL,
		    "%s is chosen but %s is the first usable source from %s "
		    "(%s)",
		    name, expect >= 0 ? s[expect].name : "none", s[start].name,
		    list);
		return;
	}
	check_set(c, ST_PASS, "%s chosen, the first usable source%s (%s)", name,
	    start > 0 ? " from TIMEKEEP_SOURCE" : "", list);
}
