// SPDX-License-Identifier: GPL-2.0
/*
 * Probe providers against the real kernel (needs root): lookup, attach
 * point splitting, tracepoint expansion and format parsing, the timer
 * forms, and real attaches of a tiny BPF object that is assembled here
 * by hand (no clang), with run counts from BPF stats proving they fire.
 */
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "probes/provider.h"

static int failures;

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);   \
			failures++;                                                                \
		}                                                                                  \
	} while (0)

#define CHECK_STR(a, b)                                                                            \
	do {                                                                                       \
		const char *a_ = (a), *b_ = (b);                                                   \
		if (!a_ || !b_ || strcmp(a_, b_)) {                                                \
			fprintf(stderr, "%s:%d: check failed: %s == %s (\"%s\" vs \"%s\")\n",      \
				__FILE__, __LINE__, #a, #b, a_ ? a_ : "(null)",                    \
				b_ ? b_ : "(null)");                                               \
			failures++;                                                                \
		}                                                                                  \
	} while (0)

/* ---- helpers ---- */

static void free_targets(struct vec *v)
{
	for (size_t i = 0; i < v->n; i++)
		provider_target_free(v->v[i]);
	vec_free(v);
}

static void free_fields(struct vec *v)
{
	for (size_t i = 0; i < v->n; i++)
		provider_field_free(v->v[i]);
	vec_free(v);
}

/* Expand a whole probe string as sema would; err gets the message on -1. */
static int expand(const char *raw, struct vec *out, struct strbuf *err)
{
	const struct provider *p;
	char **parts;
	int n, r;

	sb_reset(err);
	n = provider_split(raw, &parts);
	p = provider_find(parts[0]);
	if (!p) {
		sb_printf(err, "no provider %s", parts[0]);
		r = -1;
	} else {
		r = p->expand(p, parts + 1, n - 1, out, err);
	}
	provider_parts_free(parts, n);
	return r;
}

/* Expand raw expecting exactly one target; returns it (owned by *v). */
static struct attach_target *expand1(const char *raw, struct vec *v)
{
	struct strbuf err;
	int r;

	sb_init(&err);
	r = expand(raw, v, &err);
	if (r != 1)
		fprintf(stderr, "expand(%s) = %d: %s\n", raw, r, err.buf ? err.buf : "");
	sb_free(&err);
	return r == 1 ? v->v[v->n - 1] : NULL;
}

/* Expect expansion of raw to fail with exactly msg. */
static void expect_error(const char *raw, const char *msg, int line)
{
	struct vec v = {0};
	struct strbuf err;
	int r;

	sb_init(&err);
	r = expand(raw, &v, &err);
	if (r >= 0 || !err.buf || strcmp(err.buf, msg)) {
		fprintf(stderr, "line %d: expand(%s) = %d, error \"%s\", wanted \"%s\"\n", line,
			raw, r, err.buf ? err.buf : "", msg);
		failures++;
	}
	CHECK(v.n == 0);
	free_targets(&v);
	sb_free(&err);
}
#define EXPECT_ERROR(raw, msg) expect_error(raw, msg, __LINE__)

/* ---- lookup and splitting ---- */

static void test_find(void)
{
	const struct provider *tp = provider_find("tracepoint");
	const struct provider *const *all = provider_all();
	int n = 0;

	CHECK(tp && !strcmp(tp->name, "tracepoint"));
	CHECK(provider_find("t") == tp);
	CHECK(provider_find("T") == tp);
	CHECK(provider_find("TracePoint") == tp);
	CHECK(provider_find("BEGIN") && !strcmp(provider_find("BEGIN")->name, "BEGIN"));
	CHECK(provider_find("begin") == provider_find("BEGIN"));
	CHECK(provider_find("Begin") == provider_find("BEGIN"));
	CHECK(provider_find("end") == provider_find("END"));
	CHECK(provider_find("END") != provider_find("BEGIN"));
	CHECK(provider_find("i") == provider_find("interval"));
	CHECK(provider_find("p") == provider_find("profile"));
	CHECK(provider_find("s") == provider_find("software"));
	CHECK(provider_find("rt") == provider_find("rawtracepoint"));
	CHECK(provider_find("interval") != provider_find("profile"));
	CHECK(provider_find("nope") == NULL);
	CHECK(provider_find("") == NULL);
	CHECK(provider_find("trace") == NULL);
	for (; all[n]; n++) {
		CHECK(all[n]->expand && all[n]->fields && all[n]->attach && all[n]->section);
		CHECK(provider_find(all[n]->name) == all[n]);
	}
	CHECK(n >= 7);
	CHECK(!strcmp(tp->section, "tracepoint") && tp->has_args);
	CHECK(!strcmp(provider_find("BEGIN")->section, "raw_tp"));
	CHECK(!strcmp(provider_find("profile")->section, "perf_event"));
	CHECK(!strcmp(provider_find("interval")->section, "perf_event"));
}

