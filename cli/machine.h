/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Facts about the machine the tool runs on, printed beside every result:
 * kernel, CPU, the kernel's clocksource, the CPUs this process may use,
 * the source timekeep chose, and the date.  Read from uname(2), the
 * library's tk_counter_info(), /proc/cpuinfo and sysfs; anything missing
 * reads "unknown", never a guess.
 */
#ifndef CLI_MACHINE_H
#define CLI_MACHINE_H

#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/utsname.h>
#include <time.h>

#include <timekeep.h>

#include "json.h"

/* Room for the library's introspection lists. */
#define MAX_SOURCES 8
#define MAX_VDSO_SYMS 32

struct machine {
	struct utsname uts;
	struct tk_counter_info ci;
	int ci_err; /* tk_counter_info's result */
	char vendor[64]; /* CPU vendor */
	char model[128]; /* CPU model name */
	char clocksource[64]; /* the kernel's current clocksource */
	char clocksources[256]; /* and the available ones */
	int ncpu; /* CPUs this process may run on */
	int cpus[CPU_SETSIZE]; /* their numbers */
	const char *source; /* tk_source() */
	char hypervisor[32]; /* "KVM"; "" none or unknown */
	char kind[80]; /* "2-CPU KVM guest", "2-CPU machine" */
	char date[40]; /* now, UTC */
	char date_iso[40];
	char day[16]; /* 2026-11-24 */
};

/* TIMEKEEP_SOURCE as the library reads it: NAME[:ARG]. */
struct requested {
	const char *value; /* the variable, or NULL when unset or empty */
	int known; /* its NAME is one of tk_sources()' names */
	char valid[128]; /* those names: "freebsd, tsc, vdso, syscall" */
};

void machine_load(struct machine *m);

void requested_source(struct requested *r);

/*
 * One line on stderr when TIMEKEEP_SOURCE names no source the library
 * knows (the library then ignores it and searches from the top).
 */
void warn_unknown_source(void);

/*
 * The members every --json document starts with: "schema", "command" and
 * the "timekeep" object (docs/cli-json.md).  Opens the top-level object.
 */
void json_head(struct json *j, const char *command);

/* The "machine" object of docs/cli-json.md. */
void json_machine(struct json *j, const struct machine *m);

/*
 * The "counter" object of docs/cli-json.md: the library's facts, the
 * tool's ordered read, and the frequency measured here (NAN: not
 * measured, and measured_from says why).
 */
void json_counter(struct json *j, const struct machine *m, double measured_hz,
    const char *measured_from);

/* The counter's kind: the library's word for it, else the tool's. */
const char *machine_counter_kind(const struct machine *m);

/* Pin the calling thread to one CPU: 0, or an errno value. */
int pin_to(int cpu);

/* The first line of a small file, without its newline: 0, or -1. */
int read_line(const char *path, char *buf, size_t n);

/* RFC 3339 UTC with nanoseconds: 2026-11-24T16:20:01.123456789Z. */
void rfc3339(int64_t sec, int32_t nsec, char *buf, size_t n);

#endif /* CLI_MACHINE_H */
