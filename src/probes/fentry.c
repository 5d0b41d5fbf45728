// SPDX-License-Identifier: GPL-2.0
/*
 * fentry/fexit[:vmlinux]:FUNC (aliases f/fr, kfunc/kretfunc): BPF
 * trampolines on kernel functions named in the kernel BTF. The program's
 * section is "fentry/FUNC" or "fexit/FUNC", from which libbpf resolves the
 * attach BTF id at load, so one program serves one function: a wildcard
 * must match a single function. Args are typed from the function's BTF
 * prototype (args.NAME, one u64 slot each); fexit's retval is the slot
 * after them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "prog/prog.h"
#include "probes/btf_args.h"
#include "probes/provider.h"

static int fe_expand(const struct provider *p, char **parts, int nparts, struct vec *out,
		     struct strbuf *err)
{
	const char *func = parts[nparts - 1];
	struct btf *btf;
	struct vec names = {0};
	uint32_t n;

	if (nparts != 1 && nparts != 2) {
		sb_printf(err, "%s probe type requires 1 or 2 arguments: %s:[vmlinux:]FUNCTION",
			  p->name, p->name);
		return -1;
	}
	if (nparts == 2 && !util_wildcard_match(parts[0], "vmlinux")) {
		sb_printf(err, "%s probes on module %s are not supported yet, only vmlinux",
			  p->name, parts[0]);
		return -1;
	}
	btf = probe_vmlinux_btf(err);
	if (!btf)
		return -1;
	n = btf__type_cnt(btf);
	for (uint32_t id = 1; id < n && names.n < 2; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *name;

		if (!btf_is_func(t))
			continue;
		name = btf__name_by_offset(btf, t->name_off);
		if (name && util_wildcard_match(func, name))
			vec_push(&names, (void *)name);
	}
	if (!names.n) {
		sb_printf(err, "could not find kernel function '%s' in the kernel BTF", func);
		vec_free(&names);
		return -1;
	}
	if (names.n > 1) {
		sb_printf(err,
			  "%s:%s matches several functions: one %s probe attaches to one "
			  "function for now",
			  p->name, func, p->name);
		vec_free(&names);
		return -1;
	}
	{
		char *full = xasprintf("%s:vmlinux:%s", p->name, (char *)names.v[0]);
		struct attach_target *t = provider_target_new(p, full, names.v[0]);
		struct vec fields = {0};

		t->func = xstrdup(names.v[0]);
		/* fexit: retval follows the arguments' slots. */
		if (btf_func_fields(t->target, 0, &fields, err) >= 0)
			t->offset = 8 * fields.n;
		for (size_t i = 0; i < fields.n; i++)
			provider_field_free(fields.v[i]);
		vec_free(&fields);
		free(full);
		vec_push(out, t);
	}
	vec_free(&names);
	return 1;
}

static int fe_fields(const struct attach_target *t, struct vec *out, struct strbuf *err)
{
	return btf_func_fields(t->target, 0, out, err);
}

static int fe_attach(struct bpf_program *prog, const struct attach_target *t, struct vec *links,
		     struct strbuf *err)
{
	struct bpf_link *link = bpf_program__attach_trace(prog);

	if (!link) {
		int e = errno;

		if (e == ENOTSUP || e == EOPNOTSUPP || e == ENODEV || e == EINVAL || e == EBUSY ||
		    e == 524 /* ENOTSUPP */)
			sb_printf(err, "fentry/fexit are not available: this kernel cannot attach "
				       "BPF trampolines");
		else
			sb_printf(err, "cannot attach to %s: %s", t->name, strerror(e));
		return -1;
	}
	vec_push(links, link);
	return 0;
}

/* The section names the function: libbpf finds its BTF id at load. */
static void fe_prepare(struct prog_desc *pd, struct program *p)
{
	struct attach_target *t = pd->targets.n ? pd->targets.v[0] : NULL;

	if (t)
		pd->section = arena_printf(&p->arena, "%s/%s", pd->prov->section, t->target);
	for (size_t i = 0; i < pd->targets.n; i++) {
		t = pd->targets.v[i];
		t->cookie |= (uint64_t)prog_probe_name(p, t->func) << 32;
	}
}

static const char *const fentry_aliases[] = {"f", "kfunc", NULL};
static const char *const fexit_aliases[] = {"fr", "kretfunc", NULL};

const struct provider provider_fentry = {
	.name = "fentry",
	.aliases = fentry_aliases,
	.section = "fentry",
	.has_args = true,
	.expand = fe_expand,
	.fields = fe_fields,
	.attach = fe_attach,
	.prepare = fe_prepare,
};

const struct provider provider_fexit = {
	.name = "fexit",
	.aliases = fexit_aliases,
	.section = "fexit",
	.has_args = true,
	.ctx_regs = PROVIDER_REGS_RETVAL,
	.expand = fe_expand,
	.fields = fe_fields,
	.attach = fe_attach,
	.prepare = fe_prepare,
};