static void test_split(void)
{
	char **p;
	int n;

	n = provider_split("tracepoint:syscalls:sys_enter_*", &p);
	CHECK(n == 3);
	if (n == 3) {
		CHECK_STR(p[0], "tracepoint");
		CHECK_STR(p[1], "syscalls");
		CHECK_STR(p[2], "sys_enter_*");
	}
	provider_parts_free(p, n);

	n = provider_split("uprobe:\"/a:b\":f", &p);
	CHECK(n == 3);
	if (n == 3) {
		CHECK_STR(p[1], "/a:b");
		CHECK_STR(p[2], "f");
	}
	provider_parts_free(p, n);

	n = provider_split("u:/bin/x:cpp:\"ns::f\"", &p);
	CHECK(n == 4);
	if (n == 4)
		CHECK_STR(p[3], "ns::f");
	provider_parts_free(p, n);

	n = provider_split("u:\"a\\\"b\":f", &p);
	CHECK(n == 3);
	if (n == 3)
		CHECK_STR(p[1], "a\"b");
	provider_parts_free(p, n);

	n = provider_split("BEGIN", &p);
	CHECK(n == 1);
	CHECK_STR(p[0], "BEGIN");
	provider_parts_free(p, n);

	n = provider_split("a:", &p);
	CHECK(n == 2);
	if (n == 2)
		CHECK_STR(p[1], "");
	provider_parts_free(p, n);
}

/* ---- tracefs and tracepoints ---- */

static void test_tracefs(void)
{
	struct strbuf err;
	const char *a, *b;
	struct stat st;

	sb_init(&err);
	a = provider_tracefs(&err);
	CHECK_STR(a, "/sys/kernel/tracing");
	CHECK(stat("/sys/kernel/tracing/events/syscalls", &st) == 0 && S_ISDIR(st.st_mode));
	b = provider_tracefs(&err);
	CHECK(a == b);
	CHECK(err.len == 0);
	sb_free(&err);
}

static int count_dirs(const char *path)
{
	char *cmd = xasprintf("ls -d %s/*/ | wc -l", path);
	FILE *f = popen(cmd, "r");
	int n = -1;

	free(cmd);
	if (f) {
		if (fscanf(f, "%d", &n) != 1)
			n = -1;
		pclose(f);
	}
	return n;
}

static void test_tracepoint_expand(void)
{
	const struct provider *tp = provider_find("tracepoint");
	struct attach_target *t;
	struct vec v = {0};
	struct strbuf err;
	int n;

	sb_init(&err);
	t = expand1("tracepoint:syscalls:sys_enter_openat", &v);
	CHECK(t);
	if (t) {
		CHECK_STR(t->name, "tracepoint:syscalls:sys_enter_openat");
		CHECK_STR(t->target, "syscalls:sys_enter_openat");
		CHECK(t->prov == tp);
	}
	free_targets(&v);

	/* The alias gives the canonical name. */
	t = expand1("t:sched:sched_switch", &v);
	CHECK(t && !strcmp(t->name, "tracepoint:sched:sched_switch"));
	free_targets(&v);

	n = expand("tracepoint:syscalls:sys_enter_open*", &v, &err);
	CHECK(n >= 3 && (size_t)n == v.n);
	for (size_t i = 0; i < v.n; i++) {
		t = v.v[i];
		CHECK(!strncmp(t->name, "tracepoint:syscalls:sys_enter_open", 34));
		CHECK(!strncmp(t->target, "syscalls:sys_enter_open", 23));
		if (i)
			CHECK(strcmp(((struct attach_target *)v.v[i - 1])->name, t->name) < 0);
	}
	CHECK(n >= 2 && !strcmp(((struct attach_target *)v.v[0])->name,
				"tracepoint:syscalls:sys_enter_open"));
	CHECK(n >= 2 && !strcmp(((struct attach_target *)v.v[1])->name,
				"tracepoint:syscalls:sys_enter_open_by_handle_at"));
	free_targets(&v);

	n = expand("tracepoint:*:sched_switch", &v, &err);
	CHECK(n == 1 && !strcmp(((struct attach_target *)v.v[0])->target, "sched:sched_switch"));
	free_targets(&v);

	n = expand("tracepoint:sch*:sched_switch", &v, &err);
	CHECK(n == 1);
	free_targets(&v);

	/* tracepoint:*foo* is tracepoint:*:*foo* */
	n = expand("tracepoint:*sched_switch*", &v, &err);
	CHECK(n >= 1);
	{
		bool found = false;

		for (size_t i = 0; i < v.n; i++)
			found |= !strcmp(((struct attach_target *)v.v[i])->name,
					 "tracepoint:sched:sched_switch");
		CHECK(found);
	}
	free_targets(&v);

	n = expand("tracepoint:syscalls:*", &v, &err);
	CHECK(n > 100 && n == count_dirs("/sys/kernel/tracing/events/syscalls"));
	free_targets(&v);

	n = expand("tracepoint:*:*", &v, &err);
	CHECK(n > 500);
	free_targets(&v);

	EXPECT_ERROR("tracepoint:syscalls:sys_enter_nope",
		     "tracepoint not found: syscalls:sys_enter_nope");
	EXPECT_ERROR("tracepoint:nocat:*", "tracepoint not found: nocat:*");
	EXPECT_ERROR("tracepoint:*:nope_*", "tracepoint not found: *:nope_*");
	EXPECT_ERROR("tracepoint:*nope_nope*", "tracepoint not found: *:*nope_nope*");
	/* "enable" and "filter" are files, not events. */
	EXPECT_ERROR("tracepoint:syscalls:enable", "tracepoint not found: syscalls:enable");
	EXPECT_ERROR("tracepoint:syscalls", "tracepoint probe type requires 2 arguments");
	EXPECT_ERROR("tracepoint", "tracepoint probe type requires 2 arguments");
	EXPECT_ERROR("tracepoint:a:b:c", "tracepoint probe type requires 2 arguments");
	EXPECT_ERROR("tracepoint::", "tracepoint not found: :");
	sb_free(&err);
}

