/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * timekeep(1): look at, measure and check this machine's clocks.
 *
 *   timekeep now     the source in use, CLOCK_MONOTONIC and CLOCK_REALTIME
 *   timekeep info    the counter, the kernel's clocksource, the vDSO, the
 *		      FreeBSD page and every source with why it is (not) used
 *   timekeep bench   every clock read side by side in one run: interleaved
 *		      rounds, medians, single-call percentiles, thread scaling
 *   timekeep check   a health check with a verdict (exit 0 PASS, 1 FAIL)
 *
 * The tool links the library like any other user (STYLE 6): it calls only
 * what include/timekeep.h declares, and the library never prints (STYLE
 * 50): everything shown here is pulled through tk_sources(),
 * tk_vdso_symbols(), tk_counter_info() and tk_freebsd_page_info().  Its own
 * baselines (bare counter reads, glibc, the raw system call) come from libc
 * and from tools/arch.h, the one architecture switch.  Usage errors exit 2
 * with one line on stderr; the benchmark's live progress line goes to
 * stderr only when stderr is a terminal.
 *
 * Measurement method (bench): each round runs every candidate once, in an
 * order shuffled per round, for a fixed number of calls timed with the
 * thread's CPU time; the result per candidate is the median over rounds.
 * Single-call latencies are taken between two ordered counter reads, less
 * the median cost of an empty bracket, and converted with the counter
 * frequency measured against CLOCK_MONOTONIC over the whole run (libuv
 * benchmark-*.c, lz4 fullbench, STYLE 63).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include "timekeep.h"

#include "arch.h"

#define NS_PER_US 1000LL
#define NS_PER_MS 1000000LL

/* ---- Usage errors and argument parsing -------------------------------- */

static const char *cur_cmd; /* the command being parsed, for messages */

/* One line on stderr, exit status 2. */
static void
usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "timekeep: ");
	if (cur_cmd != NULL)
		fprintf(stderr, "%s: ", cur_cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (try 'timekeep %s%s--help')\n",
	    cur_cmd != NULL ? cur_cmd : "", cur_cmd != NULL ? " " : "");
	exit(2);
}

/* A whole decimal integer in [lo, hi], or a usage error. */
static long
parse_long(const char *opt, const char *s, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
		usage_error("%s wants a whole number from %ld to %ld, not '%s'",
		    opt, lo, hi, s);
	return v;
}

/* Seconds as a decimal number in (0, hi], or a usage error. */
static double
parse_seconds(const char *opt, const char *s, double hi)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !isfinite(v) || v <= 0 ||
	    v > hi)
		usage_error("%s wants seconds above 0 and at most %g, not '%s'",
		    opt, hi, s);
	return v;
}

/*
 * getopt_long's errors, said our way: opterr is 0 and the option string
 * starts with ':', so a missing argument comes back as ':' and anything
 * unknown as '?'.
 */
static void
bad_option(int c, char **argv)
{
	const char *arg = argv[optind - 1];

	if (c == ':')
		usage_error("option '%s' needs a value", arg);
	if (optopt != 0 && (arg[0] != '-' || arg[1] != '-'))
		usage_error("unknown option '-%c'", optopt);
	usage_error("unknown option '%s'", arg);
}

static void
no_operands(int argc, char **argv)
{
	if (optind < argc)
		usage_error("unexpected argument '%s'", argv[optind]);
}

/* ---- A small JSON writer ---------------------------------------------- */

/*
 * Pretty-printed JSON with two-space indents.  Every value call takes the
 * member name (NULL inside arrays); commas and indents are handled here.
 * Non-finite numbers are written as null: JSON has no NaN.
 */
struct json {
	FILE *f;
	int depth;
	int count[16]; /* members written so far at each depth */
};

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

static void
j_open(struct json *j, const char *key, char c)
{
	j_key(j, key);
	fputc(c, j->f);
	j->depth++;
	j->count[j->depth] = 0;
}

static void
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

static void
j_str(struct json *j, const char *key, const char *v)
{
	j_key(j, key);
	if (v == NULL)
		fputs("null", j->f);
	else
		j_puts(j, v);
}

static void
j_int(struct json *j, const char *key, int64_t v)
{
	j_key(j, key);
	fprintf(j->f, "%" PRId64, v);
}

static void
j_uint(struct json *j, const char *key, uint64_t v)
{
	j_key(j, key);
	fprintf(j->f, "%" PRIu64, v);
}

static void
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

static void
j_bool(struct json *j, const char *key, int v)
{
	j_key(j, key);
	fputs(v ? "true" : "false", j->f);
}

static void
j_null(struct json *j, const char *key)
{
	j_key(j, key);
	fputs("null", j->f);
}

/* ---- Clocks, statistics, small files ---------------------------------- */

static int64_t
ts_ns(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * TK_NSEC_PER_SEC + ts->tv_nsec;
}

/* glibc's CLOCK_MONOTONIC (the vDSO where there is one): the reference. */
static int64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts_ns(&ts);
}

/*
 * The calling thread's CPU time.  The benchmark loops are timed with it,
 * not with CLOCK_MONOTONIC: time the thread spends preempted by other
 * processes is then not charged to the clock read it interrupted, and on
 * a shared machine the medians measure the read, not the neighbours.
 */
static int64_t
cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts_ns(&ts);
}

static void
sleep_ns(int64_t ns)
{
	struct timespec ts = { (time_t)(ns / TK_NSEC_PER_SEC),
		(long)(ns % TK_NSEC_PER_SEC) };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The p-quantile (0 <= p <= 1) of n sorted values, nearest rank. */
static double
quantile(const double *v, size_t n, double p)
{
	size_t k;

	if (n == 0)
		return NAN;
	k = (size_t)ceil(p * (double)n);
	return v[k > 0 ? k - 1 : 0];
}

/* Median of n values; sorts them in place. */
static double
median(double *v, size_t n)
{
	if (n == 0)
		return NAN;
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL) {
		fprintf(stderr, "timekeep: out of memory\n");
		exit(1);
	}
	return p;
}

/* The first line of a small file, without its newline: 0, or -1. */
static int
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

/* RFC 3339 UTC with nanoseconds: 2026-11-24T16:20:01.123456789Z. */
static void
rfc3339(int64_t sec, int32_t nsec, char *buf, size_t n)
{
	char s[48];

	utc_string((time_t)sec, "%Y-%m-%dT%H:%M:%S", s, sizeof(s));
	snprintf(buf, n, "%s.%09dZ", s, (int)nsec);
}

/* ---- Machine facts ---------------------------------------------------- */

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
	char date[40]; /* now, UTC */
	char date_iso[40];
};

#define CS_DIR "/sys/devices/system/clocksource/clocksource0/"

static void
machine_load(struct machine *m)
{
	cpu_set_t set;
	int i;

	memset(m, 0, sizeof(*m));
	if (uname(&m->uts) != 0)
		snprintf(m->uts.sysname, sizeof(m->uts.sysname), "unknown");
	m->ci_err = tk_counter_info(&m->ci);
	if (m->ci_err == 0 && m->ci.vendor != NULL)
		snprintf(m->vendor, sizeof(m->vendor), "%s", m->ci.vendor);
	if (m->ci_err == 0)
		snprintf(m->model, sizeof(m->model), "%s", m->ci.model);
	/* /proc/cpuinfo names the CPU differently per architecture. */
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
	read_line(CS_DIR "current_clocksource", m->clocksource,
	    sizeof(m->clocksource));
	read_line(CS_DIR "available_clocksource", m->clocksources,
	    sizeof(m->clocksources));
	for (i = (int)strlen(m->clocksources);
	     i > 0 && m->clocksources[i - 1] == ' '; i--)
		m->clocksources[i - 1] = '\0';
	CPU_ZERO(&set);
	if (sched_getaffinity(0, sizeof(set), &set) == 0) {
		for (i = 0; i < CPU_SETSIZE; i++)
			if (CPU_ISSET(i, &set))
				m->cpus[m->ncpu++] = i;
	}
	if (m->ncpu == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		m->ncpu = n > 0 && n <= CPU_SETSIZE ? (int)n : 1;
		for (i = 0; i < m->ncpu; i++)
			m->cpus[i] = i;
	}
	m->source = tk_source();
	utc_string(
	    time(NULL), "%Y-%m-%d %H:%M:%S UTC", m->date, sizeof(m->date));
	utc_string(
	    time(NULL), "%Y-%m-%dT%H:%M:%SZ", m->date_iso, sizeof(m->date_iso));
}

static const char *
counter_kind(const struct machine *m)
{
	return m->ci_err == 0 && m->ci.kind != NULL ? m->ci.kind : TOOL_COUNTER;
}

