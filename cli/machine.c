/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Machine facts (see machine.h).  /proc/cpuinfo names the CPU differently
 * per architecture ("vendor_id" and "model name" on x86, "CPU implementer"
 * on arm64, "mvendorid" and "uarch" or "isa" on riscv64), so each key is
 * tried in turn.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "counter.h"
#include "machine.h"
#include "options.h"

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

/*
 * The hypervisor, from the CPU where it can tell, else from Xen's sysfs
 * node; and the machine's kind in words, printed beside every result.
 */
static void
load_kind(struct machine *m)
{
	const char *hv = cli_hypervisor();
	char buf[32];

	if (hv == NULL &&
	    read_line("/sys/hypervisor/type", buf, sizeof(buf)) == 0 &&
	    strcmp(buf, "xen") == 0)
		hv = "Xen";
	snprintf(
	    m->hypervisor, sizeof(m->hypervisor), "%s", hv != NULL ? hv : "");
	if (hv != NULL && hv[0] != '\0')
		snprintf(
		    m->kind, sizeof(m->kind), "%d-CPU %s guest", m->ncpu, hv);
	else
		snprintf(m->kind, sizeof(m->kind), "%d-CPU machine", m->ncpu);
}

void
machine_load(struct machine *m)
{
	time_t now = time(NULL);
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
	load_kind(m);
	m->source = tk_source();
	utc_string(now, "%Y-%m-%d %H:%M:%S UTC", m->date, sizeof(m->date));
	utc_string(now, "%Y-%m-%dT%H:%M:%SZ", m->date_iso, sizeof(m->date_iso));
	utc_string(now, "%Y-%m-%d", m->day, sizeof(m->day));
}

void
requested_source(struct requested *r)
{
	struct tk_source_info s[MAX_SOURCES];
	const char *env = getenv("TIMEKEEP_SOURCE");
	int n = tk_sources(s, MAX_SOURCES), i;
	size_t len, used;

	memset(r, 0, sizeof(*r));
	r->value = env != NULL && env[0] != '\0' ? env : NULL;
	if (n > MAX_SOURCES)
		n = MAX_SOURCES;
	len = r->value != NULL ? strcspn(r->value, ":") : 0;
	for (i = 0; i < n; i++) {
		used = strlen(r->valid);
		snprintf(r->valid + used, sizeof(r->valid) - used, "%s%s",
		    i ? ", " : "", s[i].name);
		if (r->value != NULL && strlen(s[i].name) == len &&
		    strncmp(s[i].name, r->value, len) == 0)
			r->known = 1;
	}
}

void
warn_unknown_source(void)
{
	struct requested r;

	requested_source(&r);
	if (r.value != NULL && !r.known)
		warn("TIMEKEEP_SOURCE=%s names no source (valid: %s), so the "
		     "library ignores it",
		    r.value, r.valid);
}

void
json_head(struct json *j, const char *command)
{
	struct requested r;

	requested_source(&r);
	j_open(j, NULL, '{');
	j_int(j, "schema", 1);
	j_str(j, "command", command);
	j_open(j, "timekeep", '{');
	j_str(j, "version", tk_version());
	j_str(j, "source", tk_source());
	j_str(j, "requested_source", r.value);
	if (r.value != NULL)
		j_bool(j, "requested_source_known", r.known);
	else
		j_null(j, "requested_source_known");
	j_close(j, '}');
}

void
json_machine(struct json *j, const struct machine *m)
{
	char tmp[256], *save = NULL, *tok;

	j_open(j, "machine", '{');
	j_open(j, "kernel", '{');
	j_str(j, "sysname", m->uts.sysname);
	j_str(j, "release", m->uts.release);
	j_str(j, "version", m->uts.version);
	j_str(j, "machine", m->uts.machine);
	j_close(j, '}');
	j_open(j, "cpu", '{');
	j_str(j, "vendor", m->vendor);
	j_str(j, "model", m->model);
	j_int(j, "count", m->ncpu);
	j_close(j, '}');
	j_str(j, "hypervisor", m->hypervisor[0] ? m->hypervisor : NULL);
	j_str(j, "kind", m->kind);
	j_open(j, "clocksource", '{');
	j_str(j, "current", m->clocksource[0] ? m->clocksource : NULL);
	j_open(j, "available", '[');
	snprintf(tmp, sizeof(tmp), "%s", m->clocksources);
	for (tok = strtok_r(tmp, " ", &save); tok != NULL;
	     tok = strtok_r(NULL, " ", &save))
		j_str(j, NULL, tok);
	j_close(j, ']');
	j_close(j, '}');
	j_str(j, "date", m->date_iso);
	j_close(j, '}');
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

void
json_counter(struct json *j, const struct machine *m, double measured_hz,
    const char *measured_from)
{
	int ok = m->ci_err == 0;

	j_open(j, "counter", '{');
	j_str(j, "kind", machine_counter_kind(m));
	j_str(j, "ordering", ok ? m->ci.ordering : NULL);
	if (!ok || m->ci.invariant < 0)
		j_null(j, "invariant");
	else
		j_bool(j, "invariant", m->ci.invariant);
	if (ok && m->ci.freq_hz != 0)
		j_uint(j, "freq_hz", m->ci.freq_hz);
	else
		j_null(j, "freq_hz");
	j_str(j, "freq_from", ok ? m->ci.freq_from : NULL);
	j_str(j, "ordered_read",
	    counter_usable() ? cli_counter_ordered_name() : NULL);
	j_num(j, "measured_hz", measured_hz);
	j_str(j, "measured_from", measured_from);
	j_close(j, '}');
}