/* Offset of field `name` in a format file, read independently of the provider. */
static int format_offset(const char *format, const char *name)
{
	char *pat = xasprintf(" %s;", name), *pat2 = xasprintf(" %s[", name);
	const char *p = strstr(format, pat);
	int off = -1;

	if (!p)
		p = strstr(format, pat2);
	if (p && (p = strstr(p, "offset:")))
		off = atoi(p + 7);
	free(pat);
	free(pat2);
	return off;
}

static const struct arg_field *find_field(struct vec *v, const char *name)
{
	for (size_t i = 0; i < v->n; i++)
		if (!strcmp(((struct arg_field *)v->v[i])->name, name))
			return v->v[i];
	return NULL;
}

static void fields_of(const char *raw, struct vec *fields, struct vec *targets)
{
	struct attach_target *t = expand1(raw, targets);
	struct strbuf err;

	sb_init(&err);
	if (t) {
		int n = t->prov->fields(t, fields, &err);

		CHECK(n >= 0 && (size_t)n == fields->n);
		if (n < 0)
			fprintf(stderr, "fields(%s): %s\n", raw, err.buf);
	}
	sb_free(&err);
}

static void test_tracepoint_fields(void)
{
	struct vec targets = {0}, fields = {0};
	const struct arg_field *f;
	struct strbuf err;
	char *format;

	sb_init(&err);
	format =
		util_read_file("/sys/kernel/tracing/events/syscalls/sys_enter_openat/format", NULL);
	CHECK(format);
	fields_of("tracepoint:syscalls:sys_enter_openat", &fields, &targets);
	CHECK(fields.n == 5);
	for (size_t i = 0; i < fields.n; i++)
		CHECK(strncmp(((struct arg_field *)fields.v[i])->name, "common_", 7));
	f = find_field(&fields, "__syscall_nr");
	CHECK(f && f->kind == ARGF_INT && f->size == 4 && f->is_signed);
	CHECK(f && !strcmp(f->ctype, "int"));
	f = find_field(&fields, "dfd");
	CHECK(f && f->kind == ARGF_INT && (int)f->offset == format_offset(format, "dfd"));
	/* "int dfd; size:8; signed:0" is an s64 in bpftrace. */
	CHECK(f && f->size == 8 && f->is_signed);
	f = find_field(&fields, "mode");
	CHECK(f && !f->is_signed);
	f = find_field(&fields, "filename");
	CHECK(f && f->kind == ARGF_PTR && f->size == 8 && !strcmp(f->ctype, "const char *"));
	CHECK(f && (int)f->offset == format_offset(format, "filename"));
	f = find_field(&fields, "flags");
	CHECK(f && f->kind == ARGF_INT && (int)f->offset == format_offset(format, "flags"));
	f = find_field(&fields, "mode");
	CHECK(f && f->kind == ARGF_INT && !strcmp(f->ctype, "umode_t"));
	CHECK(f && (int)f->offset == format_offset(format, "mode") && f->offset == 40);
	CHECK(fields.n == 5 && !strcmp(((struct arg_field *)fields.v[0])->name, "__syscall_nr") &&
	      !strcmp(((struct arg_field *)fields.v[4])->name, "mode"));
	free(format);
	free_fields(&fields);
	/* Cached the second time; the copies are independent. */
	fields_of("tracepoint:syscalls:sys_enter_openat", &fields, &targets);
	CHECK(fields.n == 5);
	free_fields(&fields);
	free_targets(&targets);

	format = util_read_file("/sys/kernel/tracing/events/sched/sched_switch/format", NULL);
	fields_of("tracepoint:sched:sched_switch", &fields, &targets);
	f = find_field(&fields, "prev_comm");
	CHECK(f && f->kind == ARGF_CHARS && f->array_len == 16 && f->size == 16);
	CHECK(f && !strcmp(f->ctype, "char") &&
	      (int)f->offset == format_offset(format, "prev_comm"));
	f = find_field(&fields, "next_comm");
	CHECK(f && f->kind == ARGF_CHARS && f->array_len == 16);
	f = find_field(&fields, "prev_pid");
	CHECK(f && f->kind == ARGF_INT && f->is_signed && f->size == 4);
	CHECK(f && (int)f->offset == format_offset(format, "prev_pid"));
	f = find_field(&fields, "prev_state");
	CHECK(f && f->kind == ARGF_INT && f->size == 8 && f->is_signed);
	free(format);
	free_fields(&fields);
	free_targets(&targets);

	fields_of("tracepoint:sched:sched_process_exec", &fields, &targets);
	f = find_field(&fields, "filename");
	CHECK(f && f->kind == ARGF_DATA_LOC && f->size == 4 && !strcmp(f->ctype, "char"));
	free_fields(&fields);
	free_targets(&targets);

	fields_of("tracepoint:raw_syscalls:sys_enter", &fields, &targets);
	f = find_field(&fields, "args");
	CHECK(f && f->kind == ARGF_ARRAY && f->array_len == 6 && f->size == 48);
	CHECK(f && !strcmp(f->ctype, "unsigned long"));
	f = find_field(&fields, "id");
	CHECK(f && f->kind == ARGF_INT && f->size == 8 && f->is_signed);
	free_fields(&fields);
	free_targets(&targets);

	/* A target whose tracepoint does not exist. */
	{
		struct attach_target *t =
			provider_target_new(provider_find("t"), "tracepoint:x:y", "x:y");

		CHECK(t->prov->fields(t, &fields, &err) == -1);
		CHECK(err.buf && strstr(err.buf, "cannot read the format of tracepoint x:y"));
		CHECK(fields.n == 0);
		provider_target_free(t);
	}
	sb_free(&err);
}

