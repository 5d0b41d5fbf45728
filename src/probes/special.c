// SPDX-License-Identifier: GPL-2.0
/*
 * BEGIN and END: programs of type raw_tp that are never attached; the
 * driver runs them with BPF_PROG_TEST_RUN at start and at exit.
 */
#include <string.h>

#include "probes/provider.h"

static int special_expand(const struct provider *p, char **parts, int nparts, struct vec *out,
			  struct strbuf *err)
{
	/* bpftrace accepts (and ignores) a lone '*', as listing produces it. */
	if (nparts > 1 || (nparts == 1 && strcmp(parts[0], "*"))) {
		sb_printf(err, "%s probe type requires 0 arguments", p->name);
		return -1;
	}
	/* Current bpftrace names these probes begin/end however spelled. */
	vec_push(out, provider_target_new(p, p->aliases[0], p->name));
	return 1;
}

static int special_fields(const struct attach_target *t, struct vec *out, struct strbuf *err)
{
	return 0;
}

static int special_attach(struct bpf_program *prog, const struct attach_target *t,
			  struct vec *links, struct strbuf *err)
{
	return 0;
}

static const char *const begin_aliases[] = {"begin", NULL};
static const char *const end_aliases[] = {"end", NULL};

const struct provider provider_begin = {
	.name = "BEGIN",
	.aliases = begin_aliases,
	.section = "raw_tp",
	.expand = special_expand,
	.fields = special_fields,
	.attach = special_attach,
};

const struct provider provider_end = {
	.name = "END",
	.aliases = end_aliases,
	.section = "raw_tp",
	.expand = special_expand,
	.fields = special_fields,
	.attach = special_attach,
};

/* self:signal:SIGUSR1: run like BEGIN, whenever sonde receives SIGUSR1. */
static int self_expand(const struct provider *p, char **parts, int nparts, struct vec *out,
		       struct strbuf *err)
{
	if (nparts != 2 || strcmp(parts[0], "signal") || strcmp(parts[1], "SIGUSR1")) {
		sb_printf(err, "%s probes support only self:signal:SIGUSR1", p->name);
		return -1;
	}
	vec_push(out, provider_target_new(p, "self:signal:SIGUSR1", "SIGUSR1"));
	return 1;
}

const struct provider provider_self = {
	.name = "self",
	.section = "raw_tp",
	.expand = self_expand,
	.fields = special_fields,
	.attach = special_attach,
};
