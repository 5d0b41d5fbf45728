// SPDX-License-Identifier: GPL-2.0
/*
 * fentry/fexit[:vmlinux]:FUNC (aliases f/fr, kfunc/kretfunc): BPF
 * trampolines on kernel functions named in the kernel BTF. The program's
 * section is "fentry/FUNC" or "fexit/FUNC", from which libbpf resolves the
 * attach BTF id at load, so one program serves one function: sema gives
 * each function of a wildcard or list a program of its own. Args are typed from the function's BTF
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
	size_t before = out->n;
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
	for (uint32_t id = 1; id < n; id++) {
		const struct btf_type *bt = btf__type_by_id(btf, id);
		const char *name;
		char *full;
		struct attach_target *t;
		const struct btf_type *proto;

		if (!btf_is_func(bt))
			continue;
		name = btf__name_by_offset(btf, bt->name_off);
		if (!name || !util_wildcard_match(func, name))
			continue;
		full = xasprintf("%s:vmlinux:%s", p->name, name);
		t = provider_target_new(p, full, name);
		free(full);
		t->func = xstrdup(name);
		/* fexit: retval follows the arguments' slots, one per parameter. */
		proto = btf__type_by_id(btf, bt->type);
		if (proto && btf_is_func_proto(proto))
			t->offset = 8 * (uint64_t)btf_vlen(proto);
		vec_push(out, t);
	}
	if (out->n == before) {
		sb_printf(err, "could not find kernel function '%s' in the kernel BTF", func);
		return -1;
	}
	/* One program per function (fentry/FUNC): sorted, like bpftrace lists them. */
	provider_targets_sort(out, before);
	/* A static function of several files has several BTF entries: one probe. */
	size_t k = before;
	for (size_t i = before; i < out->n; i++) {
		struct attach_target *t = out->v[i];
		if (k > before && !strcmp(((struct attach_target *)out->v[k - 1])->name, t->name))
			provider_target_free(t);
		else
			out->v[k++] = t;
	}
	out->n = k;
	return (int)(out->n - before);
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
	.prog_per_target = true,
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
	.prog_per_target = true,
	.expand = fe_expand,
	.fields = fe_fields,
	.attach = fe_attach,
	.prepare = fe_prepare,
};