/* ---- special, timers, software, raw tracepoints ---- */

static void test_special(void)
{
	struct vec v = {0};
	struct attach_target *t;

	t = expand1("BEGIN", &v);
	/* Named begin/end however spelled, as current bpftrace's probe builtin. */
	CHECK(t && !strcmp(t->name, "begin") && t->prov == provider_find("BEGIN"));
	t = expand1("begin", &v);
	CHECK(t && !strcmp(t->name, "begin"));
	t = expand1("END", &v);
	CHECK(t && !strcmp(t->name, "end"));
	t = expand1("end", &v);
	CHECK(t && !strcmp(t->name, "end"));
	free_targets(&v);
	EXPECT_ERROR("BEGIN:x", "BEGIN probe type requires 0 arguments");
	EXPECT_ERROR("end:x:y", "END probe type requires 0 arguments");
}

static void check_timer(const char *raw, const char *name, const char *target, uint64_t period,
			bool freq, int line)
{
	struct vec v = {0};
	struct attach_target *t = expand1(raw, &v);

	if (!t || strcmp(t->name, name) || strcmp(t->target, target) || t->period != period ||
	    t->freq != freq) {
		fprintf(stderr,
			"line %d: %s gave name %s target %s period %llu freq %d, wanted %s %s "
			"%llu %d\n",
			line, raw, t ? t->name : "-", t ? t->target : "-",
			t ? (unsigned long long)t->period : 0ULL, t ? t->freq : 0, name, target,
			(unsigned long long)period, freq);
		failures++;
	}
	free_targets(&v);
}
#define CHECK_TIMER(raw, name, target, period, freq)                                               \
	check_timer(raw, name, target, period, freq, __LINE__)

