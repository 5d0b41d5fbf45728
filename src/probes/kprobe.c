// SPDX-License-Identifier: GPL-2.0
/*
 * kprobe/kretprobe:[MODULE:]FUNC[+OFF]. Functions come from /proc/kallsyms
 * (text symbols), read only when such a probe is used. Each target's
 * cookie also names its function for `func` (high 32 bits).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "prog/prog.h"
#include "probes/multi.h"
#include "probes/provider.h"

static void kp_add(const struct provider *p, const char *module, const char *fn, const char *shown,
		   uint64_t off, struct vec *out)
{
	char *name = module ? xasprintf("%s:%s:%s", p->name, module, shown)
			    : xasprintf("%s:%s", p->name, shown);
	struct attach_target *t = provider_target_new(p, name, fn);

	t->offset = off;
	t->func = xstrdup(fn);
	vec_push(out, t);
	free(name);
}

static int kp_expand(const struct provider *p, char **parts, int nparts, struct vec *out,
		     struct strbuf *err)
{
	const char *module = nparts == 2 ? parts[0] : NULL;
	char *fn, *plus, line[512];
	size_t start = out->n;
	uint64_t off = 0;
	FILE *f;

	if (nparts != 1 && nparts != 2) {
		sb_printf(err, "%s probe type requires 1 or 2 arguments", p->name);
		return -1;
	}
	fn = xstrdup(parts[nparts - 1]);
	plus = strchr(fn, '+');
	if (plus) {
		char *end;

		*plus = '\0';
		off = strtoull(plus + 1, &end, 0);
		if (*end || !plus[1] || strchr(fn, '*')) {
			sb_printf(err, "invalid offset in %s", parts[nparts - 1]);
			free(fn);
			return -1;
		}
	}
	f = fopen("/proc/kallsyms", "re");
	if (!f) {
		sb_printf(err, "cannot read /proc/kallsyms: %s", strerror(errno));
		free(fn);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char type, sym[256], mod[256] = "";
		unsigned long long addr;
		int n = sscanf(line, "%llx %c %255s [%255[^]]]", &addr, &type, sym, mod);

		if (n < 3 || (type != 't' && type != 'T'))
			continue;
		if (module && !util_wildcard_match(module, n == 4 ? mod : "vmlinux"))
			continue;
		if (!util_wildcard_match(fn, sym))
			continue;
		/* Compiler-split parts (foo.cold, foo.isra.0) cannot be probed by name. */
		if (strchr(sym, '.'))
			continue;
		kp_add(p, module ? (n == 4 ? mod : "vmlinux") : NULL, sym,
		       plus ? parts[nparts - 1] : sym, off, out);
		if (!strchr(fn, '*') && !module)
			break;
	}
	fclose(f);
	if (out->n == start) {
		sb_printf(err, "kernel function not found: %s", parts[nparts - 1]);
		free(fn);
		return -1;
	}
	free(fn);
	/* kallsyms repeats static functions of the same name; keep one of each. */
	provider_targets_sort(out, start);
	size_t w = start;
	for (size_t i = start; i < out->n; i++) {
		struct attach_target *t = out->v[i];

		if (w > start && !strcmp(((struct attach_target *)out->v[w - 1])->name, t->name))
			provider_target_free(t);
		else
			out->v[w++] = t;
	}
	out->n = w;
	return (int)(out->n - start);
}

static int kp_fields(const struct attach_target *t, struct vec *out, struct strbuf *err)
{
	(void)t;
	(void)out;
	(void)err;
	return 0;
}

/* Why the kernel cannot attach kprobes, in one sentence, or NULL. */
static const char *kprobe_missing(void)
{
	struct strbuf err;
	const char *tracefs;
	char *path;
	bool ok;

	sb_init(&err);
	tracefs = provider_tracefs(&err);
	sb_free(&err);
	if (!tracefs)
		return NULL;
	path = xasprintf("%s/kprobe_events", tracefs);
	ok = access(path, F_OK) == 0 || access("/sys/bus/event_source/devices/kprobe", F_OK) == 0;
	free(path);
	return ok ? NULL
		  : "kprobes are not available: this kernel was built without CONFIG_KPROBES";
}

static int kp_attach(struct bpf_program *prog, const struct attach_target *t, struct vec *links,
		     struct strbuf *err)
{
	LIBBPF_OPTS(bpf_kprobe_opts, opts, .bpf_cookie = t->cookie, .offset = (size_t)t->offset,
		    .retprobe = !strcmp(t->prov->name, "kretprobe"));
	const char *missing = kprobe_missing();
	struct bpf_link *link;

	if (missing) {
		sb_puts(err, missing);
		return -1;
	}
	link = bpf_program__attach_kprobe_opts(prog, t->target, &opts);
	if (!link) {
		sb_printf(err, "cannot attach to %s: %s", t->name, strerror(errno));
		return -1;
	}
	vec_push(links, link);
	return 0;
}

/* One kprobe_multi link for a probe over several functions (no +OFF: it has none). */
static int kp_load_attach_type(const struct prog_desc *pd)
{
	if (pd->targets.n < 2)
		return 0;
	for (size_t i = 0; i < pd->targets.n; i++)
		if (((const struct attach_target *)pd->targets.v[i])->offset)
			return 0;
	if (!multi_mode(true))
		return 0;
	return multi_mode(true) > 0 || multi_kprobe_kernel() ? BPF_TRACE_KPROBE_MULTI : 0;
}

static int kp_attach_many(struct bpf_program *prog, struct attach_target *const *targets, size_t n,
			  struct vec *links, struct strbuf *err)
{
	const char *missing;

	if (!n || bpf_program__expected_attach_type(prog) != BPF_TRACE_KPROBE_MULTI)
		return 0;
	if ((missing = kprobe_missing())) {
		sb_puts(err, missing);
		return -1;
	}
	return multi_attach_kprobes(prog, targets, n, !strcmp(targets[0]->prov->name, "kretprobe"),
				    links, err);
}

static void kp_prepare(struct prog_desc *pd, struct program *p)
{
	for (size_t i = 0; i < pd->targets.n; i++) {
		struct attach_target *t = pd->targets.v[i];

		t->cookie |= (uint64_t)prog_probe_name(p, t->func) << 32;
	}
}

static const char *const kp_aliases[] = {"k", NULL};
static const char *const kr_aliases[] = {"kr", NULL};

const struct provider provider_kprobe = {
	.name = "kprobe",
	.aliases = kp_aliases,
	.section = "kprobe",
	.ctx_regs = PROVIDER_REGS_ARGS,
	.expand = kp_expand,
	.fields = kp_fields,
	.attach = kp_attach,
	.load_attach_type = kp_load_attach_type,
	.attach_many = kp_attach_many,
	.prepare = kp_prepare,
};

const struct provider provider_kretprobe = {
	.name = "kretprobe",
	.aliases = kr_aliases,
	.section = "kretprobe",
	.ctx_regs = PROVIDER_REGS_RETVAL,
	.expand = kp_expand,
	.fields = kp_fields,
	.attach = kp_attach,
	.load_attach_type = kp_load_attach_type,
	.attach_many = kp_attach_many,
	.prepare = kp_prepare,
};
