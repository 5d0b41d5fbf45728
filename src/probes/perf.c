// SPDX-License-Identifier: GPL-2.0
/*
 * interval and profile: timers built on the cpu-clock software perf
 * event. interval fires on one CPU, profile on every online CPU. Forms:
 *
 *   interval:hz:N  interval:s:N  interval:ms:N  interval:us:N
 *   interval:N     (nanoseconds)  interval:1s  interval:100ms ...
 *
 * and the same for profile. The perf_event helpers here also serve the
 * software provider.
 */
#include <errno.h>
#include <linux/perf_event.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "probes/provider.h"

#define NSEC_PER_SEC 1000000000ULL

/* ---- perf_event helpers ---- */

int perf_open_sw(uint64_t config, uint64_t period, bool freq, int cpu)
{
	struct perf_event_attr attr;
	long fd;

	memset(&attr, 0, sizeof(attr));
	attr.type = PERF_TYPE_SOFTWARE;
	attr.size = sizeof(attr);
	attr.config = config;
	if (freq) {
		attr.freq = 1;
		attr.sample_freq = period;
	} else {
		attr.sample_period = period;
	}
	fd = syscall(__NR_perf_event_open, &attr, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC);
	return fd < 0 ? -errno : (int)fd;
}

int perf_open_cpu_clock(const struct attach_target *t, int cpu)
{
	return perf_open_sw(PERF_COUNT_SW_CPU_CLOCK, t->period, t->freq, cpu);
}

int perf_online_cpus(int **cpus)
{
	char *text = util_read_file("/sys/devices/system/cpu/online", NULL);
	struct vec v = {0};
	int n = 0, *out;
	char *p;

	if (!text)
		return -errno;
	/* "0-3,5,7-8\n" */
	for (p = text; *p && *p != '\n';) {
		char *end;
		long lo = strtol(p, &end, 10), hi = lo;

		if (end == p)
			break;
		p = end;
		if (*p == '-') {
			hi = strtol(p + 1, &end, 10);
			p = end;
		}
		for (long c = lo; c <= hi; c++)
			vec_push(&v, (void *)(intptr_t)c);
		if (*p == ',')
			p++;
	}
	free(text);
	if (!v.n) {
		vec_free(&v);
		return -EINVAL;
	}
	out = xmalloc(v.n * sizeof(*out));
	for (size_t i = 0; i < v.n; i++)
		out[n++] = (int)(intptr_t)v.v[i];
	vec_free(&v);
	*cpus = out;
	return n;
}

int perf_attach_sw(struct bpf_program *prog, const struct attach_target *t, uint64_t config,
		   bool all_cpus, struct vec *links, struct strbuf *err)
{
	LIBBPF_OPTS(bpf_perf_event_opts, opts, .bpf_cookie = t->cookie);
	size_t start = links->n;
	int *cpus, ncpus, cpu0 = 0;

	if (all_cpus) {
		ncpus = perf_online_cpus(&cpus);
		if (ncpus < 0) {
			sb_printf(err, "cannot read the online CPUs for %s: %s", t->name,
				  strerror(-ncpus));
			return -1;
		}
	} else {
		cpus = &cpu0;
		ncpus = 1;
	}

	for (int i = 0; i < ncpus; i++) {
		struct bpf_link *link;
		int fd = perf_open_sw(config, t->period, t->freq, cpus[i]);

		if (fd < 0) {
			sb_printf(err, "cannot open a perf event for %s on CPU %d: %s", t->name,
				  cpus[i], strerror(-fd));
			goto fail;
		}
		link = bpf_program__attach_perf_event_opts(prog, fd, &opts);
		if (!link) {
			int e = errno;

			close(fd);
			sb_printf(err, "cannot attach to %s on CPU %d: %s", t->name, cpus[i],
				  strerror(e));
			goto fail;
		}
		/* The link now owns the perf fd and closes it on destroy. */
		vec_push(links, link);
	}
	if (cpus != &cpu0)
		free(cpus);
	return 0;

fail:
	while (links->n > start)
		bpf_link__destroy(links->v[--links->n]);
	if (cpus != &cpu0)
		free(cpus);
	return -1;
}

/* ---- interval and profile ---- */

/* A count as bpftrace takes it: decimal, 0x hex or 0 octal, '_' separators allowed. */
static bool parse_count(const char *s, uint64_t *v)
{
	char buf[64], *end;
	size_t n = 0;

	for (; *s; s++) {
		if (*s == '_')
			continue;
		if (n + 1 >= sizeof(buf))
			return false;
		buf[n++] = *s;
	}
	buf[n] = '\0';
	if (!n || buf[0] == '-' || buf[0] == '+' || buf[0] == ' ')
		return false;
	errno = 0;
	*v = strtoull(buf, &end, 0);
	return !*end && errno == 0;
}