static void test_timers(void)
{
	CHECK_TIMER("interval:s:1", "interval:s:1", "s:1", 1000000000ULL, false);
	CHECK_TIMER("i:ms:100", "interval:ms:100", "ms:100", 100000000ULL, false);
	CHECK_TIMER("INTERVAL:us:500", "interval:us:500", "us:500", 500000ULL, false);
	CHECK_TIMER("interval:hz:10", "interval:hz:10", "hz:10", 10, true);
	CHECK_TIMER("interval:s:0x10", "interval:s:0x10", "s:0x10", 16000000000ULL, false);
	CHECK_TIMER("interval:1s", "interval:1s", "1s", 1000000000ULL, false);
	CHECK_TIMER("interval:100ms", "interval:100ms", "100ms", 100000000ULL, false);
	CHECK_TIMER("interval:250us", "interval:250us", "250us", 250000ULL, false);
	CHECK_TIMER("interval:5000ns", "interval:5000ns", "5000ns", 5000ULL, false);
	CHECK_TIMER("interval:5000", "interval:5000", "5000", 5000ULL, false);
	CHECK_TIMER("interval:2m", "interval:2m", "2m", 120000000000ULL, false);
	CHECK_TIMER("interval:1h", "interval:1h", "1h", 3600000000000ULL, false);
	CHECK_TIMER("interval:1d", "interval:1d", "1d", 86400000000000ULL, false);
	CHECK_TIMER("interval:1_000_000", "interval:1_000_000", "1_000_000", 1000000ULL, false);
	CHECK_TIMER("profile:hz:99", "profile:hz:99", "hz:99", 99, true);
	CHECK_TIMER("p:hz:99", "profile:hz:99", "hz:99", 99, true);
	CHECK_TIMER("profile:s:1", "profile:s:1", "s:1", 1000000000ULL, false);
	CHECK_TIMER("profile:ms:10", "profile:ms:10", "ms:10", 10000000ULL, false);
	CHECK_TIMER("profile:us:1000", "profile:us:1000", "us:1000", 1000000ULL, false);
	CHECK_TIMER("profile:1ms", "profile:1ms", "1ms", 1000000ULL, false);
	CHECK_TIMER("profile:1000", "profile:1000", "1000", 1000ULL, false);

	EXPECT_ERROR("interval:xs:1", "xs is not an accepted unit of time");
	EXPECT_ERROR("interval:ns:1000", "ns is not an accepted unit of time");
	EXPECT_ERROR("profile:xs:1", "xs is not an accepted unit of time");
	EXPECT_ERROR("interval:s:0", "interval period should be a positive integer, not '0'");
	EXPECT_ERROR("interval:s:-1", "interval period should be a positive integer, not '-1'");
	EXPECT_ERROR("interval:s:abc", "interval period should be a positive integer, not 'abc'");
	EXPECT_ERROR("interval:s:", "interval period should be a positive integer, not ''");
	EXPECT_ERROR("interval:s:1x", "interval period should be a positive integer, not '1x'");
	EXPECT_ERROR("interval:hz:0", "interval frequency should be a positive integer, not '0'");
	EXPECT_ERROR("profile:us:0", "profile period should be a positive integer, not '0'");
	EXPECT_ERROR("interval:s:99999999999999999999",
		     "interval period should be a positive integer, not '99999999999999999999'");
	EXPECT_ERROR("interval:s:99999999999", "interval period is too long: 99999999999s");
	EXPECT_ERROR("interval:99999999999d", "interval period is too long: 99999999999d");
	EXPECT_ERROR("profile:99", "profile period must be at least 1us (1000 ns), not '99'; for "
				   "a frequency write profile:hz:N");
	EXPECT_ERROR("interval:0", "interval period must be at least 1us (1000 ns), not '0'; for "
				   "a frequency write interval:hz:N");
	EXPECT_ERROR("interval:1x", "interval period should be a duration such as 1s or 100ms, or "
				    "a number of nanoseconds, not '1x'");
	EXPECT_ERROR("interval:s", "interval period should be a duration such as 1s or 100ms, or "
				   "a number of nanoseconds, not 's'");
	EXPECT_ERROR("interval", "interval probe type requires 1 or 2 arguments, as in "
				 "interval:s:1 or interval:100ms");
	EXPECT_ERROR("profile:s:1:2", "profile probe type requires 1 or 2 arguments, as in "
				      "profile:s:1 or profile:100ms");
}

static void test_software(void)
{
	struct vec v = {0};
	struct attach_target *t;

	t = expand1("software:faults:1", &v);
	CHECK(t && !strcmp(t->name, "software:faults:1") && !strcmp(t->target, "page-faults") &&
	      t->period == 1 && !t->freq);
	t = expand1("s:cs", &v);
	CHECK(t && !strcmp(t->name, "software:cs") && !strcmp(t->target, "context-switches") &&
	      t->period == 1000);
	t = expand1("software:cpu-clock", &v);
	CHECK(t && t->period == 1000000);
	t = expand1("software:page-faults", &v);
	CHECK(t && t->period == 100);
	t = expand1("software:task-clock:5", &v);
	CHECK(t && t->period == 5);
	free_targets(&v);
	EXPECT_ERROR("software:nope", "unknown software event: nope");
	EXPECT_ERROR("software:cpu*", "software probes do not support wildcards: cpu*");
	EXPECT_ERROR("software:cs:0", "software event count should be a positive integer, not '0'");
	EXPECT_ERROR("software", "software probe type requires 1 or 2 arguments");
}

