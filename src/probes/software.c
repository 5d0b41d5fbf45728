// SPDX-License-Identifier: GPL-2.0
/*
 * software:EVENT[:COUNT]: a software perf event on every online CPU,
 * firing every COUNT occurrences (bpftrace's default counts otherwise).
 */
#include <linux/perf_event.h>
#include <stdlib.h>
#include <string.h>

#include "probes/provider.h"

static const struct sw_event {
	const char *name, *alias;
	uint64_t config;
	uint64_t default_count;
} sw_events[] = {
	{"cpu-clock", "cpu", PERF_COUNT_SW_CPU_CLOCK, 1000000},
	{"task-clock", NULL, PERF_COUNT_SW_TASK_CLOCK, 1},
	{"page-faults", "faults", PERF_COUNT_SW_PAGE_FAULTS, 100},
	{"context-switches", "cs", PERF_COUNT_SW_CONTEXT_SWITCHES, 1000},
	{"cpu-migrations", NULL, PERF_COUNT_SW_CPU_MIGRATIONS, 1},
	{"minor-faults", NULL, PERF_COUNT_SW_PAGE_FAULTS_MIN, 100},
	{"major-faults", NULL, PERF_COUNT_SW_PAGE_FAULTS_MAJ, 1},
	{"alignment-faults", NULL, PERF_COUNT_SW_ALIGNMENT_FAULTS, 1},
	{"emulation-faults", NULL, PERF_COUNT_SW_EMULATION_FAULTS, 1},
	{"dummy", NULL, PERF_COUNT_SW_DUMMY, 1},
	{"bpf-output", NULL, PERF_COUNT_SW_BPF_OUTPUT, 1},
};

static const struct sw_event *sw_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(sw_events); i++)
		if (!strcmp(sw_events[i].name, name) ||
		    (sw_events[i].alias && !strcmp(sw_events[i].alias, name)))
			return &sw_events[i];
	return NULL;
}

static int sw_expand(const struct provider *p, char **parts, int nparts, struct vec *out,
		     struct strbuf *err)
{
	const struct sw_event *ev;
	struct attach_target *t;
	uint64_t count;
	char *name;

	if (nparts != 1 && nparts != 2) {
		sb_printf(err, "%s probe type requires 1 or 2 arguments", p->name);
		return -1;
	}
	if (strchr(parts[0], '*')) {
		sb_printf(err, "%s probes do not support wildcards: %s", p->name, parts[0]);
		return -1;
	}
	ev = sw_find(parts[0]);
	if (!ev) {
		sb_printf(err, "unknown software event: %s", parts[0]);
		return -1;
	}
	count = ev->default_count;
	if (nparts == 2) {
		char *end;

		count = strtoull(parts[1], &end, 0);
		if (!*parts[1] || *end || parts[1][0] == '-' || count == 0) {
			sb_printf(err,
				  "software event count should be a positive integer, not '%s'",
				  parts[1]);
			return -1;
		}
	}
	name = nparts == 2 ? xasprintf("%s:%s:%s", p->name, parts[0], parts[1])
			   : xasprintf("%s:%s", p->name, parts[0]);
	t = provider_target_new(p, name, ev->name);
	free(name);
	t->period = count;
	vec_push(out, t);
	return 1;
}

static int sw_fields(const struct attach_target *t, struct vec *out, struct strbuf *err)
{
	return 0;
}

static int sw_attach(struct bpf_program *prog, const struct attach_target *t, struct vec *links,
		     struct strbuf *err)
{
	const struct sw_event *ev = sw_find(t->target);

	if (!ev) {
		sb_printf(err, "unknown software event: %s", t->target);
		return -1;
	}
	return perf_attach_sw(prog, t, ev->config, true, links, err);
}

static const char *const sw_aliases[] = {"s", NULL};

const struct provider provider_software = {
	.name = "software",
	.aliases = sw_aliases,
	.section = "perf_event",
	.expand = sw_expand,
	.fields = sw_fields,
	.attach = sw_attach,
};

/* The i-th software event name or alias, NULL past the end (for -l). */
const char *software_event_name(size_t i)
{
	for (size_t j = 0; j < ARRAY_SIZE(sw_events); j++) {
		if (!i--)
			return sw_events[j].name;
		if (sw_events[j].alias && !i--)
			return sw_events[j].alias;
	}
	return NULL;
}
