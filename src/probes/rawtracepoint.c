// SPDX-License-Identifier: GPL-2.0
/*
 * rawtracepoint[:module]:event. The kernel describes every tracepoint in
 * its BTF as a `btf_trace_EVENT` typedef, so expansion reads vmlinux BTF,
 * but only when such a probe is used; a module's tracepoints are in its
 * own BTF (modbtf.c), read when the module is named, matched by a module
 * wildcard, or when vmlinux has no such event. The kernel finds a
 * module's tracepoint by its name alone; a module target is "MODULE:event".
 *
 * libbpf 1.1 cannot pass a BPF cookie to a raw tracepoint link, so every
 * target of a raw tracepoint program sees cookie 0.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "probes/provider.h"
#include "sema/sema.h"
#include "probes/btf_args.h"
#include "probes/modbtf.h"

#define BTF_TRACE_PREFIX "btf_trace_"

struct btf *probe_vmlinux_btf(struct strbuf *err)
{
	struct btf *btf = sema_vmlinux_btf();

	if (btf)
		return btf;
	if (access("/sys/kernel/btf/vmlinux", F_OK))
		sb_printf(err, "raw tracepoints need the kernel's BTF, and this kernel has none "
			       "(/sys/kernel/btf/vmlinux is missing: CONFIG_DEBUG_INFO_BTF)");
	else
		sb_printf(err, "cannot load the kernel BTF to find raw tracepoints: %s",
			  strerror(errno ? errno : ENOENT));
	return NULL;
}

static void rt_add(const struct provider *p, const char *module, const char *event, struct vec *out)
{
	char *name = module ? xasprintf("%s:%s:%s", p->name, module, event)
			    : xasprintf("%s:%s", p->name, event);
	char *target = module && strcmp(module, "vmlinux") ? xasprintf("%s:%s", module, event)
							   : xstrdup(event);

	vec_push(out, provider_target_new(p, name, target));
	free(name);
	free(target);
}

/* The events of btf (module: its name, NULL for vmlinux unnamed) matching event. */
static void rt_find(const struct provider *p, const struct btf *btf, const char *module,
		    const char *event, struct vec *out)
{
	if (!strchr(event, '*')) {
		char *tname = xasprintf(BTF_TRACE_PREFIX "%s", event);
		int id = btf__find_by_name_kind(btf, tname, BTF_KIND_TYPEDEF);

		if (id > 0 && (uint32_t)id >= modbtf_first_id(btf))
			rt_add(p, module, event, out);
		free(tname);
		return;
	}
	uint32_t n = btf__type_cnt(btf);

	for (uint32_t id = modbtf_first_id(btf); id < n; id++) {
		const struct btf_type *bt = btf__type_by_id(btf, id);
		const char *tname;

		if (!btf_is_typedef(bt))
			continue;
		tname = btf__name_by_offset(btf, bt->name_off);
		if (!tname || strncmp(tname, BTF_TRACE_PREFIX, strlen(BTF_TRACE_PREFIX)))
			continue;
		tname += strlen(BTF_TRACE_PREFIX);
		if (util_wildcard_match(event, tname))
			rt_add(p, module, tname, out);
	}
}

static int rt_expand(const struct provider *p, char **parts, int nparts, struct vec *out,
		     struct strbuf *err)
{
	const char *module = NULL, *event;
	size_t start = out->n;
	struct btf *btf;

	if (nparts == 1) {
		event = parts[0];
	} else if (nparts == 2) {
		module = parts[0];
		event = parts[1];
	} else {
		sb_printf(err, "%s probe type requires 1 or 2 arguments", p->name);
		return -1;
	}
	if (!*event) {
		sb_printf(err, "raw tracepoint not found: %s", event);
		return -1;
	}
	if (module && !strchr(module, '*')) {
		/* One module named: vmlinux or a module's own BTF. */
		btf = modbtf_get(module, err);
		if (!btf)
			return -1;
		rt_find(p, btf, module, event, out);
	} else {
		btf = probe_vmlinux_btf(err);
		if (!btf)
			return -1;
		if (!module || util_wildcard_match(module, "vmlinux"))
			rt_find(p, btf, module ? "vmlinux" : NULL, event, out);
		/* Modules: when a wildcard names them, or vmlinux has no such event. */
		if ((module || out->n == start) &&
		    modbtf_find_in_modules(p, module ? module : "*", event, rt_find, out, err))
			return -1;
	}
	if (out->n == start) {
		if (module && strcmp(module, "vmlinux"))
			sb_printf(err, "raw tracepoint not found: %s:%s", module, event);
		else
			sb_printf(err, "raw tracepoint not found: %s", event);
		return PROVIDER_MISSING;
	}
	provider_targets_sort(out, start);
	return (int)(out->n - start);
}

/* C text of a BTF type, as -lv shows it: "const char *", "pid_t", "struct rq *". */
static void type_text(const struct btf *btf, uint32_t id, struct strbuf *sb, int depth)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	const char *name = t ? btf__name_by_offset(btf, t->name_off) : NULL;

	if (!t || !id || depth > 8) {
		sb_printf(sb, "void");
		return;
	}
	switch (btf_kind(t)) {
	case BTF_KIND_CONST:
		sb_printf(sb, "const ");
		type_text(btf, t->type, sb, depth + 1);
		return;
	case BTF_KIND_VOLATILE:
		sb_printf(sb, "volatile ");
		type_text(btf, t->type, sb, depth + 1);
		return;
	case BTF_KIND_PTR: {
		const struct btf_type *to = btf__type_by_id(btf, t->type);

		if (to && btf_is_func_proto(to)) {
			sb_printf(sb, "void *");
			return;
		}
		type_text(btf, t->type, sb, depth + 1);
		sb_printf(sb, " *");
		return;
	}
	case BTF_KIND_STRUCT:
		sb_printf(sb, "struct %s", name && *name ? name : "(anon)");
		return;
	case BTF_KIND_UNION:
		sb_printf(sb, "union %s", name && *name ? name : "(anon)");
		return;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		sb_printf(sb, "enum %s", name && *name ? name : "(anon)");
		return;
	default:
		sb_printf(sb, "%s", name && *name ? name : "void");
	}
}

