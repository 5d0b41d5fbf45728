// SPDX-License-Identifier: GPL-2.0
/*
 * Perf events other than software ones:
 *   hardware:EVENT[:COUNT]   a PMU counter on every online CPU
 *   watchpoint:ADDR:LEN:MODE a hardware breakpoint (MODE: r, w, x, rw...),
 *                            in the -p/-c process, or on every CPU for a
 *                            kernel address without one
 */
#include <errno.h>
#include <linux/hw_breakpoint.h>
#include <linux/perf_event.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "probes/provider.h"

static const struct hw_event {
	const char *name, *alias;
	uint64_t config;
} hw_events[] = {
	{"cpu-cycles", "cycles", PERF_COUNT_HW_CPU_CYCLES},
	{"instructions", NULL, PERF_COUNT_HW_INSTRUCTIONS},
	{"cache-references", NULL, PERF_COUNT_HW_CACHE_REFERENCES},
	{"cache-misses", NULL, PERF_COUNT_HW_CACHE_MISSES},
	{"branch-instructions", "branches", PERF_COUNT_HW_BRANCH_INSTRUCTIONS},
	{"branch-misses", NULL, PERF_COUNT_HW_BRANCH_MISSES},
	{"bus-cycles", NULL, PERF_COUNT_HW_BUS_CYCLES},
	{"frontend-stalls", NULL, PERF_COUNT_HW_STALLED_CYCLES_FRONTEND},
	{"backend-stalls", NULL, PERF_COUNT_HW_STALLED_CYCLES_BACKEND},
	{"ref-cycles", NULL, PERF_COUNT_HW_REF_CPU_CYCLES},
};

#define HW_DEFAULT_COUNT 1000000

static const struct hw_event *hw_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(hw_events); i++)
		if (!strcmp(hw_events[i].name, name) ||
		    (hw_events[i].alias && !strcmp(hw_events[i].alias, name)))
			return &hw_events[i];
	return NULL;
}

const char *hardware_event_name(size_t i)
{
	for (size_t j = 0; j < ARRAY_SIZE(hw_events); j++) {
		if (!i--)
			return hw_events[j].name;
		if (hw_events[j].alias && !i--)
			return hw_events[j].alias;
	}
	return NULL;
}

static bool parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!*s || *s == '-')
		return false;
	*v = strtoull(s, &end, 0);
	return !*end;
}

static int hw_expand(const struct provider *p, char **parts, int nparts, struct vec *out,
		     struct strbuf *err)
{
	const struct hw_event *ev;
	struct attach_target *t;
	uint64_t count = HW_DEFAULT_COUNT;
	char *name;

	if (nparts != 1 && nparts != 2) {
		sb_printf(err, "hardware probe type requires 1 or 2 arguments");
		return -1;
	}
	ev = hw_find(parts[0]);
	if (!ev) {
		sb_printf(err, "unknown hardware event: %s", parts[0]);
		return -1;
	}
	if (nparts == 2 && (!parse_u64(parts[1], &count) || !count)) {
		sb_printf(err, "hardware event count should be a positive integer, not '%s'",
			  parts[1]);
		return -1;
	}
	name = nparts == 2 ? xasprintf("hardware:%s:%s", parts[0], parts[1])
			   : xasprintf("hardware:%s", parts[0]);
	t = provider_target_new(p, name, ev->name);
	t->period = count;
	free(name);
	vec_push(out, t);
	return 1;
}

static int open_attr(struct perf_event_attr *attr, int pid, int cpu)
{
	long fd = syscall(__NR_perf_event_open, attr, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);

	return fd < 0 ? -errno : (int)fd;
}

/* Open attr on each CPU (pid -1) or in pid (cpu -1) and attach prog to each. */
static int attach_attr(struct bpf_program *prog, const struct attach_target *t,
		       struct perf_event_attr *attr, int pid, struct vec *links, struct strbuf *err)
{
	LIBBPF_OPTS(bpf_perf_event_opts, opts, .bpf_cookie = t->cookie);
	size_t start = links->n;
	int *cpus = NULL, ncpus = 1;

