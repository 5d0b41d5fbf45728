// SPDX-License-Identifier: GPL-2.0
/*
 * -d types: the program contract as the runtime will see it, so that a
 * user can check what sema decided (map key/value types, BPF map kinds,
 * the events and their argument layouts) without reading LLVM IR.
 */
#include "prog/prog.h"

static const char *const agg_names[] = {
	[AGG_NONE] = "value",	   [AGG_COUNT] = "count", [AGG_SUM] = "sum",
	[AGG_AVG] = "avg",	   [AGG_MIN] = "min",	  [AGG_MAX] = "max",
	[AGG_STATS] = "stats",	   [AGG_HIST] = "hist",	  [AGG_LHIST] = "lhist",
	[AGG_TSERIES] = "tseries",
};

static const char *const event_names[] = {
	[EV_PRINTF] = "printf",
	[EV_PRINT_MAP] = "print_map",
	[EV_PRINT_VALUE] = "print_value",
	[EV_TIME] = "time",
	[EV_EXIT] = "exit",
	[EV_CLEAR] = "clear",
	[EV_ZERO] = "zero",
	[EV_DELETE_ALL] = "delete_all",
	[EV_SYSTEM] = "system",
	[EV_CAT] = "cat",
	[EV_JOIN] = "join",
	[EV_ERRORF] = "errorf",
	[EV_WARNF] = "warnf",
	[EV_HELPER_ERROR] = "helper_error",
	[EV_RUNTIME_ERROR] = "runtime_error",
};

void prog_dump(const struct program *p, struct strbuf *sb)
{
	sb_puts(sb, "Maps:\n");
	for (size_t i = 0; i < p->maps.n; i++) {
		const struct map_desc *m = p->maps.v[i];
		sb_printf(sb, "  %s: %s", m->name, agg_names[m->agg]);
		if (m->key)
			sb_printf(sb, " key %s", type_str(m->key));
		if (m->agg == AGG_NONE && m->value)
			sb_printf(sb, " value %s", type_str(m->value));
		sb_printf(sb, " (bpf type %u, key %u, value %u bytes%s)\n", m->bpf_type,
			  m->key_size, m->value_size, m->percpu ? ", per-CPU" : "");
	}
	sb_puts(sb, "Events:\n");
	for (size_t i = 0; i < p->events.n; i++) {
		const struct event_desc *e = p->events.v[i];
		sb_printf(sb, "  #%d %s", e->id, event_names[e->kind]);
		if (e->fmt) {
			sb_puts(sb, " \"");
			for (const char *c = e->fmt; *c; c++) {
				if (*c == '\n')
					sb_puts(sb, "\\n");
				else
					sb_putc(sb, *c);
			}
			sb_putc(sb, '"');
		}
		for (int a = 0; a < e->nargs; a++)
			sb_printf(sb, "%s%s@%u", a ? ", " : " (", type_str(e->args[a].type),
				  e->args[a].offset);
		if (e->nargs)
			sb_putc(sb, ')');
		sb_putc(sb, '\n');
	}
	sb_puts(sb, "Programs:\n");
	for (size_t i = 0; i < p->progs.n; i++) {
		const struct prog_desc *pd = p->progs.v[i];
		sb_printf(sb, "  %s [%s] %zu target%s\n", pd->func_name, pd->section, pd->targets.n,
			  pd->targets.n == 1 ? "" : "s");
	}
}