/*
 * Typed args of a raw tracepoint: the parameters (after `void *__data`) of
 * the kernel's __bpf_trace_EVENT function, which BTF records with names.
 * Each one fills a u64 slot of the context, little-endian, so an int of
 * size N is the first N bytes of its slot.
 */
static int rt_fields(const struct attach_target *t, struct vec *out, struct strbuf *err)
{
	const char *event = strchr(t->target, ':');
	/* A module's: "MODULE:__bpf_trace_EVENT" */
	char *fname = event ? xasprintf("%.*s:__bpf_trace_%s", (int)(event - t->target), t->target,
					event + 1)
			    : xasprintf("__bpf_trace_%s", t->target);
	int n = btf_func_fields(fname, 1, out, err);

	if (n < 0) {
		sb_reset(err);
		sb_printf(err, "cannot find the arguments of raw tracepoint %s in the kernel BTF",
			  t->target);
	}
	free(fname);
	return n;
}

/* A value of BTF type id in a u64 slot at offset, as an args field; NULL if none. */
static struct arg_field *slot_field(const struct btf *btf, uint32_t id, const char *name,
				    uint32_t offset)
{
	const struct btf_type *rt = btf__type_by_id(btf, id);
	struct arg_field *f;
	struct strbuf ty;

	while (rt && (btf_is_typedef(rt) || btf_is_mod(rt)))
		rt = btf__type_by_id(btf, rt->type);
	if (!rt)
		return NULL;
	f = xcalloc(1, sizeof(*f));
	f->name = xstrdup(name ? name : "");
	f->offset = offset;
	sb_init(&ty);
	type_text(btf, id, &ty, 0);
	f->ctype = sb_detach(&ty);
	sb_free(&ty);
	if (btf_is_ptr(rt)) {
		f->kind = ARGF_PTR;
		f->size = 8;
	} else if (btf_is_int(rt) || btf_is_any_enum(rt)) {
		f->kind = ARGF_INT;
		f->size = rt->size;
		f->is_signed = btf_is_int(rt) ? !!(btf_int_encoding(rt) & BTF_INT_SIGNED)
					      : !!(btf_kflag(rt));
	} else {
		f->kind = ARGF_ARRAY; /* a struct by value: listed, not readable */
		f->size = rt->size;
	}
	return f;
}

int btf_func_fields(const char *func, int skip, struct vec *out, struct strbuf *err)
{
	struct btf *btf = modbtf_of_target(&func, err);
	const struct btf_type *fn, *proto;
	const struct btf_param *params;
	int id, added = 0;

	if (!btf)
		return -1;
	id = btf__find_by_name_kind(btf, func, BTF_KIND_FUNC);
	fn = id > 0 ? btf__type_by_id(btf, id) : NULL;
	proto = fn ? btf__type_by_id(btf, fn->type) : NULL;
	if (!proto || !btf_is_func_proto(proto)) {
		sb_printf(err, "cannot find function %s in the kernel BTF", func);
		return -1;
	}
	params = btf_params(proto);
	for (int i = skip; i < btf_vlen(proto); i++) {
		struct arg_field *f = slot_field(btf, params[i].type,
						 btf__name_by_offset(btf, params[i].name_off),
						 8 * (uint32_t)(i - skip));

		if (f) {
			vec_push(out, f);
			added++;
		}
	}
	return added;
}

struct arg_field *btf_func_ret(const char *func)
{
	struct strbuf err;
	struct btf *btf;
	const struct btf_type *fn, *proto;
	int id;

	sb_init(&err);
	btf = modbtf_of_target(&func, &err);
	sb_free(&err);
	id = btf ? btf__find_by_name_kind(btf, func, BTF_KIND_FUNC) : -1;
	fn = id > 0 ? btf__type_by_id(btf, id) : NULL;
	proto = fn ? btf__type_by_id(btf, fn->type) : NULL;
	if (!proto || !btf_is_func_proto(proto) || !proto->type)
		return NULL;
	return slot_field(btf, proto->type, "retval", 0);
}

static int rt_attach(struct bpf_program *prog, const struct attach_target *t, struct vec *links,
		     struct strbuf *err)
{
	const char *event = strchr(t->target, ':'); /* a module's: the kernel knows the name */
	struct bpf_link *link =
		bpf_program__attach_raw_tracepoint(prog, event ? event + 1 : t->target);

	if (!link) {
		sb_printf(err, "cannot attach to %s: %s", t->name, strerror(errno));
		return -1;
	}
	vec_push(links, link);
	return 0;
}

static const char *const rt_aliases[] = {"rt", NULL};

const struct provider provider_rawtracepoint = {
	.name = "rawtracepoint",
	.aliases = rt_aliases,
	.section = "raw_tp",
	.has_args = true,
	.ctx_regs = PROVIDER_REGS_RAW_ARGS,
	.expand = rt_expand,
	.fields = rt_fields,
	.attach = rt_attach,
};