	if (pid <= 0) {
		ncpus = perf_online_cpus(&cpus);
		if (ncpus < 0) {
			sb_printf(err, "cannot read the online CPUs for %s: %s", t->name,
				  strerror(-ncpus));
			return -1;
		}
	}
	for (int i = 0; i < ncpus; i++) {
		int fd = open_attr(attr, pid > 0 ? pid : -1, cpus ? cpus[i] : -1);
		struct bpf_link *link;

		if (fd < 0) {
			if (attr->type == PERF_TYPE_HARDWARE &&
			    (fd == -ENOENT || fd == -EOPNOTSUPP))
				sb_printf(err,
					  "hardware events are not available: this machine has no "
					  "hardware performance counters (%s)",
					  strerror(-fd));
			else
				sb_printf(err, "cannot open a perf event for %s: %s", t->name,
					  strerror(-fd));
			goto fail;
		}
		link = bpf_program__attach_perf_event_opts(prog, fd, &opts);
		if (!link) {
			int e = errno;

			close(fd);
			sb_printf(err, "cannot attach to %s: %s", t->name, strerror(e));
			goto fail;
		}
		vec_push(links, link); /* the link closes the fd */
	}
	free(cpus);
	return 0;
fail:
	while (links->n > start)
		bpf_link__destroy(links->v[--links->n]);
	free(cpus);
	return -1;
}

static int hw_attach(struct bpf_program *prog, const struct attach_target *t, struct vec *links,
		     struct strbuf *err)
{
	const struct hw_event *ev = hw_find(t->target);
	struct perf_event_attr attr = {
		.type = PERF_TYPE_HARDWARE,
		.size = sizeof(attr),
		.config = ev ? ev->config : 0,
		.sample_period = t->period,
	};

	return attach_attr(prog, t, &attr, provider_pid, links, err);
}

static int no_fields(const struct attach_target *t, struct vec *out, struct strbuf *err)
{
	(void)t;
	(void)out;
	(void)err;
	return 0;
}

/* watchpoint:ADDR:LEN:MODE; the target keeps ADDR in offset, LEN and MODE in period. */
static int wp_expand(const struct provider *p, char **parts, int nparts, struct vec *out,
		     struct strbuf *err)
{
	uint64_t addr, len;
	unsigned mode = 0;
	struct attach_target *t;
	char *name;

	if (nparts != 3) {
		sb_printf(err, "watchpoint probe type requires 3 arguments: "
			       "watchpoint:ADDRESS:LENGTH:MODE");
		return -1;
	}
	if (!parse_u64(parts[0], &addr) || !addr) {
		sb_printf(err, "invalid watchpoint address: %s", parts[0]);
		return -1;
	}
	if (!parse_u64(parts[1], &len) || (len != 1 && len != 2 && len != 4 && len != 8)) {
		sb_printf(err, "invalid watchpoint length %s: use 1, 2, 4 or 8", parts[1]);
		return -1;
	}
	for (const char *m = parts[2]; *m; m++) {
		unsigned bit = *m == 'r'   ? HW_BREAKPOINT_R
			       : *m == 'w' ? HW_BREAKPOINT_W
			       : *m == 'x' ? HW_BREAKPOINT_X
					   : 0;

		if (!bit || (mode & bit)) {
			sb_printf(err, "invalid watchpoint mode '%s': use r, w, x or rw", parts[2]);
			return -1;
		}
		mode |= bit;
	}
	if (!mode || ((mode & HW_BREAKPOINT_X) && mode != HW_BREAKPOINT_X)) {
		sb_printf(err, "invalid watchpoint mode '%s': use r, w, x or rw", parts[2]);
		return -1;
	}
	name = xasprintf("watchpoint:%s:%s:%s", parts[0], parts[1], parts[2]);
	t = provider_target_new(p, name, parts[0]);
	free(name);
	t->offset = addr;
	t->period = len << 8 | mode;
	vec_push(out, t);
	return 1;
}

static int wp_attach(struct bpf_program *prog, const struct attach_target *t, struct vec *links,
		     struct strbuf *err)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_BREAKPOINT,
		.size = sizeof(attr),
		.sample_period = 1,
		.bp_addr = t->offset,
		.bp_len = t->period >> 8,
		.bp_type = (uint32_t)(t->period & 0xff),
	};

	if (attr.bp_type == HW_BREAKPOINT_X)
		attr.bp_len = sizeof(long);
	return attach_attr(prog, t, &attr, provider_pid, links, err);
}

static const char *const hw_aliases[] = {"h", NULL};
static const char *const wp_aliases[] = {"w", NULL};

const struct provider provider_hardware = {
	.name = "hardware",
	.aliases = hw_aliases,
	.section = "perf_event",
	.expand = hw_expand,
	.fields = no_fields,
	.attach = hw_attach,
};

const struct provider provider_watchpoint = {
	.name = "watchpoint",
	.aliases = wp_aliases,
	.section = "perf_event",
	.expand = wp_expand,
	.fields = no_fields,
	.attach = wp_attach,
};