static void test_rawtracepoint(void)
{
	struct vec v = {0};
	struct attach_target *t;
	struct strbuf err;
	int n;

	sb_init(&err);
	t = expand1("rt:sched_switch", &v);
	CHECK(t && !strcmp(t->name, "rawtracepoint:sched_switch") &&
	      !strcmp(t->target, "sched_switch"));
	t = expand1("rawtracepoint:vmlinux:sys_enter", &v);
	CHECK(t && !strcmp(t->name, "rawtracepoint:vmlinux:sys_enter"));
	free_targets(&v);
	n = expand("rawtracepoint:*:sched_sw*", &v, &err);
	CHECK(n >= 1);
	for (size_t i = 0; i < v.n; i++) {
		t = v.v[i];
		CHECK(!strncmp(t->name, "rawtracepoint:vmlinux:sched_sw", 30));
		if (i)
			CHECK(strcmp(((struct attach_target *)v.v[i - 1])->name, t->name) < 0);
	}
	free_targets(&v);
	EXPECT_ERROR("rawtracepoint:nope_nope", "raw tracepoint not found: nope_nope");
	EXPECT_ERROR(
		"rawtracepoint:sonde_nomod:x",
		"module sonde_nomod is not loaded or has no BTF (/sys/kernel/btf/sonde_nomod)");
	sb_free(&err);
}

/* ---- perf events ---- */

static void test_perf_open(void)
{
	struct vec v = {0};
	struct attach_target *t;
	int *cpus = NULL, ncpus, fd;

	ncpus = perf_online_cpus(&cpus);
	CHECK(ncpus >= 1 && ncpus == sysconf(_SC_NPROCESSORS_ONLN));
	CHECK(ncpus < 1 || cpus[0] >= 0);

	t = expand1("interval:ms:100", &v);
	if (t) {
		fd = perf_open_cpu_clock(t, 0);
		CHECK(fd >= 0);
		if (fd >= 0)
			close(fd);
	}
	t = expand1("profile:hz:99", &v);
	for (int i = 0; t && i < ncpus; i++) {
		fd = perf_open_cpu_clock(t, cpus[i]);
		CHECK(fd >= 0);
		if (fd >= 0)
			close(fd);
	}
	/* An absurd CPU fails with -errno. */
	if (t)
		CHECK(perf_open_cpu_clock(t, 1 << 20) < 0);
	free(cpus);
	free_targets(&v);
}

/* ---- real attaches: a hand-made BPF ELF object ---- */

/*
 * An ET_REL ELF for EM_BPF holding one "r0 = 0; exit" program per
 * section in secs[], named prog0, prog1, ..., plus a GPL license. That is
 * all libbpf needs to open and load programs without maps.
 */
