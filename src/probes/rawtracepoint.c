// SPDX-License-Identifier: GPL-2.0
/*
 * rawtracepoint[:module]:event. The kernel describes every tracepoint in
 * its BTF as a `btf_trace_EVENT` typedef, so expansion reads vmlinux BTF,
 * but only when such a probe is used. Only vmlinux tracepoints for now.
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

#define BTF_TRACE_PREFIX "btf_trace_"

static struct btf *vmlinux_btf(struct strbuf *err)
{
	static struct btf *btf;
	int e;

	if (btf)
		return btf;
	/* libbpf would print its own complaint: our sentence says it all. */
	libbpf_print_fn_t old = libbpf_set_print(NULL);
	btf = btf__load_vmlinux_btf();
	e = errno;
	libbpf_set_print(old);
	if (!btf && access("/sys/kernel/btf/vmlinux", F_OK))
		sb_printf(err, "raw tracepoints need the kernel's BTF, and this kernel has none "
			       "(/sys/kernel/btf/vmlinux is missing: CONFIG_DEBUG_INFO_BTF)");
	else if (!btf)
		sb_printf(err, "cannot load the kernel BTF to find raw tracepoints: %s",
			  strerror(e));
	return btf;
}

static void rt_add(const struct provider *p, const char *module, const char *event, struct vec *out)
{
	char *name = module ? xasprintf("%s:%s:%s", p->name, module, event)
			    : xasprintf("%s:%s", p->name, event);

	vec_push(out, provider_target_new(p, name, event));
	free(name);
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
		if (!util_wildcard_match(module, "vmlinux")) {
			sb_printf(err,
				  "raw tracepoints of module %s are not supported, only vmlinux",
				  module);
			return -1;
		}
		module = "vmlinux";
	} else {
		sb_printf(err, "%s probe type requires 1 or 2 arguments", p->name);
		return -1;
	}
	if (!*event) {
		sb_printf(err, "raw tracepoint not found: %s", event);
		return -1;
	}
	btf = vmlinux_btf(err);
	if (!btf)
		return -1;

	if (!strchr(event, '*')) {
		char *tname = xasprintf(BTF_TRACE_PREFIX "%s", event);

		if (btf__find_by_name_kind(btf, tname, BTF_KIND_TYPEDEF) > 0)
			rt_add(p, module, event, out);
		free(tname);
	} else {
		uint32_t n = btf__type_cnt(btf);

		for (uint32_t id = 1; id < n; id++) {
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
	if (out->n == start) {
		sb_printf(err, "raw tracepoint not found: %s", event);
		return -1;
	}
	provider_targets_sort(out, start);
	return (int)(out->n - start);
}

static int rt_fields(const struct attach_target *t, struct vec *out, struct strbuf *err)
{
	return 0;
}

static int rt_attach(struct bpf_program *prog, const struct attach_target *t, struct vec *links,
		     struct strbuf *err)
{
	struct bpf_link *link = bpf_program__attach_raw_tracepoint(prog, t->target);

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
	.expand = rt_expand,
	.fields = rt_fields,
	.attach = rt_attach,
};
