/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Machine facts (see machine.h).  /proc/cpuinfo names the CPU differently
 * per architecture ("vendor_id" and "model name" on x86, "CPU implementer"
 * on arm64, "mvendorid" and "uarch" or "isa" on riscv64), so each key is
 * tried in turn.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "counter.h"
#include "machine.h"

#define CS_DIR "/sys/devices/system/clocksource/clocksource0/"

int
read_line(const char *path, char *buf, size_t n)
{
	FILE *f = fopen(path, "re");
	char *nl;

	buf[0] = '\0';
	if (f == NULL)
		return -1;
	if (fgets(buf, (int)n, f) == NULL) {
		fclose(f);
		buf[0] = '\0';
		return -1;
	}
	fclose(f);
	nl = strchr(buf, '\n');
	if (nl != NULL)
		*nl = '\0';
	return 0;
}

/* The value of the first "key : value" line of /proc/cpuinfo with key. */
static int
cpuinfo_value(const char *key, char *buf, size_t n)
{
	char line[512];
	size_t klen = strlen(key);
	FILE *f = fopen("/proc/cpuinfo", "re");
	int found = -1;

	if (f == NULL)
		return -1;
	while (found < 0 && fgets(line, sizeof(line), f) != NULL) {
		char *p = line + klen;

		if (strncmp(line, key, klen) != 0 ||
		    (*p != ' ' && *p != '\t' && *p != ':'))
			continue;
		p = strchr(p, ':');
		if (p == NULL)
			continue;
		p += 1 + strspn(p + 1, " \t");
		p[strcspn(p, "\n")] = '\0';
		snprintf(buf, n, "%s", p);
		found = 0;
	}
	fclose(f);
	return found;
}

static void
utc_string(time_t t, const char *fmt, char *buf, size_t n)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL || strftime(buf, n, fmt, &tm) == 0)
		snprintf(buf, n, "%lld", (long long)t);
}

void
rfc3339(int64_t sec, int32_t nsec, char *buf, size_t n)
{
	char s[48];

	utc_string((time_t)sec, "%Y-%m-%dT%H:%M:%S", s, sizeof(s));
	snprintf(buf, n, "%s.%09dZ", s, (int)nsec);
}

static void
load_cpu_names(struct machine *m)
{
	if (m->ci_err == 0 && m->ci.vendor != NULL)
		snprintf(m->vendor, sizeof(m->vendor), "%s", m->ci.vendor);
	if (m->ci_err == 0)
		snprintf(m->model, sizeof(m->model), "%s", m->ci.model);
	if (m->vendor[0] == '\0' &&
	    cpuinfo_value("vendor_id", m->vendor, sizeof(m->vendor)) != 0 &&
	    cpuinfo_value("CPU implementer", m->vendor, sizeof(m->vendor)) != 0)
		cpuinfo_value("mvendorid", m->vendor, sizeof(m->vendor));
	if (m->model[0] == '\0' &&
	    cpuinfo_value("model name", m->model, sizeof(m->model)) != 0 &&
	    cpuinfo_value("Model", m->model, sizeof(m->model)) != 0 &&
	    cpuinfo_value("uarch", m->model, sizeof(m->model)) != 0)
		cpuinfo_value("isa", m->model, sizeof(m->model));
	if (m->model[0] == '\0')
		snprintf(m->model, sizeof(m->model), "unknown CPU");
}

static void
load_cpus(struct machine *m)
{
	cpu_set_t set;
	int i;

	CPU_ZERO(&set);
	if (sched_getaffinity(0, sizeof(set), &set) == 0) {
		for (i = 0; i < CPU_SETSIZE; i++)
			if (CPU_ISSET((size_t)i, &set))
				m->cpus[m->ncpu++] = i;
	}
	if (m->ncpu == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		m->ncpu = n > 0 && n <= CPU_SETSIZE ? (int)n : 1;
		for (i = 0; i < m->ncpu; i++)
			m->cpus[i] = i;
	}
}

void
machine_load(struct machine *m)
{
	int i;

	memset(m, 0, sizeof(*m));
	if (uname(&m->uts) != 0)
		snprintf(m->uts.sysname, sizeof(m->uts.sysname), "unknown");
	m->ci_err = tk_counter_info(&m->ci);
	load_cpu_names(m);
	read_line(CS_DIR "current_clocksource", m->clocksource,
	    sizeof(m->clocksource));
	read_line(CS_DIR "available_clocksource", m->clocksources,
	    sizeof(m->clocksources));
	for (i = (int)strlen(m->clocksources);
	     i > 0 && m->clocksources[i - 1] == ' '; i--)
		m->clocksources[i - 1] = '\0';
	load_cpus(m);
	m->source = tk_source();
	utc_string(
	    time(NULL), "%Y-%m-%d %H:%M:%S UTC", m->date, sizeof(m->date));
	utc_string(
	    time(NULL), "%Y-%m-%dT%H:%M:%SZ", m->date_iso, sizeof(m->date_iso));
}

const char *
machine_counter_kind(const struct machine *m)
{
	return m->ci_err == 0 && m->ci.kind != NULL ? m->ci.kind : CLI_COUNTER;
}

int
pin_to(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET((size_t)cpu, &set);
	return pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}