static void *make_elf(const char *const *secs, int nsecs, size_t *size)
{
	static const uint64_t insns[2] = {0x00000000000000b7ULL, 0x0000000000000095ULL};
	struct strbuf shstr, str;
	Elf64_Shdr sh[16];
	Elf64_Sym sym[16];
	Elf64_Ehdr eh;
	size_t off, shnum, lic, symtab, strtab, shstrtab;
	char *buf;

	memset(sh, 0, sizeof(sh));
	memset(sym, 0, sizeof(sym));
	sb_init(&shstr);
	sb_init(&str);
	sb_add(&shstr, "", 1);
	sb_add(&str, "", 1);
	off = sizeof(eh);
	for (int i = 0; i < nsecs; i++) {
		char *name = xasprintf("prog%d", i);

		sh[1 + i].sh_name = (uint32_t)shstr.len;
		sb_add(&shstr, secs[i], strlen(secs[i]) + 1);
		sh[1 + i].sh_type = SHT_PROGBITS;
		sh[1 + i].sh_flags = SHF_ALLOC | SHF_EXECINSTR;
		sh[1 + i].sh_offset = off;
		sh[1 + i].sh_size = sizeof(insns);
		sh[1 + i].sh_addralign = 8;
		off += sizeof(insns);

		sym[1 + i].st_name = (uint32_t)str.len;
		sb_add(&str, name, strlen(name) + 1);
		sym[1 + i].st_info = ELF64_ST_INFO(STB_GLOBAL, STT_FUNC);
		sym[1 + i].st_shndx = (uint16_t)(1 + i);
		sym[1 + i].st_size = sizeof(insns);
		free(name);
	}
	lic = 1 + nsecs;
	symtab = lic + 1;
	strtab = symtab + 1;
	shstrtab = strtab + 1;
	shnum = shstrtab + 1;

	sh[lic].sh_name = (uint32_t)shstr.len;
	sb_add(&shstr, "license", 8);
	sh[lic].sh_type = SHT_PROGBITS;
	sh[lic].sh_flags = SHF_ALLOC | SHF_WRITE;
	sh[lic].sh_offset = off;
	sh[lic].sh_size = 4;
	sh[lic].sh_addralign = 1;
	off += 8;

	sh[symtab].sh_name = (uint32_t)shstr.len;
	sb_add(&shstr, ".symtab", 8);
	sh[symtab].sh_type = SHT_SYMTAB;
	sh[symtab].sh_offset = off;
	sh[symtab].sh_size = (1 + nsecs) * sizeof(Elf64_Sym);
	sh[symtab].sh_link = (uint32_t)strtab;
	sh[symtab].sh_info = 1;
	sh[symtab].sh_entsize = sizeof(Elf64_Sym);
	sh[symtab].sh_addralign = 8;
	off += sh[symtab].sh_size;

	sh[strtab].sh_name = (uint32_t)shstr.len;
	sb_add(&shstr, ".strtab", 8);
	sh[shstrtab].sh_name = (uint32_t)shstr.len;
	sb_add(&shstr, ".shstrtab", 10);
	sh[strtab].sh_type = SHT_STRTAB;
	sh[strtab].sh_offset = off;
	sh[strtab].sh_size = str.len;
	sh[strtab].sh_addralign = 1;
	off += str.len;
	sh[shstrtab].sh_type = SHT_STRTAB;
	sh[shstrtab].sh_offset = off;
	sh[shstrtab].sh_size = shstr.len;
	sh[shstrtab].sh_addralign = 1;
	off += shstr.len;
	off = (off + 7) & ~(size_t)7;

	memset(&eh, 0, sizeof(eh));
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_REL;
	eh.e_machine = EM_BPF;
	eh.e_version = EV_CURRENT;
	eh.e_shoff = off;
	eh.e_ehsize = sizeof(eh);
	eh.e_shentsize = sizeof(Elf64_Shdr);
	eh.e_shnum = (uint16_t)shnum;
	eh.e_shstrndx = (uint16_t)shstrtab;

	*size = off + shnum * sizeof(Elf64_Shdr);
	buf = xcalloc(1, *size);
	memcpy(buf, &eh, sizeof(eh));
	for (int i = 0; i < nsecs; i++)
		memcpy(buf + sh[1 + i].sh_offset, insns, sizeof(insns));
	memcpy(buf + sh[lic].sh_offset, "GPL", 4);
	memcpy(buf + sh[symtab].sh_offset, sym, sh[symtab].sh_size);
	memcpy(buf + sh[strtab].sh_offset, str.buf, str.len);
	memcpy(buf + sh[shstrtab].sh_offset, shstr.buf, shstr.len);
	memcpy(buf + off, sh, shnum * sizeof(Elf64_Shdr));
	sb_free(&shstr);
	sb_free(&str);
	return buf;
}

static uint64_t run_cnt(struct bpf_program *prog)
{
	struct bpf_prog_info info;
	uint32_t len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len))
		return 0;
	return info.run_cnt;
}

static void destroy_links(struct vec *links)
{
	for (size_t i = 0; i < links->n; i++)
		bpf_link__destroy(links->v[i]);
	vec_free(links);
}

static void spin_ms(int ms)
{
	struct timespec a, b;

	clock_gettime(CLOCK_MONOTONIC, &a);
	do {
		clock_gettime(CLOCK_MONOTONIC, &b);
	} while ((b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000 < ms);
}

/* Attach prog at raw, run trigger, and check that it ran (when stats work). */
static void attach_and_fire(struct bpf_program *prog, const char *raw, int expect_links, bool stats,
			    void (*trigger)(void))
{
	struct vec targets = {0}, links = {0};
	struct attach_target *t = expand1(raw, &targets);
	struct strbuf err;
	uint64_t before;

	sb_init(&err);
	if (!t) {
		failures++;
		return;
	}
	t->cookie = 3;
	before = run_cnt(prog);
	if (t->prov->attach(prog, t, &links, &err)) {
		fprintf(stderr, "attach %s: %s\n", raw, err.buf);
		failures++;
	} else {
		CHECK(expect_links < 0 ? links.n >= 1 : links.n == (size_t)expect_links);
		trigger();
		if (getenv("TEST_VERBOSE"))
			fprintf(stderr, "%s: %zu link(s), ran %llu times\n", raw, links.n,
				(unsigned long long)(run_cnt(prog) - before));
		if (stats && run_cnt(prog) <= before) {
			fprintf(stderr, "%s: attached but never ran\n", raw);
			failures++;
		}
	}
	destroy_links(&links);
	free_targets(&targets);
	sb_free(&err);
}

static void trigger_syscalls(void)
{
	for (int i = 0; i < 10; i++) {
		(void)getppid();
		(void)!access("/nonexistent/x", F_OK);
	}
}

static void trigger_spin(void)
{
	spin_ms(300);
}

static void trigger_sleep(void)
{
	usleep(200000);
}

static int libbpf_quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_WARN && getenv("TEST_VERBOSE"))
		return vfprintf(stderr, fmt, ap);
	return 0;
}

