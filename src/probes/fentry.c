// SPDX-License-Identifier: GPL-2.0
/*
 * fentry/fexit[:vmlinux]:FUNC (aliases f/fr, kfunc/kretfunc): BPF
 * trampolines on kernel functions named in the kernel BTF. The program's
 * section is "fentry/FUNC" or "fexit/FUNC", from which libbpf resolves the
 * attach BTF id at load, so one program serves one function: sema gives
 * each function of a wildcard or list a program of its own. Args are typed from the function's BTF
 * prototype (args.NAME, one u64 slot each); fexit's retval is the slot
 * after them.
 *
 * fentry:MODULE:FUNC reads the module's BTF (modbtf.c); fentry:*:FUNC and a
 * wildcard FUNC without a module search vmlinux and every module with
 * BTF, a plain FUNC searches the modules only when vmlinux lacks it. A
 * module's target is "MODULE:FUNC"; its section still names FUNC alone,
 * since libbpf 1.1 takes no module there: it looks in vmlinux first, then
 * in the modules, so a module function that vmlinux also has is refused.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "prog/prog.h"
#include "probes/btf_args.h"
#include "probes/modbtf.h"
#include "probes/provider.h"

/* The functions of btf (module's own types only) matching func. */
static void fe_find(const struct provider *p, const struct btf *btf, const char *module,
		    const char *func, struct vec *out)
{
	uint32_t n = btf__type_cnt(btf);
	bool vmlinux = !strcmp(module, "vmlinux");

	for (uint32_t id = modbtf_first_id(btf); id < n; id++) {
		const struct btf_type *bt = btf__type_by_id(btf, id);
		const char *name;
		char *full, *target;
		struct attach_target *t;
		const struct btf_type *proto;

		if (!btf_is_func(bt))
			continue;
		name = btf__name_by_offset(btf, bt->name_off);
		if (!name || !util_wildcard_match(func, name))
			continue;
		full = xasprintf("%s:%s:%s", p->name, module, name);
		target = vmlinux ? xstrdup(name) : xasprintf("%s:%s", module, name);
		t = provider_target_new(p, full, target);
		free(full);
		free(target);
		t->func = xstrdup(name);
		/* fexit: retval follows the arguments' slots, one per parameter. */
		proto = btf__type_by_id(btf, bt->type);
		if (proto && btf_is_func_proto(proto))
			t->offset = 8 * (uint64_t)btf_vlen(proto);
		vec_push(out, t);
	}
}

static int fe_expand(const struct provider *p, char **parts, int nparts, struct vec *out,
		     struct strbuf *err)
{
	const char *func = parts[nparts - 1];
	const char *module = nparts == 2 ? parts[0] : NULL;
	struct btf *btf;
	size_t before = out->n;

	if (nparts != 1 && nparts != 2) {
		sb_printf(err, "%s probe type requires 1 or 2 arguments: %s:[MODULE:]FUNCTION",
			  p->name, p->name);
		return -1;
	}
	if (module && !strchr(module, '*')) {
		btf = modbtf_get(module, err);
		if (!btf)
			return -1;
		fe_find(p, btf, module, func, out);
	} else {
		btf = probe_vmlinux_btf(err);
		if (!btf)
			return -1;
		if (!module || util_wildcard_match(module, "vmlinux"))
			fe_find(p, btf, "vmlinux", func, out);
		if ((module || strchr(func, '*') || out->n == before) &&
		    modbtf_find_in_modules(p, module ? module : "*", func, fe_find, out, err))
			return -1;
	}
	if (out->n == before) {
		if (module && strcmp(module, "vmlinux"))
			sb_printf(err, "could not find function '%s' in the BTF of module %s", func,
				  module);
		else
			sb_printf(err, "could not find kernel function '%s' in the kernel BTF",
				  func);
		return -1;
	}
	/* libbpf would find vmlinux's function first (checked at attach for wildcards). */
	bool in_module = false;

	for (size_t i = before; i < out->n && !strchr(func, '*'); i++)
		in_module |= strchr(((struct attach_target *)out->v[i])->target, ':') != NULL;
	if (in_module && btf__find_by_name_kind(probe_vmlinux_btf(err), func, BTF_KIND_FUNC) > 0) {
		sb_printf(err,
			  "%s:%s:%s: vmlinux has a function of the same name, and attaching to a "
			  "module's function of that name is not supported yet",
			  p->name, module ? module : "*", func);
		for (size_t i = before; i < out->n; i++)
			provider_target_free(out->v[i]);
		out->n = before;
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
	struct bpf_link *link;
	struct btf *vmlinux;

	/* libbpf found FUNC's BTF id in vmlinux first: not the module's. */
	if (strchr(t->target, ':') && (vmlinux = probe_vmlinux_btf(err)) &&
	    btf__find_by_name_kind(vmlinux, t->func, BTF_KIND_FUNC) > 0) {
		sb_printf(err,
			  "%s: vmlinux has a function of the same name, and attaching to a "
			  "module's function of that name is not supported yet",
			  t->name);
		return -1;
	}
	link = bpf_program__attach_trace(prog);
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
		pd->section = arena_printf(&p->arena, "%s/%s", pd->prov->section, t->func);
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