/* Pin the calling thread to one CPU: 0, or an errno value. */
static int
pin_to(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

/* ---- The tool's own counter reads ------------------------------------- */

static int counter_state = -1; /* -1 not probed, 0 unusable, 1 usable */
static char counter_note[160];

/*
 * Whether the tool may read the counter itself: the CPU must say it has
 * one, and a read in a forked child must not kill it (a kernel can trap
 * user reads: x86 CR4.TSD via prctl PR_SET_TSC, arm64 EL0VCTEN).
 */
static int
counter_usable(void)
{
	pid_t pid;
	int st;

	if (counter_state >= 0)
		return counter_state;
	tool_counter_init();
	counter_state = 0;
	if (!tool_counter_exists()) {
		snprintf(counter_note, sizeof(counter_note),
		    "this CPU (%s) has no user-readable counter the tool "
		    "knows",
		    TOOL_ARCH);
		return 0;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		(void)tool_counter_ordered();
		(void)tool_counter_relaxed();
		_exit(0);
	}
	if (pid < 0) {
		snprintf(counter_note, sizeof(counter_note),
		    "cannot fork to probe the counter: %s", strerror(errno));
		return 0;
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
		counter_state = 1;
		return 1;
	}
	snprintf(counter_note, sizeof(counter_note),
	    "reading the counter (%s) killed a test child with signal %d",
	    tool_counter_ordered_name(), WIFSIGNALED(st) ? WTERMSIG(st) : 0);
	return 0;
}

/* A counter value and the CLOCK_MONOTONIC time it was read at. */
struct cpair {
	int64_t ns;
	uint64_t ticks;
};

/* The narrowest of 16 brackets mono / counter / mono. */
static struct cpair
counter_pair(void)
{
	struct cpair best = { 0, 0 };
	int64_t width = INT64_MAX;
	int i;

	for (i = 0; i < 16; i++) {
		int64_t a = mono_ns();
		uint64_t c = tool_counter_ordered();
		int64_t b = mono_ns();

		if (b - a < width) {
			width = b - a;
			best.ns = a + (b - a) / 2;
			best.ticks = c;
		}
	}
	return best;
}

static double
pair_hz(struct cpair a, struct cpair b)
{
	if (b.ns <= a.ns || b.ticks <= a.ticks)
		return NAN;
	return (double)(b.ticks - a.ticks) * 1e9 / (double)(b.ns - a.ns);
}

/* The counter's frequency against CLOCK_MONOTONIC over span_ns. */
static double
counter_measure_hz(int64_t span_ns)
{
	struct cpair a = counter_pair(), b;

	sleep_ns(span_ns);
	b = counter_pair();
	return pair_hz(a, b);
}

/* ---- timekeep now ----------------------------------------------------- */

/* Clock names for --clock, as clock_gettime(2) spells them, lower case. */
static const struct {
	const char *name;
	clockid_t id;
} clock_names[] = {
	{ "realtime", CLOCK_REALTIME },
	{ "monotonic", CLOCK_MONOTONIC },
	{ "process_cputime", CLOCK_PROCESS_CPUTIME_ID },
	{ "thread_cputime", CLOCK_THREAD_CPUTIME_ID },
#ifdef CLOCK_MONOTONIC_RAW
	{ "monotonic_raw", CLOCK_MONOTONIC_RAW },
#endif
#ifdef CLOCK_REALTIME_COARSE
	{ "realtime_coarse", CLOCK_REALTIME_COARSE },
#endif
#ifdef CLOCK_MONOTONIC_COARSE
	{ "monotonic_coarse", CLOCK_MONOTONIC_COARSE },
#endif
#ifdef CLOCK_BOOTTIME
	{ "boottime", CLOCK_BOOTTIME },
#endif
#ifdef CLOCK_TAI
	{ "tai", CLOCK_TAI },
#endif
};
#define NCLOCK_NAMES (sizeof(clock_names) / sizeof(clock_names[0]))

static void
now_help(void)
{
	size_t i;

	printf("usage: timekeep now [--json] [--clock NAME]\n"
	       "\n"
	       "Print the source timekeep uses, CLOCK_MONOTONIC in nanoseconds "
	       "(tk_nanotime)\n"
	       "and CLOCK_REALTIME (tk_walltime) as RFC 3339 UTC with "
	       "nanoseconds.\n"
	       "\n"
	       "  --json        JSON: source, monotonic_ns, realtime_ns (since "
	       "the Unix\n"
	       "                epoch), realtime (RFC 3339), and clock if "
	       "--clock was given\n"
	       "  --clock NAME  also read NAME through tk_clock_gettime; NAME "
	       "is one of\n"
	       "               ");
	for (i = 0; i < NCLOCK_NAMES; i++)
		printf(" %s", clock_names[i].name);
	printf("\n  -h, --help    this text\n");
}

static int
cmd_now(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "clock", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *clock = NULL;
	clockid_t id = CLOCK_MONOTONIC;
	struct timespec ts = { 0, 0 };
	char rt[64];
	int json = 0, c, err = 0;
	int64_t mono, rsec;
	int32_t rnsec;
	size_t i;

	while ((c = getopt_long(argc, argv, ":hj", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = 1;
			break;
		case 'c':
			clock = optarg;
			break;
		case 'h':
			now_help();
			return 0;
		default:
			bad_option(c, argv);
		}
	}
	no_operands(argc, argv);
	if (clock != NULL) {
		for (i = 0; i < NCLOCK_NAMES; i++)
			if (strcmp(clock, clock_names[i].name) == 0)
				break;
		if (i == NCLOCK_NAMES)
			usage_error("unknown clock '%s'", clock);
		id = clock_names[i].id;
	}

	mono = tk_nanotime();
	tk_walltime(&rsec, &rnsec);
	if (clock != NULL)
		err = tk_clock_gettime(id, &ts);
	rfc3339(rsec, rnsec, rt, sizeof(rt));
	if (err != 0) {
		fprintf(stderr, "timekeep: now: tk_clock_gettime(%s): %s\n",
		    clock, strerror(-err));
		return 1;
	}

	if (json) {
		struct json j = { stdout, 0, { 0 } };

		j_open(&j, NULL, '{');
		j_str(&j, "source", tk_source());
		j_int(&j, "monotonic_ns", mono);
		j_int(&j, "realtime_ns", rsec * TK_NSEC_PER_SEC + rnsec);
		j_str(&j, "realtime", rt);
		if (clock != NULL) {
			j_open(&j, "clock", '{');
			j_str(&j, "name", clock);
			j_int(&j, "id", (int64_t)id);
			j_int(&j, "ns", ts_ns(&ts));
			j_close(&j, '}');
		}
		j_close(&j, '}');
		return 0;
	}
	printf("source     %s\n", tk_source());
	printf("monotonic  %" PRId64 " ns (%" PRId64 ".%09" PRId64 " s)\n",
	    mono, (int64_t)(mono / TK_NSEC_PER_SEC),
	    (int64_t)(mono % TK_NSEC_PER_SEC));
	printf("realtime   %s\n", rt);
	if (clock != NULL)
		printf("%-10s %" PRId64 " ns (%lld.%09ld s)\n", clock,
		    ts_ns(&ts), (long long)ts.tv_sec, ts.tv_nsec);
	return 0;
}

/* ---- timekeep info ---------------------------------------------------- */

#define MAX_SOURCES 8
#define MAX_VDSO_SYMS 32

static void
info_help(void)
{
	printf("usage: timekeep info [--json]\n"
	       "\n"
	       "Show this machine's clock facts and what timekeep chose:\n"
	       "kernel release, CPU vendor and model, the counter (kind, how "
	       "an ordered\n"
	       "read is ordered, invariant or not, its frequency and where "
	       "that comes\n"
	       "from, and the frequency this tool measures against "
	       "CLOCK_MONOTONIC),\n"
	       "the kernel's current and available clocksources, the vDSO "
	       "symbols\n"
	       "timekeep resolved (name, version, offset from the image "
	       "base), a FreeBSD\n"
	       "timekeep page (ver, enabled, algo, current) where there is "
	       "one, and each\n"
	       "source with \"usable\" or the reason it is not.\n"
	       "\n"
	       "  --json      the same as JSON: vdso {found, symbols [{name, "
	       "version,\n"
	       "              offset}]}, sources [{name, usable, chosen, "
	       "reason}], chosen, ...\n"
	       "  -h, --help  this text\n");
}

static const char *
tristate(int v)
{
	return v > 0 ? "yes" : v == 0 ? "no" : "unknown";
}

static const char *
source_state(const struct tk_source_info *s)
{
	if (s->chosen)
		return "chosen";
	return s->usable ? "usable" : "not usable";
}

static int
cmd_info(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct machine *m = xcalloc(1, sizeof(*m));
	struct tk_source_info src[MAX_SOURCES];
	struct tk_vdso_symbol syms[MAX_VDSO_SYMS];
	struct tk_freebsd_page_info fp;
	const char *chosen = "none", *env;
	double measured = NAN;
	int json = 0, c, nsrc, nsym, fperr, i;

	while ((c = getopt_long(argc, argv, ":hj", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = 1;
			break;
		case 'h':
			info_help();
			free(m);
			return 0;
		default:
			bad_option(c, argv);
		}
	}
	no_operands(argc, argv);

	machine_load(m);
	nsrc = tk_sources(src, MAX_SOURCES);
	if (nsrc > MAX_SOURCES)
		nsrc = MAX_SOURCES;
	for (i = 0; i < nsrc; i++)
		if (src[i].chosen)
			chosen = src[i].name;
	nsym = tk_vdso_symbols(syms, MAX_VDSO_SYMS);
	if (nsym > MAX_VDSO_SYMS)
		nsym = MAX_VDSO_SYMS;
	fperr = tk_freebsd_page_info(&fp);
	if (counter_usable())
		measured = counter_measure_hz(50 * NS_PER_MS);
	env = getenv("TIMEKEEP_SOURCE");

	if (json) {
		struct json j = { stdout, 0, { 0 } };

		j_open(&j, NULL, '{');
		j_str(&j, "version", tk_version());
		j_open(&j, "kernel", '{');
		j_str(&j, "sysname", m->uts.sysname);
		j_str(&j, "release", m->uts.release);
		j_str(&j, "version", m->uts.version);
		j_str(&j, "machine", m->uts.machine);
		j_close(&j, '}');
		j_open(&j, "cpu", '{');
		j_str(&j, "vendor", m->vendor);
		j_str(&j, "model", m->model);
		j_int(&j, "count", m->ncpu);
		j_close(&j, '}');
		j_open(&j, "counter", '{');
		if (m->ci_err == 0) {
			j_str(&j, "kind", m->ci.kind);
			j_str(&j, "ordering", m->ci.ordering);
			if (m->ci.invariant < 0)
				j_null(&j, "invariant");
			else
				j_bool(&j, "invariant", m->ci.invariant);
			j_uint(&j, "freq_hz", m->ci.freq_hz);
			j_str(&j, "freq_from", m->ci.freq_from);
		} else {
			j_str(&j, "error", strerror(-m->ci_err));
		}
		j_num(&j, "measured_hz", measured);
		j_str(&j, "measured_from",
		    isfinite(measured) ? "50 ms against CLOCK_MONOTONIC"
		                       : counter_note);
		j_close(&j, '}');
		j_open(&j, "clocksource", '{');
		j_str(&j, "current", m->clocksource);
		j_open(&j, "available", '[');
		{
			char tmp[256], *save = NULL, *tok;

			snprintf(tmp, sizeof(tmp), "%s", m->clocksources);
			for (tok = strtok_r(tmp, " ", &save); tok != NULL;
			     tok = strtok_r(NULL, " ", &save))
				j_str(&j, NULL, tok);
		}
		j_close(&j, ']');
		j_close(&j, '}');
		j_open(&j, "vdso", '{');
		j_bool(&j, "found", nsym > 0);
		j_open(&j, "symbols", '[');
		for (i = 0; i < nsym; i++) {
			j_open(&j, NULL, '{');
			j_str(&j, "name", syms[i].name);
			j_str(&j, "version", syms[i].version);
			j_uint(&j, "offset", syms[i].offset);
			j_close(&j, '}');
		}
		j_close(&j, ']');
		j_close(&j, '}');
		if (fperr == 0) {
			j_open(&j, "freebsd_page", '{');
			j_uint(&j, "ver", fp.ver);
			j_uint(&j, "enabled", fp.enabled);
			j_uint(&j, "algo", fp.algo);
			j_uint(&j, "current", fp.current);
			j_str(&j, "from", fp.from);
			j_close(&j, '}');
		} else {
			j_null(&j, "freebsd_page");
		}
		j_open(&j, "sources", '[');
		for (i = 0; i < nsrc; i++) {
			j_open(&j, NULL, '{');
			j_str(&j, "name", src[i].name);
			j_bool(&j, "usable", src[i].usable);
			j_bool(&j, "chosen", src[i].chosen);
			j_str(&j, "reason", src[i].reason);
			j_close(&j, '}');
		}
		j_close(&j, ']');
		j_str(&j, "chosen", chosen);
		j_str(&j, "timekeep_source", env);
		j_close(&j, '}');
		free(m);
		return 0;
	}

	printf("timekeep     %s\n", tk_version());
	printf("kernel       %s %s %s\n", m->uts.sysname, m->uts.release,
	    m->uts.machine);
	printf("cpu          %s%s%s, %d CPU%s\n", m->vendor,
	    m->vendor[0] ? " " : "", m->model, m->ncpu,
	    m->ncpu == 1 ? "" : "s");
	if (m->ci_err == 0) {
		printf("counter      %s, ordered by %s, invariant %s\n",
		    m->ci.kind, m->ci.ordering, tristate(m->ci.invariant));
		if (m->ci.freq_hz != 0)
			printf("frequency    %.6f MHz (from %s)\n",
			    (double)m->ci.freq_hz / 1e6, m->ci.freq_from);
		else
			printf("frequency    not stated (%s)\n",
			    m->ci.freq_from != NULL ? m->ci.freq_from : "-");
	} else {
		printf("counter      unknown (tk_counter_info: %s)\n",
		    strerror(-m->ci_err));
	}
	if (isfinite(measured))
		printf(
		    "measured     %.6f MHz (50 ms against CLOCK_MONOTONIC)\n",
		    measured / 1e6);
	else
		printf("measured     no (%s)\n", counter_note);
	printf("clocksource  %s (available: %s)\n",
	    m->clocksource[0] ? m->clocksource : "unknown",
	    m->clocksources[0] ? m->clocksources : "unknown");
	if (nsym > 0) {
		printf("vdso         found, %d symbol%s\n", nsym,
		    nsym == 1 ? "" : "s");
		for (i = 0; i < nsym; i++)
			printf("  %-26s %-12s offset 0x%" PRIx64 "\n",
			    syms[i].name, syms[i].version, syms[i].offset);
	} else {
		printf("vdso         not found\n");
	}
	if (fperr == 0)
		printf("freebsd page ver %" PRIu32 ", enabled %" PRIu32
		       ", algo %" PRIu32 ", current %" PRIu32 " (from %s)\n",
		    fp.ver, fp.enabled, fp.algo, fp.current,
		    fp.from != NULL ? fp.from : "?");
	else
		printf("freebsd page none\n");
	printf("sources\n");
	for (i = 0; i < nsrc; i++)
		printf("  %-8s %-10s %s\n", src[i].name, source_state(&src[i]),
		    src[i].reason != NULL ? src[i].reason : "");
	printf("chosen       %s%s%s\n", chosen,
	    env != NULL ? ", TIMEKEEP_SOURCE=" : "", env != NULL ? env : "");
	free(m);
	return 0;
}

/* ---- timekeep bench: the candidates ----------------------------------- */

/*
 * Each candidate is one read, wrapped twice: loop_X(n) makes n calls (the
 * throughput measurement) and once_X() makes one (the latency sample).
 * Both are noinline and are called through pointers, so every candidate
 * pays the same call overhead, and the results go to a sink so that no
 * read can be dropped.  Threads store to the sink at once, so it is a
 * relaxed atomic (a plain store on x86-64 and arm64): ThreadSanitizer sees
 * no race and nothing is ordered.
 */
static _Atomic uint64_t sink;

static inline void
keep(uint64_t v)
{
	atomic_store_explicit(&sink, v, memory_order_relaxed);
}

static inline int64_t
rd_tk_nanotime(void)
{
	return tk_nanotime();
}

static inline int64_t
rd_tk_relaxed(void)
{
	return tk_nanotime_relaxed();
}

static inline int64_t
rd_tk_walltime(void)
{
	int64_t sec;
	int32_t nsec;

	tk_walltime(&sec, &nsec);
	return sec + nsec;
}

static inline int64_t
rd_tk_cgt(clockid_t id)
{
	struct timespec ts;

	tk_clock_gettime(id, &ts);
	return ts.tv_sec + ts.tv_nsec;
}

static inline int64_t
rd_libc(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return ts.tv_sec + ts.tv_nsec;
}

static inline int64_t
rd_tk_cgt_mono(void)
{
	return rd_tk_cgt(CLOCK_MONOTONIC);
}

static inline int64_t
rd_tk_cgt_real(void)
{
	return rd_tk_cgt(CLOCK_REALTIME);
}

static inline int64_t
rd_libc_mono(void)
{
	return rd_libc(CLOCK_MONOTONIC);
}

static inline int64_t
rd_libc_real(void)
{
	return rd_libc(CLOCK_REALTIME);
}

static inline int64_t
rd_libc_mono_coarse(void)
{
	return rd_libc(CLOCK_MONOTONIC_COARSE);
}

static inline int64_t
rd_libc_real_coarse(void)
{
	return rd_libc(CLOCK_REALTIME_COARSE);
}

static inline int64_t
rd_sys_mono(void)
{
	struct timespec ts;

	syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec;
}

static inline int64_t
rd_ctr_ordered(void)
{
	return (int64_t)tool_counter_ordered();
}

static inline int64_t
rd_ctr_relaxed(void)
{
	return (int64_t)tool_counter_relaxed();
}

#define CANDIDATE(id)                                                          \
	static __attribute__((noinline)) void loop_##id(uint64_t n)            \
	{                                                                      \
		uint64_t acc = 0;                                              \
                                                                               \
		while (n-- > 0)                                                \
			acc += (uint64_t)rd_##id();                            \
		keep(acc);                                                     \
	}                                                                      \
	static __attribute__((noinline)) void once_##id(void)                  \
	{                                                                      \
		keep((uint64_t)rd_##id());                                     \
	}

CANDIDATE(tk_nanotime)
CANDIDATE(tk_relaxed)
CANDIDATE(tk_walltime)
CANDIDATE(tk_cgt_mono)
CANDIDATE(tk_cgt_real)
CANDIDATE(libc_mono)
CANDIDATE(libc_real)
CANDIDATE(libc_mono_coarse)
CANDIDATE(libc_real_coarse)
CANDIDATE(sys_mono)
CANDIDATE(ctr_ordered)
CANDIDATE(ctr_relaxed)

/* The empty bracket: the same call and store as once_X, but no read. */
static __attribute__((noinline)) void
once_empty(void)
{
	keep(0);
}

enum kind { K_TK, K_LIBC, K_SYSCALL, K_COUNTER };
static const char *const kind_names[] = { "timekeep", "libc", "syscall",
	"counter" };
static const char *const kind_colors[] = { "#1f77b4", "#8c8c8c", "#d62728",
	"#2ca02c" };

/* How a candidate is probed before it is trusted to run. */
enum probe { P_NONE, P_LIBC, P_SYSCALL, P_COUNTER };

static const struct cand_def {
	const char *name; /* "%s" is the counter read's name */
	enum kind kind;
	enum probe probe;
	clockid_t id; /* for P_LIBC and P_SYSCALL */
	void (*loop)(uint64_t n);
	void (*once)(void);
} cand_defs[] = {
	{ "tk_nanotime", K_TK, P_NONE, 0, loop_tk_nanotime, once_tk_nanotime },
	{ "tk_nanotime_relaxed", K_TK, P_NONE, 0, loop_tk_relaxed,
	    once_tk_relaxed },
	{ "tk_walltime", K_TK, P_NONE, 0, loop_tk_walltime, once_tk_walltime },
	{ "tk_clock_gettime(MONOTONIC)", K_TK, P_NONE, 0, loop_tk_cgt_mono,
	    once_tk_cgt_mono },
	{ "tk_clock_gettime(REALTIME)", K_TK, P_NONE, 0, loop_tk_cgt_real,
	    once_tk_cgt_real },
	{ "clock_gettime(MONOTONIC)", K_LIBC, P_LIBC, CLOCK_MONOTONIC,
	    loop_libc_mono, once_libc_mono },
	{ "clock_gettime(REALTIME)", K_LIBC, P_LIBC, CLOCK_REALTIME,
	    loop_libc_real, once_libc_real },
	{ "clock_gettime(MONOTONIC_COARSE)", K_LIBC, P_LIBC,
	    CLOCK_MONOTONIC_COARSE, loop_libc_mono_coarse,
	    once_libc_mono_coarse },
	{ "clock_gettime(REALTIME_COARSE)", K_LIBC, P_LIBC,
	    CLOCK_REALTIME_COARSE, loop_libc_real_coarse,
	    once_libc_real_coarse },
	{ "syscall(clock_gettime, MONOTONIC)", K_SYSCALL, P_SYSCALL,
	    CLOCK_MONOTONIC, loop_sys_mono, once_sys_mono },
	{ "counter ordered (%s)", K_COUNTER, P_COUNTER, 0, loop_ctr_ordered,
	    once_ctr_ordered },
	{ "counter relaxed (%s)", K_COUNTER, P_COUNTER, 1, loop_ctr_relaxed,
	    once_ctr_relaxed },
};
#define NCAND ((int)(sizeof(cand_defs) / sizeof(cand_defs[0])))
#define REF_VDSO 5 /* clock_gettime(MONOTONIC): glibc, the vDSO */
#define REF_COUNTER 10 /* the ordered counter read */

struct cand {
	const struct cand_def *def;
	char name[64];
	int avail;
	char note[200]; /* why it is left out */
	double *ns; /* ns/call per round */
	uint64_t *lat; /* rounds x samples bracketed counter deltas */
	double med, min, max;
	double p50, p99, p999;
	double r_vdso, r_counter;
};

struct bench {
	struct machine *m;
	long rounds, calls, samples, maxthreads;
	int json;
	const char *plot;
	struct cand c[NCAND];
	int have_counter;
	uint64_t *empty; /* rounds x samples empty-bracket deltas */
	double bracket_ns; /* their median, in ns */
	double hz; /* the counter, against CLOCK_MONOTONIC */
	int nthr; /* thread levels 1..nthr */
	double *thr; /* [level][round][thread] ns/call */
	double *thr_ns; /* [level] median of the per-round means */
	double *thr_per; /* [level][thread] per-thread medians */
	int thr_pin_failed;
	int progress; /* stderr is a terminal */
};

static void
cand_setup(struct bench *b, struct cand *c, const struct cand_def *d)
{
	struct timespec ts;

	c->def = d;
	c->avail = 1;
	snprintf(c->name, sizeof(c->name), d->name,
	    d->id == 0 ? tool_counter_ordered_name()
	               : tool_counter_relaxed_name());
	switch (d->probe) {
	case P_NONE:
		break;
	case P_LIBC:
		if (clock_gettime(d->id, &ts) != 0) {
			c->avail = 0;
			snprintf(c->note, sizeof(c->note),
			    "libc clock_gettime fails here: %s",
			    strerror(errno));
		}
		break;
	case P_SYSCALL:
		if (syscall(SYS_clock_gettime, d->id, &ts) != 0) {
			c->avail = 0;
			snprintf(c->note, sizeof(c->note),
			    "the system call fails here: %s", strerror(errno));
		}
		break;
	case P_COUNTER:
		if (!b->have_counter) {
			c->avail = 0;
			snprintf(c->note, sizeof(c->note), "%s", counter_note);
		}
		break;
	}
	c->ns = xcalloc((size_t)b->rounds, sizeof(double));
	if (b->have_counter)
		c->lat =
		    xcalloc((size_t)(b->rounds * b->samples), sizeof(uint64_t));
}

static uint64_t
xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* n single calls of f, each between two ordered counter reads. */
static __attribute__((noinline)) void
sample_latency(void (*f)(void), uint64_t *out, long n)
{
	void (*volatile call)(void) = f;
	uint64_t a, z;
	long i;

	for (i = 0; i < n; i++) {
		a = tool_counter_ordered();
		call();
		z = tool_counter_ordered();
		out[i] = z - a;
	}
}

static void
progress(const struct bench *b, const char *what, long i, long n)
{
	if (!b->progress)
		return;
	fprintf(stderr, "\r\033[Ktimekeep bench: %s %ld/%ld", what, i, n);
	fflush(stderr);
}

/*
 * One round: every available candidate (and the empty bracket, index
 * NCAND) in a shuffled order, each for b->calls calls and then for
 * b->samples bracketed single calls.
 */
static void
bench_round(struct bench *b, long r, uint64_t *seed)
{
	int order[NCAND + 1], n = 0, i, k, t;

	for (i = 0; i < NCAND; i++)
		if (b->c[i].avail)
			order[n++] = i;
	if (b->have_counter)
		order[n++] = NCAND;
	for (i = n - 1; i > 0; i--) {
		k = (int)(xorshift(seed) % (uint64_t)(i + 1));
		t = order[i];
		order[i] = order[k];
		order[k] = t;
	}
	for (i = 0; i < n; i++) {
		struct cand *c;
		int64_t t0, t1;

		if (order[i] == NCAND) {
			sample_latency(
			    once_empty, b->empty + r * b->samples, b->samples);
			continue;
		}
		c = &b->c[order[i]];
		t0 = cpu_ns();
		c->def->loop((uint64_t)b->calls);
		t1 = cpu_ns();
		c->ns[r] = (double)(t1 - t0) / (double)b->calls;
		if (b->have_counter)
			sample_latency(
			    c->def->once, c->lat + r * b->samples, b->samples);
	}
}

/* ---- timekeep bench: threads ------------------------------------------ */

struct trun {
	atomic_int ready;
	atomic_int pin_failed;
	int k;
	uint64_t calls;
	const int *cpus;
	int ncpu;
	double ns[CPU_SETSIZE];
};

struct targ {
	struct trun *run;
	int idx;
	pthread_t th;
};

static void *
thread_main(void *p)
{
	struct targ *a = p;
	struct trun *r = a->run;
	int64_t t0, t1;

	if (pin_to(r->cpus[a->idx % r->ncpu]) != 0)
		atomic_store(&r->pin_failed, 1);
	/* A spinning start line, so that the k threads overlap. */
	atomic_fetch_add(&r->ready, 1);
	while (atomic_load(&r->ready) < r->k)
		if (r->k > r->ncpu)
			sched_yield();
	t0 = cpu_ns();
	loop_tk_nanotime(r->calls);
	t1 = cpu_ns();
	r->ns[a->idx] = (double)(t1 - t0) / (double)r->calls;
	return NULL;
}

/* k threads, each pinned to its own CPU, each looping tk_nanotime. */
static int
thread_run(struct bench *b, int k, double *out)
{
	struct trun *run = xcalloc(1, sizeof(*run));
	struct targ *args = xcalloc((size_t)k, sizeof(*args));
	int i, started = 0, err = 0;

	atomic_init(&run->ready, 0);
	atomic_init(&run->pin_failed, 0);
	run->k = k;
	run->calls = (uint64_t)b->calls;
	run->cpus = b->m->cpus;
	run->ncpu = b->m->ncpu;
	for (i = 0; i < k; i++) {
		args[i].run = run;
		args[i].idx = i;
		err = pthread_create(&args[i].th, NULL, thread_main, &args[i]);
		if (err != 0)
			break;
		started++;
	}
	if (err != 0) /* let the started ones through the start line */
		atomic_fetch_add(&run->ready, k - started);
	for (i = 0; i < started; i++)
		pthread_join(args[i].th, NULL);
	for (i = 0; i < k; i++)
		out[i] = run->ns[i];
	if (atomic_load(&run->pin_failed))
		b->thr_pin_failed = 1;
	free(args);
	free(run);
	return err;
}

/* Levels 1..nthr, in an order rotated per round, b->rounds rounds. */
static int
bench_threads(struct bench *b)
{
	int n = b->nthr, lvl, i, err;
	long r, j;
	double *tmp = xcalloc((size_t)b->rounds, sizeof(double));

	b->thr = xcalloc((size_t)(n * b->rounds * n), sizeof(double));
	b->thr_ns = xcalloc((size_t)n, sizeof(double));
	b->thr_per = xcalloc((size_t)(n * n), sizeof(double));
	for (r = 0; r < b->rounds; r++) {
		progress(b, "threads round", r + 1, b->rounds);
		for (j = 0; j < n; j++) {
			lvl = (int)((j + r) % n);
			err = thread_run(b, lvl + 1,
			    b->thr +
			        ((size_t)lvl * (size_t)b->rounds + (size_t)r) *
			            (size_t)n);
			if (err != 0) {
				free(tmp);
				return err;
			}
		}
	}
	for (lvl = 0; lvl < n; lvl++) {
		for (r = 0; r < b->rounds; r++) {
			double *row = b->thr +
			    ((size_t)lvl * (size_t)b->rounds + (size_t)r) *
			        (size_t)n;
			double sum = 0;

			for (i = 0; i <= lvl; i++)
				sum += row[i];
			tmp[r] = sum / (lvl + 1);
		}
		b->thr_ns[lvl] = median(tmp, (size_t)b->rounds);
		for (i = 0; i <= lvl; i++) {
			for (r = 0; r < b->rounds; r++)
				tmp[r] =
				    b->thr[((size_t)lvl * (size_t)b->rounds +
				               (size_t)r) *
				            (size_t)n +
				        (size_t)i];
			b->thr_per[lvl * n + i] =
			    median(tmp, (size_t)b->rounds);
		}
	}
	free(tmp);
	return 0;
}

/* ---- timekeep bench: results ------------------------------------------ */

static void
bench_stats(struct bench *b)
{
	size_t ns = (size_t)(b->rounds * b->samples), i;
	double *v = xcalloc(ns, sizeof(double));
	double bracket = 0, per_tick = 0;
	int k;

	if (b->have_counter) {
		for (i = 0; i < ns; i++)
			v[i] = (double)b->empty[i];
		bracket = median(v, ns);
		per_tick = 1e9 / b->hz;
		b->bracket_ns = bracket * per_tick;
	}
	for (k = 0; k < NCAND; k++) {
		struct cand *c = &b->c[k];

		c->p50 = c->p99 = c->p999 = NAN;
		if (!c->avail)
			continue;
		c->med = median(c->ns, (size_t)b->rounds); /* sorts */
		c->min = c->ns[0];
		c->max = c->ns[b->rounds - 1];
		if (!b->have_counter || !isfinite(per_tick))
			continue;
		for (i = 0; i < ns; i++) {
			double d = ((double)c->lat[i] - bracket) * per_tick;

			v[i] = d > 0 ? d : 0;
		}
		qsort(v, ns, sizeof(*v), cmp_double);
		c->p50 = quantile(v, ns, 0.50);
		c->p99 = quantile(v, ns, 0.99);
		c->p999 = quantile(v, ns, 0.999);
	}
	for (k = 0; k < NCAND; k++) {
		struct cand *c = &b->c[k];

		c->r_vdso =
		    b->c[REF_VDSO].avail ? c->med / b->c[REF_VDSO].med : NAN;
		c->r_counter = b->c[REF_COUNTER].avail
		    ? c->med / b->c[REF_COUNTER].med
		    : NAN;
	}
	free(v);
}

static void
fmt_num(char *buf, size_t n, double v)
{
	if (isfinite(v))
		snprintf(buf, n, "%.2f", v);
	else
		snprintf(buf, n, "-");
}

static void
bench_print(const struct bench *b)
{
	const struct machine *m = b->m;
	char f[8][24];
	int k, lvl, i;

	printf("timekeep bench, %s\n", m->date);
	printf("cpu      %s%s%s, %d CPU%s\n", m->vendor,
	    m->vendor[0] ? " " : "", m->model, m->ncpu,
	    m->ncpu == 1 ? "" : "s");
	printf("kernel   %s %s %s, clocksource %s\n", m->uts.sysname,
	    m->uts.release, m->uts.machine,
	    m->clocksource[0] ? m->clocksource : "unknown");
	printf("source   %s (timekeep %s)\n", m->source, tk_version());
	printf("method   %ld rounds x %ld calls per candidate, order shuffled "
	       "per round, timed by\n"
	       "         thread CPU time (preemption is not counted), "
	       "medians over rounds\n",
	    b->rounds, b->calls);
	if (b->have_counter)
		printf("latency  %ld samples per candidate per round between "
		       "%s reads, less the\n"
		       "         empty bracket (%.2f ns); %s at %.3f MHz "
		       "measured against CLOCK_MONOTONIC\n",
		    b->samples, tool_counter_ordered_name(), b->bracket_ns,
		    counter_kind(m), b->hz / 1e6);
	else
		printf("latency  not measured: %s\n", counter_note);
	printf("\n%-34s %8s %8s %8s %7s %7s %8s %8s %8s\n", "candidate",
	    "ns/call", "min", "max", "x vdso", "x ctr", "p50", "p99", "p99.9");
	for (k = 0; k < NCAND; k++) {
		const struct cand *c = &b->c[k];

		if (!c->avail)
			continue;
		fmt_num(f[0], sizeof(f[0]), c->r_vdso);
		fmt_num(f[1], sizeof(f[1]), c->r_counter);
		fmt_num(f[2], sizeof(f[2]), c->p50);
		fmt_num(f[3], sizeof(f[3]), c->p99);
		fmt_num(f[4], sizeof(f[4]), c->p999);
		printf("%-34s %8.2f %8.2f %8.2f %7s %7s %8s %8s %8s\n", c->name,
		    c->med, c->min, c->max, f[0], f[1], f[2], f[3], f[4]);
	}
	printf("\nx vdso: ns/call over clock_gettime(MONOTONIC)'s (glibc, %s); "
	       "x ctr: over\n"
	       "the ordered counter read's.  min/max: over rounds; p50..p99.9: "
	       "single calls.\n",
	    getauxval(AT_SYSINFO_EHDR) != 0 ? "the vDSO"
	                                    : "a system call: no vDSO here");
	for (k = 0; k < NCAND; k++)
		if (!b->c[k].avail)
			printf("omitted: %s: %s\n", b->c[k].name, b->c[k].note);

	printf("\n%-8s %8s %12s  %s\n", "threads", "ns/call", "x 1 thread",
	    "per thread (ns/call, each looping tk_nanotime)");
	for (lvl = 0; lvl < b->nthr; lvl++) {
		printf("%-8d %8.2f %12.2f ", lvl + 1, b->thr_ns[lvl],
		    b->thr_ns[lvl] / b->thr_ns[0]);
		for (i = 0; i <= lvl; i++)
			printf(" %.2f", b->thr_per[lvl * b->nthr + i]);
		printf("\n");
	}
	if (b->thr_pin_failed)
		printf("note: some threads could not be pinned to a CPU\n");
	if (b->nthr > m->ncpu)
		printf("note: more threads than CPUs (%d): they share CPUs\n",
		    m->ncpu);
}

static void
bench_json(const struct bench *b)
{
	const struct machine *m = b->m;
	struct json j = { stdout, 0, { 0 } };
	int k, lvl, i;

	j_open(&j, NULL, '{');
	j_open(&j, "machine", '{');
	j_str(&j, "cpu", m->model);
	j_str(&j, "vendor", m->vendor);
	j_int(&j, "cpus", m->ncpu);
	j_str(&j, "kernel", m->uts.sysname);
	j_str(&j, "release", m->uts.release);
	j_str(&j, "arch", m->uts.machine);
	j_str(&j, "clocksource", m->clocksource);
	j_str(&j, "counter", counter_kind(m));
	j_num(&j, "counter_hz", b->have_counter ? b->hz : NAN);
	j_str(&j, "counter_hz_from",
	    b->have_counter ? "measured against CLOCK_MONOTONIC" : NULL);
	j_str(&j, "library", tk_version());
	j_str(&j, "date", m->date_iso);
	j_close(&j, '}');
	j_str(&j, "source", m->source);
	j_int(&j, "rounds", b->rounds);
	j_int(&j, "calls", b->calls);
	j_int(&j, "samples", b->have_counter ? b->samples : 0);
	j_num(&j, "bracket_ns", b->have_counter ? b->bracket_ns : NAN);
	j_str(&j, "counter_read",
	    b->have_counter ? tool_counter_ordered_name() : NULL);
	j_open(&j, "results", '[');
	for (k = 0; k < NCAND; k++) {
		const struct cand *c = &b->c[k];

		if (!c->avail)
			continue;
		j_open(&j, NULL, '{');
		j_str(&j, "name", c->name);
		j_str(&j, "kind", kind_names[c->def->kind]);
		j_num(&j, "ns_per_call", c->med);
		j_num(&j, "min", c->min);
		j_num(&j, "max", c->max);
		j_num(&j, "ratio_vdso", c->r_vdso);
		j_num(&j, "ratio_counter", c->r_counter);
		j_num(&j, "p50", c->p50);
		j_num(&j, "p99", c->p99);
		j_num(&j, "p999", c->p999);
		j_close(&j, '}');
	}
	j_close(&j, ']');
	j_open(&j, "omitted", '[');
	for (k = 0; k < NCAND; k++) {
		if (b->c[k].avail)
			continue;
		j_open(&j, NULL, '{');
		j_str(&j, "name", b->c[k].name);
		j_str(&j, "reason", b->c[k].note);
		j_close(&j, '}');
	}
	j_close(&j, ']');
	j_open(&j, "threads", '[');
	for (lvl = 0; lvl < b->nthr; lvl++) {
		j_open(&j, NULL, '{');
		j_int(&j, "threads", lvl + 1);
		j_num(&j, "ns_per_call", b->thr_ns[lvl]);
		j_num(&j, "ratio", b->thr_ns[lvl] / b->thr_ns[0]);
		j_open(&j, "per_thread", '[');
		for (i = 0; i <= lvl; i++)
			j_num(&j, NULL, b->thr_per[lvl * b->nthr + i]);
		j_close(&j, ']');
		j_close(&j, '}');
	}
	j_close(&j, ']');
	j_bool(&j, "threads_pinned", !b->thr_pin_failed);
	j_close(&j, '}');
}

/* ---- timekeep bench --plot: an SVG written by hand -------------------- */

/*
 * Two panels, one row per candidate: the single-call latency distribution
 * (a p50..p99 box, a p99..p99.9 whisker, a dot at the loop's ns/call) on a
 * log scale, and ns/call relative to clock_gettime(MONOTONIC) as bars that
 * grow left (faster) or right (slower) from 1x, also on a log scale.  The
 * caption names the CPU, kernel, clocksource, source and date.
 */
#define SVG_W 1000.0
#define SVG_LX 300.0 /* left edge of the plot areas */
#define SVG_RX 960.0 /* right edge */
#define SVG_ROW 22.0

static void
svg_esc(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		default:
			if ((unsigned char)*s >= 0x20)
				fputc(*s, f);
		}
	}
}

static void
svg_text(FILE *f, double x, double y, const char *attrs, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" %s>", x, y, attrs);
	svg_esc(f, buf);
	fputs("</text>\n", f);
}

struct logscale {
	double lo, hi; /* the domain, both > 0 */
};

static double
lx(const struct logscale *s, double v)
{
	if (!(v > s->lo))
		v = s->lo;
	if (v > s->hi)
		v = s->hi;
	return SVG_LX +
	    (log(v) - log(s->lo)) / (log(s->hi) - log(s->lo)) *
	    (SVG_RX - SVG_LX);
}

/* Row stripes and labels for the available candidates, from y0. */
static void
svg_rows(FILE *f, const struct bench *b, double y0)
{
	int k, row = 0;

	for (k = 0; k < NCAND; k++) {
		const struct cand *c = &b->c[k];
		double y = y0 + row * SVG_ROW;

		if (!c->avail)
			continue;
		if (row % 2 == 0)
			fprintf(f,
			    "<rect x=\"10\" y=\"%.1f\" width=\"%.1f\" "
			    "height=\"%.1f\" fill=\"#f4f4f4\"/>\n",
			    y, SVG_RX - 10, SVG_ROW);
		svg_text(f, SVG_LX - 8, y + 15, "text-anchor=\"end\"", "%s",
		    c->name);
		row++;
	}
}

/* Vertical grid lines and tick labels for a log axis over [y0, y1]. */
static void
svg_axis(FILE *f, const struct logscale *s, double y0, double y1, int base,
    const char *unit)
{
	static const double steps10[] = { 1, 2, 5 };
	double e, v;
	int i;

	fprintf(f,
	    "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
	    "stroke=\"#333\"/>\n",
	    SVG_LX, y1, SVG_RX, y1);
	for (e = floor(log(s->lo) / log(base)) - 1;
	     e <= ceil(log(s->hi) / log(base)) + 1; e++) {
		for (i = 0; i < (base == 10 ? 3 : 1); i++) {
			v = (base == 10 ? steps10[i] : 1) * pow(base, e);
			if (v < s->lo * 0.999 || v > s->hi * 1.001)
				continue;
			fprintf(f,
			    "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
			    "y2=\"%.1f\" stroke=\"%s\"/>\n",
			    lx(s, v), y0, lx(s, v), y1,
			    v == 1 && base == 2 ? "#333" : "#ddd");
			svg_text(f, lx(s, v), y1 + 15,
			    "text-anchor=\"middle\" font-size=\"11\"", "%g%s",
			    v, unit);
		}
	}
}

static int
bench_svg(const struct bench *b, FILE *f)
{
	const struct machine *m = b->m;
	struct logscale ls = { INFINITY, 0 }, rs = { 1, 1 };
	double y0, y1, y2, y3, h, x, y;
	int k, row, n = 0;

	for (k = 0; k < NCAND; k++) {
		const struct cand *c = &b->c[k];
		double vals[4] = { c->med, c->p50, c->p99, c->p999 };
		int i;

		if (!c->avail)
			continue;
		n++;
		for (i = 0; i < 4; i++) {
			if (isfinite(vals[i]) && vals[i] > 0.05 &&
			    vals[i] < ls.lo)
				ls.lo = vals[i];
			if (isfinite(vals[i]) && vals[i] > ls.hi)
				ls.hi = vals[i];
		}
		if (isfinite(c->r_vdso) && c->r_vdso > 0) {
			rs.lo = fmin(rs.lo, c->r_vdso);
			rs.hi = fmax(rs.hi, c->r_vdso);
		}
	}
	if (!isfinite(ls.lo) || !(ls.hi > 0)) {
		ls.lo = 1;
		ls.hi = 1000;
	}
	ls.lo = pow(10, floor(log10(ls.lo)));
	ls.hi = pow(10, ceil(log10(ls.hi)));
	if (ls.hi < ls.lo * 10)
		ls.hi = ls.lo * 10;
	rs.lo = pow(2, floor(log2(rs.lo)));
	rs.hi = pow(2, ceil(log2(rs.hi)));
	if (rs.hi < rs.lo * 2)
		rs.hi = rs.lo * 2;

	y0 = 125;
	y1 = y0 + n * SVG_ROW;
	y2 = y1 + 110;
	y3 = y2 + n * SVG_ROW;
	h = y3 + 80;
	fprintf(f,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
	    "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
	    "font-family=\"sans-serif\" font-size=\"12\">\n",
	    SVG_W, h, SVG_W, h);
	fprintf(f, "<title>timekeep bench: %s, %s %s, source %s</title>\n",
	    "clock read cost", m->uts.sysname, m->uts.release, m->source);
	fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
	svg_text(f, 20, 28, "font-size=\"18\" font-weight=\"bold\"",
	    "timekeep bench: what one clock read costs");
	svg_text(f, 20, 48, "fill=\"#444\"",
	    "CPU: %s%s%s (%d CPUs)  |  "
	    "kernel: %s %s %s  |  clocksource: %s",
	    m->vendor, m->vendor[0] ? " " : "", m->model, m->ncpu,
	    m->uts.sysname, m->uts.release, m->uts.machine,
	    m->clocksource[0] ? m->clocksource : "unknown");
	svg_text(f, 20, 64, "fill=\"#444\"",
	    "timekeep %s, source: %s  |  %s  |  %ld rounds x %ld calls, "
	    "medians; %ld single-call samples per round",
	    tk_version(), m->source, m->date, b->rounds, b->calls,
	    b->have_counter ? b->samples : 0L);
	if (b->have_counter)
		svg_text(f, 20, 80, "fill=\"#444\"",
		    "single calls between %s reads less the empty bracket "
		    "(%.1f ns); %s at %.3f MHz measured against "
		    "CLOCK_MONOTONIC",
		    tool_counter_ordered_name(), b->bracket_ns, counter_kind(m),
		    b->hz / 1e6);

	/* Panel 1: latency distributions. */
	svg_text(f, 20, y0 - 15, "font-size=\"14\" font-weight=\"bold\"",
	    "Single-call latency (ns, log scale)");
	svg_rows(f, b, y0);
	svg_axis(f, &ls, y0, y1, 10, "");
	svg_text(f, (SVG_LX + SVG_RX) / 2, y1 + 32, "text-anchor=\"middle\"",
	    "nanoseconds per call (log scale)");
	for (k = 0, row = 0; k < NCAND; k++) {
		const struct cand *c = &b->c[k];

		if (!c->avail)
			continue;
		y = y0 + row++ * SVG_ROW + SVG_ROW / 2;
		if (isfinite(c->p50) && isfinite(c->p99)) {
			fprintf(f,
			    "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
			    "height=\"10\" fill=\"%s\" fill-opacity=\"0.45\" "
			    "stroke=\"%s\"/>\n",
			    lx(&ls, c->p50), y - 5,
			    fmax(lx(&ls, c->p99) - lx(&ls, c->p50), 1.5),
			    kind_colors[c->def->kind],
			    kind_colors[c->def->kind]);
			fprintf(f,
			    "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
			    "y2=\"%.1f\" stroke=\"%s\"/>\n"
			    "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
			    "y2=\"%.1f\" stroke=\"%s\"/>\n",
			    lx(&ls, c->p99), y, lx(&ls, c->p999), y,
			    kind_colors[c->def->kind], lx(&ls, c->p999), y - 4,
			    lx(&ls, c->p999), y + 4, kind_colors[c->def->kind]);
		}
		fprintf(f,
		    "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" "
		    "fill=\"#000\"/>\n",
		    lx(&ls, c->med), y);
	}
	/* Its legend. */
	y = y1 + 52;
	fprintf(f,
	    "<rect x=\"%.1f\" y=\"%.1f\" width=\"28\" height=\"10\" "
	    "fill=\"#888\" fill-opacity=\"0.45\" stroke=\"#888\"/>\n",
	    SVG_LX, y - 9);
	svg_text(f, SVG_LX + 34, y, "", "p50 to p99 of single calls");
	fprintf(f,
	    "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
	    "stroke=\"#888\"/>\n",
	    SVG_LX + 220, y - 4, SVG_LX + 248, y - 4);
	svg_text(f, SVG_LX + 254, y, "", "p99 to p99.9");
	fprintf(f,
	    "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"#000\"/>\n",
	    SVG_LX + 370, y - 4);
	svg_text(f, SVG_LX + 380, y, "", "median ns/call of the call loop");
	if (!b->have_counter)
		svg_text(f, SVG_LX, y + 16, "fill=\"#a00\"",
		    "no latency percentiles: %s", counter_note);

	/* Panel 2: ratios to the vDSO. */
	svg_text(f, 20, y2 - 15, "font-size=\"14\" font-weight=\"bold\"",
	    "Cost relative to clock_gettime(MONOTONIC) through the vDSO "
	    "(log scale)");
	svg_rows(f, b, y2);
	svg_axis(f, &rs, y2, y3, 2, "x");
	svg_text(f, (SVG_LX + SVG_RX) / 2, y3 + 32, "text-anchor=\"middle\"",
	    "ns/call over clock_gettime(MONOTONIC) ns/call: left of 1x is "
	    "faster, right is slower");
	for (k = 0, row = 0; k < NCAND; k++) {
		const struct cand *c = &b->c[k];
		double x1;

		if (!c->avail)
			continue;
		y = y2 + row++ * SVG_ROW + SVG_ROW / 2;
		if (!isfinite(c->r_vdso))
			continue;
		x = lx(&rs, 1);
		x1 = lx(&rs, c->r_vdso);
		fprintf(f,
		    "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"12\" "
		    "fill=\"%s\"/>\n",
		    fmin(x, x1), y - 6, fmax(fabs(x1 - x), 1.5),
		    kind_colors[c->def->kind]);
		svg_text(f, x1 < x ? x1 - 4 : x1 + 4, y + 4,
		    x1 < x ? "text-anchor=\"end\" font-size=\"11\""
		           : "font-size=\"11\"",
		    "%.2fx", c->r_vdso);
	}
	/* Its legend: the colours. */
	y = y3 + 52;
	for (k = 0, x = SVG_LX; k < 4; k++, x += 150) {
		fprintf(f,
		    "<rect x=\"%.1f\" y=\"%.1f\" width=\"14\" height=\"10\" "
		    "fill=\"%s\"/>\n",
		    x, y - 9, kind_colors[k]);
		svg_text(f, x + 20, y, "", "%s", kind_names[k]);
	}
	fputs("</svg>\n", f);
	if (fclose(f) != 0)
		return -errno;
	return 0;
}

static void
bench_free(struct bench *b)
{
	int k;

	for (k = 0; k < NCAND; k++) {
		free(b->c[k].ns);
		free(b->c[k].lat);
	}
	free(b->empty);
	free(b->thr);
	free(b->thr_ns);
	free(b->thr_per);
	free(b->m);
	free(b);
}

static void
bench_help(void)
{
	printf(
	    "usage: timekeep bench [--rounds N] [--calls N] [--samples N] "
	    "[--threads N]\n"
	    "                      [--plot FILE.svg] [--json]\n"
	    "\n"
	    "Measure every clock read side by side in one run: tk_nanotime, "
	    "tk_nanotime_relaxed,\n"
	    "tk_walltime, tk_clock_gettime (MONOTONIC, REALTIME), glibc "
	    "clock_gettime\n"
	    "(MONOTONIC, REALTIME, MONOTONIC_COARSE, REALTIME_COARSE), the "
	    "raw system call,\n"
	    "and bare ordered and relaxed counter reads.  Each round runs "
	    "every candidate,\n"
	    "in an order shuffled per round, for N calls timed by the "
	    "thread's CPU time\n"
	    "(time preempted by other processes is not counted); ns/call "
	    "is the median over rounds\n"
	    "(min and max too), with its ratio to clock_gettime(MONOTONIC) "
	    "(the vDSO) and\n"
	    "to the ordered counter read.  Single-call p50/p99/p99.9 come "
	    "from calls between\n"
	    "two ordered counter reads, less an empty bracket, converted "
	    "with the counter\n"
	    "frequency measured against CLOCK_MONOTONIC.  Then 1..N threads, "
	    "each pinned to\n"
	    "a CPU and looping tk_nanotime: ns/call per thread and the ratio "
	    "to one thread.\n"
	    "A candidate that cannot run here is left out with a note.\n"
	    "\n"
	    "  --rounds N    rounds (default 21)\n"
	    "  --calls N     calls per candidate per round (default 50000)\n"
	    "  --samples N   single-call samples per candidate per round "
	    "(default 1000)\n"
	    "  --threads N   thread scaling up to N threads (default: the "
	    "CPUs, %d here)\n"
	    "  --plot FILE   also write an SVG of the latencies and "
	    "ratios to FILE\n"
	    "  --json        JSON: machine, source, rounds, results [{name, "
	    "ns_per_call,\n"
	    "                min, max, ratio_vdso, ratio_counter, p50, p99, "
	    "p999}],\n"
	    "                threads [{threads, ns_per_call, ratio, "
	    "per_thread}]\n"
	    "  -h, --help    this text\n",
	    (int)sysconf(_SC_NPROCESSORS_ONLN));
}

static int
cmd_bench(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "rounds", required_argument, NULL, 'r' },
		{ "calls", required_argument, NULL, 'n' },
		{ "samples", required_argument, NULL, 's' },
		{ "threads", required_argument, NULL, 't' },
		{ "plot", required_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct bench *b = xcalloc(1, sizeof(*b));
	struct cpair p0 = { 0, 0 }, p1;
	uint64_t seed = 0x9e3779b97f4a7c15ull; /* 2^64 / golden ratio */
	FILE *plot = NULL;
	int c, k, err, rc = 0;
	long r;

	b->rounds = 21;
	b->calls = 50000;
	b->samples = 1000;
	while ((c = getopt_long(argc, argv, ":hj", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			b->rounds = parse_long("--rounds", optarg, 1, 10000);
			break;
		case 'n':
			b->calls = parse_long("--calls", optarg, 1, 100000000);
			break;
		case 's':
			b->samples = parse_long("--samples", optarg, 1, 100000);
			break;
		case 't':
			b->maxthreads =
			    parse_long("--threads", optarg, 1, CPU_SETSIZE);
			break;
		case 'p':
			if (optarg[0] == '\0')
				usage_error("--plot wants a file name");
			b->plot = optarg;
			break;
		case 'j':
			b->json = 1;
			break;
		case 'h':
			bench_help();
			bench_free(b);
			return 0;
		default:
			bad_option(c, argv);
		}
	}
	no_operands(argc, argv);
	if (b->rounds * b->samples > 20000000L)
		usage_error("--rounds x --samples is above 20000000");
	if (b->plot != NULL && (plot = fopen(b->plot, "we")) == NULL) {
		fprintf(stderr, "timekeep: bench: cannot write %s: %s\n",
		    b->plot, strerror(errno));
		bench_free(b);
		return 1;
	}

	b->m = xcalloc(1, sizeof(*b->m));
	machine_load(b->m);
	b->nthr = b->maxthreads > 0 ? (int)b->maxthreads : b->m->ncpu;
	b->have_counter = counter_usable();
	b->progress = isatty(STDERR_FILENO);
	for (k = 0; k < NCAND; k++)
		cand_setup(b, &b->c[k], &cand_defs[k]);
	if (b->have_counter)
		b->empty =
		    xcalloc((size_t)(b->rounds * b->samples), sizeof(uint64_t));

	/* Warm up: the library chooses its source, caches fill. */
	for (k = 0; k < NCAND; k++)
		if (b->c[k].avail)
			b->c[k].def->loop((uint64_t)b->calls / 8 + 1);
	if (b->have_counter)
		p0 = counter_pair();
	for (r = 0; r < b->rounds; r++) {
		progress(b, "round", r + 1, b->rounds);
		bench_round(b, r, &seed);
	}
	err = bench_threads(b);
	if (b->progress)
		fputs("\r\033[K", stderr);
	if (err != 0) {
		fprintf(stderr, "timekeep: bench: cannot start threads: %s\n",
		    strerror(err));
		rc = 1;
		goto out;
	}
	if (b->have_counter) {
		p1 = counter_pair();
		if (p1.ns - p0.ns < 20 * NS_PER_MS) {
			sleep_ns(20 * NS_PER_MS - (p1.ns - p0.ns));
			p1 = counter_pair();
		}
		b->hz = pair_hz(p0, p1);
		if (!isfinite(b->hz)) {
			b->have_counter = 0;
			snprintf(counter_note, sizeof(counter_note),
			    "the counter did not advance against "
			    "CLOCK_MONOTONIC");
		}
	}
	bench_stats(b);
	if (b->json)
		bench_json(b);
	else
		bench_print(b);
	if (plot != NULL) {
		err = bench_svg(b, plot);
		plot = NULL;
		if (err != 0) {
			fprintf(stderr,
			    "timekeep: bench: cannot write %s: %s\n", b->plot,
			    strerror(-err));
			rc = 1;
		} else if (!b->json) {
			printf("\nplot written to %s\n", b->plot);
		}
	}
out:
	if (plot != NULL)
		fclose(plot);
	bench_free(b);
	return rc;
}

/* ---- timekeep check --------------------------------------------------- */

/*
 * The bounds, documented in check_help().  OFFSET: tk_nanotime against
 * the kernel's CLOCK_MONOTONIC; the own tsc timehands absorb their error
 * by a bounded change of rate between windups (DESIGN decision 5), so a
 * healthy source stays well inside a microsecond.  REALTIME: a step of the
 * kernel's realtime clock shows in tk_walltime within one windup interval
 * (DESIGN decision 7); 20 ms leaves room for that interval.
 */
#define BOUND_OFFSET_MAX_NS (10 * NS_PER_US)
#define BOUND_OFFSET_P99_NS (1 * NS_PER_US)
#define BOUND_REALTIME_NS (20 * NS_PER_MS)
#define NOSYSCALL_ROUNDS 100000

enum status { ST_PASS, ST_FAIL, ST_SKIP };
static const char *const status_names[] = { "PASS", "FAIL", "SKIP" };

#define CHECK_MAX_X 10

struct check {
	const char *name;
	enum status status;
	char detail[640];
	int nx; /* extra numbers for --json */
	const char *xkey[CHECK_MAX_X];
	double xval[CHECK_MAX_X];
};

static void
check_set(struct check *c, enum status st, const char *fmt, ...)
{
	va_list ap;

	c->status = st;
	va_start(ap, fmt);
	vsnprintf(c->detail, sizeof(c->detail), fmt, ap);
	va_end(ap);
}

static void
check_x(struct check *c, const char *key, double v)
{
	if (c->nx < CHECK_MAX_X) {
		c->xkey[c->nx] = key;
		c->xval[c->nx++] = v;
	}
}

/*
 * Source sanity: exactly one source is chosen, it is the one tk_source()
 * names, it is usable, and it is the first usable one from where the
 * search starts (the top, or the source TIMEKEEP_SOURCE names); the last
 * source is the system call and is always usable (STYLE 11).
 */
static void
check_source(struct check *c)
{
	struct tk_source_info s[MAX_SOURCES];
	const char *name = tk_source(), *env = getenv("TIMEKEEP_SOURCE");
	char list[256] = "";
	int n = tk_sources(s, MAX_SOURCES), i, nchosen = 0, chosen = -1;
	int start = 0, expect = -1;
	size_t len;

	c->name = "source";
	if (n <= 0 || n > MAX_SOURCES) {
		check_set(c, ST_FAIL, "tk_sources() returned %d", n);
		return;
	}
	for (i = 0; i < n; i++) {
		if (s[i].chosen) {
			nchosen++;
			chosen = i;
		}
		if (s[i].name == NULL || s[i].reason == NULL ||
		    s[i].reason[0] == '\0') {
			check_set(c, ST_FAIL, "source %d (%s) gives no reason",
			    i, s[i].name != NULL ? s[i].name : "unnamed");
			return;
		}
		len = strlen(list);
		snprintf(list + len, sizeof(list) - len, "%s%s %s",
		    i ? ", " : "", s[i].name, s[i].usable ? "usable" : "not");
	}
	if (nchosen != 1) {
		check_set(c, ST_FAIL, "%d sources are marked chosen (%s)",
		    nchosen, list);
		return;
	}
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
	if (env != NULL && env[0] != '\0') {
		len = strcspn(env, ":");
		for (i = 0; i < n; i++)
			if (strlen(s[i].name) == len &&
			    strncmp(s[i].name, env, len) == 0)
				start = i;
	}
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

/* The [vdso] mapping of this process, from /proc/self/maps: 0 or -1. */
static int
vdso_mapping(uintptr_t *lo, uintptr_t *hi)
{
	char line[512];
	unsigned long a, z;
	FILE *f = fopen("/proc/self/maps", "re");
	int found = -1;

	if (f == NULL)
		return -1;
	while (found < 0 && fgets(line, sizeof(line), f) != NULL)
		if (strstr(line, "[vdso]") != NULL &&
		    sscanf(line, "%lx-%lx", &a, &z) == 2) {
			*lo = (uintptr_t)a;
			*hi = (uintptr_t)z;
			found = 0;
		}
	fclose(f);
	return found;
}

typedef int (*vdso_cgt_fn)(clockid_t, struct timespec *);

/*
 * In a forked child (a wrong offset may crash): call the vDSO's
 * clock_gettime at base + offset, each call between two system calls, and
 * require syscall <= vDSO <= syscall for MONOTONIC and REALTIME.  One line
 * goes back through fd: "ok" or what went wrong.
 */
static void
vdso_child(int fd, vdso_cgt_fn fn)
{
	static const clockid_t ids[] = { CLOCK_MONOTONIC, CLOCK_REALTIME };
	struct timespec a, v, z;
	char msg[256] = "ok";
	int i, k, r;

	for (k = 0; k < 2 && strcmp(msg, "ok") == 0; k++) {
		for (i = 0; i < 1000; i++) {
			syscall(SYS_clock_gettime, ids[k], &a);
			r = fn(ids[k], &v);
			syscall(SYS_clock_gettime, ids[k], &z);
			if (r != 0) {
				snprintf(msg, sizeof(msg),
				    "it returned %d for clock %d", r,
				    (int)ids[k]);
				break;
			}
			if (ts_ns(&v) < ts_ns(&a) || ts_ns(&v) > ts_ns(&z)) {
				snprintf(msg, sizeof(msg),
				    "clock %d: it read %" PRId64
				    " ns outside the system call's "
				    "[%" PRId64 ", %" PRId64 "]",
				    (int)ids[k], ts_ns(&v), ts_ns(&a),
				    ts_ns(&z));
				break;
			}
		}
	}
	if (write(fd, msg, strlen(msg)) < 0)
		_exit(3);
	_exit(strcmp(msg, "ok") == 0 ? 0 : 1);
}

/*
 * vDSO sanity: the kernel mapped one (AT_SYSINFO_EHDR) exactly when
 * timekeep found one; every symbol timekeep resolved lies inside the
 * [vdso] mapping; and its clock_gettime, called at base + offset, agrees
 * with the system call.
 */
static void
check_vdso(struct check *c)
{
	struct tk_vdso_symbol syms[MAX_VDSO_SYMS];
	uintptr_t base = (uintptr_t)getauxval(AT_SYSINFO_EHDR), lo = 0, hi = 0;
	int n = tk_vdso_symbols(syms, MAX_VDSO_SYMS), i, cgt = -1, fd[2], st;
	char msg[256];
	ssize_t got;
	pid_t pid;

	c->name = "vdso";
	if (n > MAX_VDSO_SYMS)
		n = MAX_VDSO_SYMS;
	if (base == 0 && n <= 0) {
		check_set(c, ST_SKIP, "no vDSO in this process (%s)",
		    n == -ENOENT ? "none mapped, none found"
		                 : "tk_vdso_symbols failed");
		return;
	}
	if (base == 0) {
		check_set(c, ST_FAIL,
		    "timekeep lists %d vDSO symbols but the kernel mapped no "
		    "vDSO (AT_SYSINFO_EHDR is 0)",
		    n);
		return;
	}
	if (n <= 0) {
		check_set(c, ST_FAIL,
		    "the kernel mapped a vDSO at %#lx but timekeep found no "
		    "symbol in it (tk_vdso_symbols: %d)",
		    (unsigned long)base, n);
		return;
	}
	if (vdso_mapping(&lo, &hi) != 0 || base < lo || base >= hi) {
		lo = 0; /* no /proc/self/maps: no range to test against */
		hi = UINTPTR_MAX;
	}
	for (i = 0; i < n; i++) {
		if (syms[i].name == NULL || syms[i].offset == 0 ||
		    base + syms[i].offset < lo || base + syms[i].offset >= hi) {
			check_set(c, ST_FAIL,
			    "symbol %s at offset %#" PRIx64
			    " does not lie inside the [vdso] mapping (base "
			    "%#lx, %#lx bytes)",
			    syms[i].name != NULL ? syms[i].name : "(null)",
			    syms[i].offset, (unsigned long)base,
			    (unsigned long)(hi - base));
			return;
		}
		if (strcmp(syms[i].name, "__vdso_clock_gettime") == 0 ||
		    strcmp(syms[i].name, "__kernel_clock_gettime") == 0)
			cgt = i;
	}
	check_x(c, "symbols", n);
	if (cgt < 0) {
		check_set(c, ST_PASS,
		    "%d symbols inside the [vdso] mapping; no clock_gettime "
		    "among them to compare",
		    n);
		return;
	}
	fflush(NULL);
	if (pipe(fd) != 0 || (pid = fork()) < 0) {
		check_set(c, ST_SKIP, "cannot fork to call the vDSO: %s",
		    strerror(errno));
		return;
	}
	if (pid == 0) {
		close(fd[0]);
		vdso_child(
		    fd[1], (vdso_cgt_fn)(base + (uintptr_t)syms[cgt].offset));
	}
	close(fd[1]);
	got = read(fd[0], msg, sizeof(msg) - 1);
	msg[got > 0 ? got : 0] = '\0';
	close(fd[0]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (WIFSIGNALED(st))
		check_set(c, ST_FAIL,
		    "calling %s at vDSO base + %#" PRIx64
		    " killed the child with signal %d",
		    syms[cgt].name, syms[cgt].offset, WTERMSIG(st));
	else if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		check_set(c, ST_FAIL, "%s at vDSO base + %#" PRIx64 ": %s",
		    syms[cgt].name, syms[cgt].offset, msg);
	else
		check_set(c, ST_PASS,
		    "%d symbols inside the [vdso] mapping at %#lx; %s at + "
		    "%#" PRIx64 " agrees with the system call "
		    "(MONOTONIC, REALTIME, 1000 brackets each)",
		    n, (unsigned long)base, syms[cgt].name, syms[cgt].offset);
}

/*
 * Every clock id through tk_clock_gettime against the system call: the
 * same result code, and a time within the class bound of the system
 * call's bracket (monotonic clocks BOUND_OFFSET_MAX_NS, realtime ones
 * BOUND_REALTIME_NS, plus a coarse clock's resolution).
 */
static void
check_clock_ids(struct check *c)
{
	clockid_t ids[24];
	struct timespec a, t, z, res;
	int64_t worst_mono = 0, worst_real = 0, out, bound;
	int n = 0, i, rs, rt, ok = 0, rejected = 0;
	clockid_t cpu;

	c->name = "clock ids";
	for (i = 0; i < 16; i++)
		ids[n++] = i;
	ids[n++] = -1;
	ids[n++] = INT_MAX;
	ids[n++] = INT_MIN;
	if (clock_getcpuclockid(getpid(), &cpu) == 0)
		ids[n++] = cpu;
	if (pthread_getcpuclockid(pthread_self(), &cpu) == 0)
		ids[n++] = cpu;
	for (i = 0; i < n; i++) {
		int realtime = ids[i] == CLOCK_REALTIME ||
		    ids[i] == CLOCK_REALTIME_COARSE || ids[i] == CLOCK_TAI ||
		    ids[i] == CLOCK_REALTIME_ALARM;

		rs = syscall(SYS_clock_gettime, ids[i], &a) == 0 ? 0 : -errno;
		rt = tk_clock_gettime(ids[i], &t);
		syscall(SYS_clock_gettime, ids[i], &z);
		if (rs != rt) {
			check_set(c, ST_FAIL,
			    "clock id %d: the system call gives %d (%s), "
			    "tk_clock_gettime %d (%s)",
			    (int)ids[i], rs, rs ? strerror(-rs) : "ok", rt,
			    rt < 0 ? strerror(-rt) : "ok");
			return;
		}
		if (rs != 0) {
			rejected++;
			continue;
		}
		ok++;
		out = 0; /* how far outside [a, z] the read lies */
		if (ts_ns(&t) < ts_ns(&a))
			out = ts_ns(&a) - ts_ns(&t);
		else if (ts_ns(&t) > ts_ns(&z))
			out = ts_ns(&t) - ts_ns(&z);
		bound = realtime ? BOUND_REALTIME_NS : BOUND_OFFSET_MAX_NS;
		if (syscall(SYS_clock_getres, ids[i], &res) == 0 &&
		    ts_ns(&res) > 1000)
			bound += ts_ns(&res);
		if (out > bound) {
			check_set(c, ST_FAIL,
			    "clock id %d: tk_clock_gettime read %" PRId64
			    " ns, %" PRId64
			    " ns outside the system call's bracket "
			    "(bound %" PRId64 " ns)",
			    (int)ids[i], ts_ns(&t), out, bound);
			return;
		}
		if (realtime && out > worst_real)
			worst_real = out;
		if (!realtime && out > worst_mono)
			worst_mono = out;
	}
	check_x(c, "ids", n);
	check_x(c, "worst_monotonic_ns", (double)worst_mono);
	check_x(c, "worst_realtime_ns", (double)worst_real);
	check_set(c, ST_PASS,
	    "%d ids: %d read, %d rejected, each as the system call does; "
	    "farthest outside its bracket %" PRId64 " ns (monotonic "
	    "clocks), %" PRId64 " ns (realtime clocks)",
	    n, ok, rejected, worst_mono, worst_real);
}

/* ---- check: monotonic across CPUs ------------------------------------- */

struct mono_shared {
	_Atomic int64_t stamp; /* the latest tk_nanotime() seen anywhere */
	atomic_int owner; /* the thread that stored it (statistics) */
	atomic_int ready;
	int n;
	int64_t end_ns;
};

struct mono_thread {
	struct mono_shared *sh;
	int idx, cpu, pin_err;
	pthread_t th;
	uint64_t reads, handoffs, inversions;
	int64_t worst; /* the largest step back seen, ns */
};

/*
 * Each thread, pinned to its CPU: load the stamp (acquire), read
 * tk_nanotime() (ordered: its counter read cannot be taken before that
 * load), require it to be >= the stamp, then raise the stamp to it with a
 * release CAS.  The acquire load pairs with the release CAS of whichever
 * thread stored the stamp, so that thread's read happened before ours.
 */
static void *
mono_main(void *p)
{
	struct mono_thread *t = p;
	struct mono_shared *sh = t->sh;
	int64_t prev, now, cur;
	unsigned i = 0;
	int who;

	t->pin_err = pin_to(t->cpu);
	atomic_fetch_add(&sh->ready, 1);
	while (atomic_load(&sh->ready) < sh->n)
		;
	for (;;) {
		who = atomic_load_explicit(&sh->owner, memory_order_relaxed);
		/* Acquire: pairs with the release CAS below, other threads. */
		prev = atomic_load_explicit(&sh->stamp, memory_order_acquire);
		now = tk_nanotime();
		t->reads++;
		if (who != t->idx)
			t->handoffs++;
		if (now < prev) {
			t->inversions++;
			if (prev - now > t->worst)
				t->worst = prev - now;
		}
		cur = prev;
		while (now > cur) {
			/* Release: pairs with the acquire load above. */
			if (atomic_compare_exchange_weak_explicit(&sh->stamp,
			        &cur, now, memory_order_release,
			        memory_order_relaxed)) {
				atomic_store_explicit(
				    &sh->owner, t->idx, memory_order_relaxed);
				break;
			}
		}
		if ((++i & 1023) == 0 && mono_ns() >= sh->end_ns)
			break;
	}
	return NULL;
}

static void
check_monotonic(struct check *c, const struct machine *m, double seconds)
{
	struct mono_shared *sh = xcalloc(1, sizeof(*sh));
	struct mono_thread *t = xcalloc((size_t)m->ncpu, sizeof(*t));
	uint64_t reads = 0, handoffs = 0, inv = 0;
	int64_t worst = 0;
	int i, started = 0, unpinned = 0, err = 0;

	c->name = "monotonic";
	atomic_init(&sh->stamp, INT64_MIN);
	atomic_init(&sh->owner, -1);
	atomic_init(&sh->ready, 0);
	sh->n = m->ncpu;
	sh->end_ns = mono_ns() + (int64_t)(seconds * 1e9);
	for (i = 0; i < m->ncpu; i++) {
		t[i].sh = sh;
		t[i].idx = i;
		t[i].cpu = m->cpus[i];
		err = pthread_create(&t[i].th, NULL, mono_main, &t[i]);
		if (err != 0)
			break;
		started++;
	}
	if (err != 0)
		atomic_fetch_add(&sh->ready, m->ncpu - started);
	for (i = 0; i < started; i++) {
		pthread_join(t[i].th, NULL);
		reads += t[i].reads;
		handoffs += t[i].handoffs;
		inv += t[i].inversions;
		if (t[i].worst > worst)
			worst = t[i].worst;
		unpinned += t[i].pin_err != 0;
	}
	check_x(c, "cpus", started);
	check_x(c, "reads", (double)reads);
	check_x(c, "handoffs", (double)handoffs);
	check_x(c, "inversions", (double)inv);
	check_x(c, "worst_ns", (double)worst);
	if (err != 0)
		check_set(c, ST_FAIL, "cannot start a thread per CPU: %s",
		    strerror(err));
	else if (inv > 0)
		check_set(c, ST_FAIL,
		    "tk_nanotime went backwards %" PRIu64 " times across "
		    "%d CPUs (worst %" PRId64 " ns) in %" PRIu64 " reads",
		    inv, started, worst, reads);
	else
		check_set(c, ST_PASS,
		    "%" PRIu64 " tk_nanotime reads on %d CPU%s%s, %" PRIu64
		    " of them after a stamp from another CPU, none below it",
		    reads, started, started == 1 ? "" : "s",
		    unpinned ? " (some threads unpinned)" : " (pinned)",
		    handoffs);
	free(t);
	free(sh);
}

/* ---- check: offsets to the kernel clocks ------------------------------ */

/* The narrowest of 8 brackets: kernel / timekeep / kernel. */
static double
bracket(int real, double *width)
{
	struct timespec a, z;
	int64_t t, bw = INT64_MAX, off = 0, sec;
	int32_t nsec;
	int i;

	for (i = 0; i < 8; i++) {
		clock_gettime(real ? CLOCK_REALTIME : CLOCK_MONOTONIC, &a);
		if (real) {
			tk_walltime(&sec, &nsec);
			t = sec * TK_NSEC_PER_SEC + nsec;
		} else {
			t = tk_nanotime();
		}
		clock_gettime(real ? CLOCK_REALTIME : CLOCK_MONOTONIC, &z);
		if (ts_ns(&z) - ts_ns(&a) < bw) {
			bw = ts_ns(&z) - ts_ns(&a);
			off = t - (ts_ns(&a) + bw / 2);
		}
	}
	*width = (double)bw;
	return (double)off;
}

static void
check_offsets(struct check *cm, struct check *cr, double seconds)
{
	size_t cap = (size_t)(seconds * 3000) + 16, n = 0;
	double *mo = xcalloc(cap, sizeof(double));
	double *ro = xcalloc(cap, sizeof(double));
	double *w = xcalloc(cap, sizeof(double));
	double sum = 0, width, p50, p99, mx, rmax, w50;
	const char *why = "";
	int64_t end = mono_ns() + (int64_t)(seconds * 1e9);

	cm->name = "offset";
	cr->name = "realtime";
	while (n < cap && (n < 16 || mono_ns() < end)) {
		mo[n] = bracket(0, &w[n]);
		ro[n] = bracket(1, &width);
		sum += mo[n];
		mo[n] = fabs(mo[n]);
		ro[n] = fabs(ro[n]);
		n++;
		sleep_ns(400 * NS_PER_US);
	}
	qsort(mo, n, sizeof(double), cmp_double);
	qsort(ro, n, sizeof(double), cmp_double);
	qsort(w, n, sizeof(double), cmp_double);
	p50 = quantile(mo, n, 0.5);
	p99 = quantile(mo, n, 0.99);
	mx = mo[n - 1];
	rmax = ro[n - 1];
	w50 = quantile(w, n, 0.5);
	check_x(cm, "samples", (double)n);
	check_x(cm, "p50_ns", p50);
	check_x(cm, "p99_ns", p99);
	check_x(cm, "max_ns", mx);
	check_x(cm, "mean_signed_ns", sum / (double)n);
	check_x(cm, "bracket_p50_ns", w50);
	check_x(cm, "bound_p99_ns", (double)BOUND_OFFSET_P99_NS);
	check_x(cm, "bound_max_ns", (double)BOUND_OFFSET_MAX_NS);
	if (mx > BOUND_OFFSET_MAX_NS)
		why = "; max above the 10 us bound";
	else if (p99 > BOUND_OFFSET_P99_NS)
		why = "; p99 above the 1 us bound";
	check_set(cm, why[0] != '\0' ? ST_FAIL : ST_PASS,
	    "|tk_nanotime - CLOCK_MONOTONIC| over %.1f s, %zu samples: "
	    "p50 %.0f ns, p99 %.0f ns, max %.0f ns, mean %+.0f ns "
	    "(brackets %.0f ns wide)%s",
	    seconds, n, p50, p99, mx, sum / (double)n, w50, why);
	check_x(cr, "samples", (double)n);
	check_x(cr, "p50_ns", quantile(ro, n, 0.5));
	check_x(cr, "max_ns", rmax);
	check_x(cr, "bound_ns", (double)BOUND_REALTIME_NS);
	check_set(cr, rmax > BOUND_REALTIME_NS ? ST_FAIL : ST_PASS,
	    "|tk_walltime - CLOCK_REALTIME|: p50 %.0f ns, max %.0f ns%s",
	    quantile(ro, n, 0.5), rmax,
	    rmax > BOUND_REALTIME_NS ? "; above the 20 ms bound"
	                             : " (bound 20 ms)");
	free(mo);
	free(ro);
	free(w);
}

/* ---- check: no system call on the fast path --------------------------- */

#ifdef TOOL_AUDIT_ARCH
/*
 * In the child: a filter that kills the process on the time system calls
 * (clock_gettime, gettimeofday, clock_getres, time) and allows everything
 * else; a foreign audit arch is allowed (it cannot be ours).
 */
static int
nosyscall_filter(void)
{
	static const long nrs[] = {
		SYS_clock_gettime,
		SYS_clock_getres,
#ifdef SYS_gettimeofday
		SYS_gettimeofday,
#endif
#ifdef SYS_time
		SYS_time,
#endif
	};
	enum { NNR = sizeof(nrs) / sizeof(nrs[0]) };
	struct sock_filter f[4 + NNR + 2];
	struct sock_fprog prog;
	unsigned i, k = 0;

	f[k++] = (struct sock_filter)BPF_STMT(
	    BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
	f[k++] = (struct sock_filter)BPF_JUMP(
	    BPF_JMP | BPF_JEQ | BPF_K, TOOL_AUDIT_ARCH, 1, 0);
	f[k++] =
	    (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	f[k++] = (struct sock_filter)BPF_STMT(
	    BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
	for (i = 0; i < NNR; i++)
		f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
		    (uint32_t)nrs[i], (uint8_t)(NNR - i), 0);
	f[k++] =
	    (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
#ifdef SECCOMP_RET_KILL_PROCESS
	f[k++] = (struct sock_filter)BPF_STMT(
	    BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
#else
	f[k++] =
	    (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL);
#endif
	prog.len = (unsigned short)k;
	prog.filter = f;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return -errno;
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0)
		return -errno;
	return 0;
}

static void
nosyscall_child(int fd)
{
	struct rlimit nocore = { 0, 0 };
	struct timespec ts;
	struct tk_bintime bt;
	int64_t prev = INT64_MIN, now, sec;
	int32_t nsec;
	char msg[160];
	int i, err;

	setrlimit(RLIMIT_CORE, &nocore);
	err = nosyscall_filter();
	if (err != 0) {
		snprintf(msg, sizeof(msg),
		    "cannot install a seccomp filter: %s", strerror(-err));
		if (write(fd, msg, strlen(msg)) < 0)
			_exit(3);
		_exit(3);
	}
	for (i = 0; i < NOSYSCALL_ROUNDS; i++) {
		now = tk_nanotime();
		if (now < prev)
			_exit(4);
		prev = now;
		(void)tk_nanotime_relaxed();
		tk_walltime(&sec, &nsec);
		(void)tk_clock_gettime(CLOCK_MONOTONIC, &ts);
		(void)tk_clock_gettime(CLOCK_REALTIME, &ts);
		(void)tk_binuptime(&bt);
		(void)tk_bintime(&bt);
	}
	_exit(0);
}
#endif /* TOOL_AUDIT_ARCH */

static void
check_nosyscall(struct check *c, const char *source)
{
	c->name = "no syscall";
	if (strcmp(source, "syscall") == 0) {
		const char *env = getenv("TIMEKEEP_SOURCE");

		check_set(c, ST_SKIP, "the chosen source is the system call %s",
		    env != NULL && env[0] != '\0'
		        ? "(TIMEKEEP_SOURCE chose it)"
		        : "(timekeep info says why nothing faster is usable)");
		return;
	}
#ifndef TOOL_AUDIT_ARCH
	check_set(c, ST_SKIP, "the tool has no seccomp arch for %s", TOOL_ARCH);
#else
	{
		char msg[160];
		ssize_t got;
		pid_t pid;
		int fd[2], st;

		fflush(NULL);
		if (pipe(fd) != 0 || (pid = fork()) < 0) {
			check_set(
			    c, ST_SKIP, "cannot fork: %s", strerror(errno));
			return;
		}
		if (pid == 0) {
			close(fd[0]);
			nosyscall_child(fd[1]);
		}
		close(fd[1]);
		got = read(fd[0], msg, sizeof(msg) - 1);
		msg[got > 0 ? got : 0] = '\0';
		close(fd[0]);
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
		check_x(c, "rounds", NOSYSCALL_ROUNDS);
		if (WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS)
			check_set(c, ST_FAIL,
			    "a clock read made a time system call: the child "
			    "under a seccomp filter that kills on "
			    "clock_gettime/gettimeofday/clock_getres/time died "
			    "of SIGSYS (source %s; kernel clocksource not "
			    "vDSO-capable?)",
			    source);
		else if (WIFSIGNALED(st))
			check_set(c, ST_FAIL, "the child died of signal %d",
			    WTERMSIG(st));
		else if (WIFEXITED(st) && WEXITSTATUS(st) == 3)
			check_set(c, ST_SKIP, "%s", msg);
		else if (WIFEXITED(st) && WEXITSTATUS(st) == 4)
			check_set(c, ST_FAIL,
			    "tk_nanotime went backwards in the child");
		else if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			check_set(c, ST_FAIL, "the child exited with status %d",
			    WIFEXITED(st) ? WEXITSTATUS(st) : -1);
		else
			check_set(c, ST_PASS,
			    "%d rounds of tk_nanotime, _relaxed, tk_walltime, "
			    "tk_clock_gettime(MONOTONIC, REALTIME), "
			    "tk_binuptime, tk_bintime under a seccomp filter "
			    "that kills on clock_gettime, gettimeofday, "
			    "clock_getres and time",
			    NOSYSCALL_ROUNDS);
	}
#endif
}

static void
check_help(void)
{
	printf(
	    "usage: timekeep check [--seconds N] [--json]\n"
	    "\n"
	    "Check this machine's clocks through timekeep and give a "
	    "verdict.  Each line is\n"
	    "PASS, FAIL or SKIP, a name and the details; a failing line "
	    "says why.\n"
	    "\n"
	    "  source      exactly one source is chosen, tk_source() names "
	    "it, it is usable,\n"
	    "              and it is the first usable one (from "
	    "TIMEKEEP_SOURCE if set)\n"
	    "  vdso        the kernel mapped a vDSO exactly when timekeep "
	    "found one; its\n"
	    "              symbols lie inside the mapping; its "
	    "clock_gettime, called at\n"
	    "              base + offset, reads between two system calls\n"
	    "  clock ids   tk_clock_gettime gives the system call's result "
	    "for ids 0..15,\n"
	    "              -1, INT_MAX, INT_MIN and the CPU-time clocks, "
	    "within 10 us of its\n"
	    "              bracket (realtime clocks 20 ms; coarse clocks "
	    "plus their resolution)\n"
	    "  monotonic   one thread pinned to each CPU for N/2 seconds "
	    "passes the latest\n"
	    "              tk_nanotime around through an atomic: every read "
	    "must be >= it\n"
	    "  offset      tk_nanotime against CLOCK_MONOTONIC over N "
	    "seconds, each sample\n"
	    "              the narrowest of 8 brackets: FAIL if max |offset| "
	    "> 10 us or\n"
	    "              p99 > 1 us\n"
	    "  realtime    tk_walltime against CLOCK_REALTIME, the same "
	    "way: FAIL if max\n"
	    "              |offset| > 20 ms (a clock step shows within one "
	    "windup interval)\n"
	    "  no syscall  a forked child under a seccomp filter that kills "
	    "on clock_gettime,\n"
	    "              gettimeofday, clock_getres and time makes %d "
	    "rounds of reads;\n"
	    "              SKIP when the chosen source is the system call\n"
	    "\n"
	    "  --seconds N  how long to sample the offsets (default 2; "
	    "fractions allowed)\n"
	    "  --json       JSON: {verdict, source, checks [{name, status, "
	    "detail, ...}]}\n"
	    "  -h, --help   this text\n"
	    "\n"
	    "Exit status: 0 verdict PASS, 1 verdict FAIL, 2 usage error.\n",
	    NOSYSCALL_ROUNDS);
}

static int
cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seconds", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct machine *m;
	struct check ck[7];
	double seconds = 2;
	int json = 0, c, i, k, failed = 0;

	while ((c = getopt_long(argc, argv, ":hj", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			seconds = parse_seconds("--seconds", optarg, 3600);
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			check_help();
			return 0;
		default:
			bad_option(c, argv);
		}
	}
	no_operands(argc, argv);

	m = xcalloc(1, sizeof(*m));
	machine_load(m);
	memset(ck, 0, sizeof(ck));
	check_source(&ck[0]);
	check_vdso(&ck[1]);
	check_clock_ids(&ck[2]);
	check_monotonic(&ck[3], m, fmax(seconds / 2, 0.05));
	check_offsets(&ck[4], &ck[5], seconds);
	check_nosyscall(&ck[6], m->source);
	for (i = 0; i < 7; i++)
		failed |= ck[i].status == ST_FAIL;

	if (json) {
		struct json j = { stdout, 0, { 0 } };

		j_open(&j, NULL, '{');
		j_str(&j, "verdict", failed ? "FAIL" : "PASS");
		j_str(&j, "source", m->source);
		j_num(&j, "seconds", seconds);
		j_open(&j, "checks", '[');
		for (i = 0; i < 7; i++) {
			j_open(&j, NULL, '{');
			j_str(&j, "name", ck[i].name);
			j_str(&j, "status", status_names[ck[i].status]);
			j_str(&j, "detail", ck[i].detail);
			for (k = 0; k < ck[i].nx; k++)
				j_num(&j, ck[i].xkey[k], ck[i].xval[k]);
			j_close(&j, '}');
		}
		j_close(&j, ']');
		j_close(&j, '}');
	} else {
		printf("timekeep check: source %s, %s %s, %s\n", m->source,
		    m->uts.sysname, m->uts.release, m->date);
		for (i = 0; i < 7; i++)
			printf("%-4s  %-10s  %s\n", status_names[ck[i].status],
			    ck[i].name, ck[i].detail);
		printf("verdict: %s\n", failed ? "FAIL" : "PASS");
	}
	free(m);
	return failed ? 1 : 0;
}

/* ---- main ------------------------------------------------------------- */

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: timekeep COMMAND [OPTIONS]\n"
	    "       timekeep --help | --version\n"
	    "\n"
	    "Read, measure and check clocks through timekeep %s.\n"
	    "\n"
	    "commands:\n"
	    "  now     the source in use, monotonic ns and realtime (RFC "
	    "3339 UTC)\n"
	    "  info    counter, clocksource, vDSO, FreeBSD page and every "
	    "source, with\n"
	    "          why each is or is not usable\n"
	    "  bench   every clock read side by side: medians, ratios, "
	    "percentiles,\n"
	    "          thread scaling (--plot FILE.svg for a picture)\n"
	    "  check   a health check with a verdict (exit 0 PASS, 1 FAIL)\n"
	    "\n"
	    "Every command takes --json and --help.  TIMEKEEP_SOURCE=NAME "
	    "starts the\n"
	    "library's search at source NAME (freebsd, tsc, vdso, syscall).\n"
	    "Exit status 2 means a usage error.\n",
	    tk_version());
}

int
main(int argc, char **argv)
{
	static char help[] = "--help";
	char *hargv[4];
	const char *cmd;

	opterr = 0;
	if (argc < 2)
		usage_error("no command (now, info, bench or check)");
	cmd = argv[1];
	if (strcmp(cmd, "help") == 0 && argc > 2) {
		/* timekeep help CMD is timekeep CMD --help. */
		hargv[0] = argv[0];
		hargv[1] = argv[2];
		hargv[2] = help;
		hargv[3] = NULL;
		argc = 3;
		argv = hargv;
		cmd = argv[1];
	} else if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 ||
	    strcmp(cmd, "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
		printf("timekeep %s\n", tk_version());
		return 0;
	}
	cur_cmd = cmd;
	if (strcmp(cmd, "now") == 0)
		return cmd_now(argc - 1, argv + 1);
	if (strcmp(cmd, "info") == 0)
		return cmd_info(argc - 1, argv + 1);
	if (strcmp(cmd, "bench") == 0)
		return cmd_bench(argc - 1, argv + 1);
	if (strcmp(cmd, "check") == 0)
		return cmd_check(argc - 1, argv + 1);
	cur_cmd = NULL;
	if (cmd[0] == '-')
		usage_error("unknown option '%s'", cmd);
	usage_error("unknown command '%s'", cmd);
	return 2;
}