static void test_attach(void)
{
	static const char *const secs[] = {"tracepoint", "perf_event", "raw_tp"};
	struct bpf_program *tp_prog, *perf_prog, *raw_prog;
	struct vec targets = {0}, links = {0};
	struct bpf_object *obj;
	struct strbuf err;
	size_t size;
	void *elf;
	bool stats;
	int stats_fd;

	libbpf_set_print(libbpf_quiet);
	elf = make_elf(secs, 3, &size);
	obj = bpf_object__open_mem(elf, size, NULL);
	CHECK(obj);
	if (!obj) {
		free(elf);
		return;
	}
	CHECK(bpf_object__load(obj) == 0);
	tp_prog = bpf_object__find_program_by_name(obj, "prog0");
	perf_prog = bpf_object__find_program_by_name(obj, "prog1");
	raw_prog = bpf_object__find_program_by_name(obj, "prog2");
	CHECK(tp_prog && perf_prog && raw_prog);
	CHECK(bpf_program__fd(tp_prog) >= 0 && bpf_program__fd(perf_prog) >= 0);
	if (!tp_prog || !perf_prog || !raw_prog || bpf_program__fd(tp_prog) < 0)
		goto out;

	/* Run counts while this fd is open. */
	stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	stats = stats_fd >= 0;
	if (!stats)
		fprintf(stderr, "note: BPF stats unavailable, not checking that probes fire\n");

	attach_and_fire(tp_prog, "tracepoint:syscalls:sys_enter_getppid", 1, stats,
			trigger_syscalls);
	attach_and_fire(perf_prog, "interval:ms:10", 1, stats, trigger_sleep);
	attach_and_fire(perf_prog, "interval:10ms", 1, stats, trigger_sleep);
	attach_and_fire(perf_prog, "profile:hz:997", (int)sysconf(_SC_NPROCESSORS_ONLN), stats,
			trigger_spin);
	attach_and_fire(perf_prog, "software:cpu-clock:100000", (int)sysconf(_SC_NPROCESSORS_ONLN),
			stats, trigger_spin);
	attach_and_fire(perf_prog, "software:page-faults:1", -1, false, trigger_spin);
	attach_and_fire(raw_prog, "rawtracepoint:sys_enter", 1, stats, trigger_syscalls);
	attach_and_fire(raw_prog, "BEGIN", 0, false, trigger_spin);

	/* A failing attach says which tracepoint and why, and leaves links alone. */
	sb_init(&err);
	{
		struct attach_target *t = provider_target_new(
			provider_find("tracepoint"), "tracepoint:nocat:noevent", "nocat:noevent");

		CHECK(t->prov->attach(tp_prog, t, &links, &err) == -1);
		CHECK(err.buf &&
		      !strncmp(err.buf, "cannot attach to tracepoint:nocat:noevent: ", 43));
		CHECK(links.n == 0);
		provider_target_free(t);
	}
	/* The wrong program type for a perf event fails cleanly too. */
	{
		struct attach_target *t = expand1("profile:hz:99", &targets);

		sb_reset(&err);
		CHECK(t && t->prov->attach(tp_prog, t, &links, &err) == -1);
		CHECK(err.buf && strstr(err.buf, "profile:hz:99"));
		CHECK(links.n == 0);
	}
	sb_free(&err);
	free_targets(&targets);
	vec_free(&links);
	if (stats_fd >= 0)
		close(stats_fd);
out:
	bpf_object__close(obj);
	free(elf);
}

int main(void)
{
	if (geteuid() != 0) {
		fprintf(stderr, "test_root_probes: needs root, skipped\n");
		return 77;
	}
	test_find();
	test_split();
	test_tracefs();
	test_tracepoint_expand();
	test_tracepoint_fields();
	test_special();
	test_timers();
	test_software();
	test_rawtracepoint();
	test_perf_open();
	test_attach();
	if (failures) {
		fprintf(stderr, "test_root_probes: %d check(s) failed\n", failures);
		return 1;
	}
	printf("test_root_probes: all checks passed\n");
	return 0;
}