/* A period in ns from "N", "Nns", "Nus", "Nms", "Ns", "Nm", "Nh", "Nd". */
static int parse_duration(const char *s, uint64_t *ns)
{
	static const struct {
		const char *suffix;
		uint64_t mult;
	} units[] = {
		{"ns", 1},
		{"us", 1000},
		{"ms", 1000000},
		{"s", NSEC_PER_SEC},
		{"m", 60 * NSEC_PER_SEC},
		{"h", 3600 * NSEC_PER_SEC},
		{"d", 86400 * NSEC_PER_SEC},
	};
	size_t len = strlen(s), digits = 0;
	uint64_t mult = 1, n;
	char *num;
	bool ok;

	/* The suffix starts at the first letter, except in hex numbers. */
	if (!strncmp(s, "0x", 2) || !strncmp(s, "0X", 2))
		digits = len;
	while (digits < len && !(s[digits] >= 'a' && s[digits] <= 'z'))
		digits++;
	if (digits < len) {
		size_t i;

		for (i = 0; i < ARRAY_SIZE(units); i++)
			if (!strcmp(s + digits, units[i].suffix))
				break;
		if (i == ARRAY_SIZE(units))
			return -1;
		mult = units[i].mult;
	}
	num = xstrndup(s, digits);
	ok = parse_count(num, &n);
	free(num);
	if (!ok)
		return -1;
	if (n && n > UINT64_MAX / mult)
		return -2;
	*ns = n * mult;
	return 0;
}

static int timer_expand(const struct provider *p, char **parts, int nparts, struct vec *out,
			struct strbuf *err)
{
	struct attach_target *t;
	struct strbuf name;
	uint64_t n, period;
	bool freq = false;

	if (nparts == 2) {
		static const struct {
			const char *unit;
			uint64_t mult;
		} units[] = {{"s", NSEC_PER_SEC}, {"ms", 1000000}, {"us", 1000}, {"hz", 0}};
		size_t i;

		for (i = 0; i < ARRAY_SIZE(units); i++)
			if (!strcmp(parts[0], units[i].unit))
				break;
		if (i == ARRAY_SIZE(units)) {
			sb_printf(err, "%s is not an accepted unit of time", parts[0]);
			return -1;
		}
		if (!parse_count(parts[1], &n) || n == 0) {
			sb_printf(err, "%s %s should be a positive integer, not '%s'", p->name,
				  units[i].mult ? "period" : "frequency", parts[1]);
			return -1;
		}
		if (!units[i].mult) {
			freq = true;
			period = n;
		} else if (n > UINT64_MAX / units[i].mult) {
			sb_printf(err, "%s period is too long: %s%s", p->name, parts[1], parts[0]);
			return -1;
		} else {
			period = n * units[i].mult;
		}
	} else if (nparts == 1) {
		int r = parse_duration(parts[0], &period);

		if (r == -2) {
			sb_printf(err, "%s period is too long: %s", p->name, parts[0]);
			return -1;
		}
		if (r < 0) {
			sb_printf(err,
				  "%s period should be a duration such as 1s or 100ms, or a "
				  "number of nanoseconds, not '%s'",
				  p->name, parts[0]);
			return -1;
		}
		/* cpu-clock cannot go faster; a bare 99 is more likely meant as Hz. */
		if (period < 1000) {
			sb_printf(err,
				  "%s period must be at least 1us (1000 ns), not '%s'; for a "
				  "frequency write %s:hz:N",
				  p->name, parts[0], p->name);
			return -1;
		}
	} else {
		sb_printf(err, "%s probe type requires 1 or 2 arguments, as in %s:s:1 or %s:100ms",
			  p->name, p->name, p->name);
		return -1;
	}

	sb_init(&name);
	sb_puts(&name, p->name);
	for (int i = 0; i < nparts; i++) {
		sb_putc(&name, ':');
		sb_puts(&name, parts[i]);
	}
	t = provider_target_new(p, name.buf, name.buf + strlen(p->name) + 1);
	sb_free(&name);
	t->period = period;
	t->freq = freq;
	vec_push(out, t);
	return 1;
}

static int timer_fields(const struct attach_target *t, struct vec *out, struct strbuf *err)
{
	return 0;
}

static int interval_attach(struct bpf_program *prog, const struct attach_target *t,
			   struct vec *links, struct strbuf *err)
{
	return perf_attach_sw(prog, t, PERF_COUNT_SW_CPU_CLOCK, false, links, err);
}

static int profile_attach(struct bpf_program *prog, const struct attach_target *t,
			  struct vec *links, struct strbuf *err)
{
	return perf_attach_sw(prog, t, PERF_COUNT_SW_CPU_CLOCK, true, links, err);
}

static const char *const interval_aliases[] = {"i", NULL};
static const char *const profile_aliases[] = {"p", NULL};

const struct provider provider_interval = {
	.name = "interval",
	.aliases = interval_aliases,
	.section = "perf_event",
	.expand = timer_expand,
	.fields = timer_fields,
	.attach = interval_attach,
};

const struct provider provider_profile = {
	.name = "profile",
	.aliases = profile_aliases,
	.section = "perf_event",
	.expand = timer_expand,
	.fields = timer_fields,
	.attach = profile_attach,
};
