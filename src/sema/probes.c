// SPDX-License-Identifier: GPL-2.0
/*
 * Probes: attach points expanded through the providers (with positional
 * parameters substituted and old provider names renamed), and the typed
 * args their targets share.
 */
#include "sema/sema_int.h"
#include "probes/btf_args.h"
#include "probes/provider.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* kfunc and kretfunc are the old names of fentry and fexit: one meaning. */
static void old_provider_name(char **name)
{
	const char *now = !strcasecmp(*name, "kfunc")	   ? "fentry"
			  : !strcasecmp(*name, "kretfunc") ? "fexit"
							   : NULL;

	if (now) {
		free(*name);
		*name = xstrdup(now);
	}
}

static bool uses_args(const struct node *n)
{
	for (; n; n = n->next) {
		if (n->kind == N_IDENT && !strcmp(n->str, "args"))
			return true;
		if (uses_args(n->a) || uses_args(n->b) || uses_args(n->c) || uses_args(n->d))
			return true;
	}
	return false;
}

/* Does a macro of the script read args (its expansion is not seen here)?
 * Asked for every probe: the script is scanned once. */
static bool macro_uses_args(struct sctx *s)
{
	if (!s->macro_args) {
		s->macro_args = 1;
		for (const struct node *n = s->ast->root->a; n; n = n->next)
			if (n->kind == N_MACRO && uses_args(n->c))
				s->macro_args = 2;
	}
	return s->macro_args == 2;
}

/* Names read as args.NAME in n; *whole when args is used some other way. */
static void args_names(const struct node *n, struct vec *names, bool *whole)
{
	for (; n; n = n->next) {
		if (n->kind == N_FIELD && n->a && n->a->kind == N_IDENT &&
		    !strcmp(n->a->str, "args")) {
			size_t i = 0;
			while (i < names->n && strcmp(names->v[i], n->str))
				i++;
			if (i == names->n)
				vec_push(names, (void *)n->str);
			continue;
		}
		if (n->kind == N_IDENT && !strcmp(n->str, "args"))
			*whole = true;
		args_names(n->a, names, whole);
		args_names(n->b, names, whole);
		args_names(n->c, names, whole);
		args_names(n->d, names, whole);
	}
}

static const struct arg_field *field_named(const struct vec *fs, const char *name)
{
	for (size_t i = 0; i < fs->n; i++)
		if (!strcmp(((struct arg_field *)fs->v[i])->name, name))
			return fs->v[i];
	return NULL;
}

static bool same_field(const struct arg_field *x, const struct arg_field *y)
{
	if (!x || !y)
		return x == y;
	return !strcmp(x->name, y->name) && x->offset == y->offset && x->size == y->size &&
	       x->kind == y->kind && x->is_signed == y->is_signed && x->array_len == y->array_len;
}

/* Do a and b lay out the fields in names alike (all fields: names NULL)? */
static bool same_layout(const struct vec *a, const struct vec *b, const struct vec *names)
{
	if (names) {
		for (size_t i = 0; i < names->n; i++)
			if (!same_field(field_named(a, names->v[i]), field_named(b, names->v[i])))
				return false;
		return true;
	}
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (!same_field(a->v[i], b->v[i]))
			return false;
	return true;
}

/* A group of targets that one program serves. */
struct tgroup {
	struct vec *targets; /* handed to the prog_desc */
	const struct provider *prov;
	bool have;	   /* fields were read */
	struct vec fields; /* its first target's args, to compare layouts */
};

static void fields_free(struct vec *fs)
{
	for (size_t i = 0; i < fs->n; i++)
		provider_field_free(fs->v[i]);
	vec_free(fs);
}

/*
 * Split the probe's targets into groups that can share one program (one
 * struct vec * of targets each, in order of first appearance): one per
 * provider, one per target where the provider fixes the target at load
 * (fentry's function, iter's kind), and, when the body reads args, one
 * per layout of the fields it reads (all fields when it cannot tell).
 * 361 syscall tracepoints not reading args stay one program.
 */
static void group_targets(struct sctx *s, struct node *probe, struct vec *all, struct vec *out)
{
	struct vec names = {0}, groups = {0};
	bool whole = false, args;
	struct strbuf err;

	if (all->n == 1) {
		struct vec *one = xcalloc(1, sizeof(*one));

		vec_push(one, all->v[0]);
		vec_push(out, one);
		return;
	}
	args_names(probe->b, &names, &whole);
	args_names(probe->c, &names, &whole);
	/* A macro may read any field: compare whole layouts then. */
	if (macro_uses_args(s))
		whole = true;
	args = names.n || whole;
	sb_init(&err);
	for (size_t i = 0; i < all->n; i++) {
		struct attach_target *t = all->v[i];
		struct vec tf = {0};
		bool have = false;
		struct tgroup *g = NULL;

		if (args && t->prov->fields && !t->prov->prog_per_target) {
			sb_reset(&err);
			have = t->prov->fields(t, &tf, &err) >= 0;
		}
		/* fentry:* makes thousands of groups: do not compare those. */
		for (size_t j = 0; j < groups.n && !g && !t->prov->prog_per_target; j++) {
			struct tgroup *c = groups.v[j];
			if (c->prov == t->prov && c->have == have &&
			    (!have || same_layout(&c->fields, &tf, whole ? NULL : &names)))
				g = c;
		}
		if (!g) {
			g = xcalloc(1, sizeof(*g));
			g->targets = xcalloc(1, sizeof(*g->targets));
			g->prov = t->prov;
			g->have = have;
			g->fields = tf;
			tf = (struct vec){0};
			vec_push(&groups, g);
		}
		fields_free(&tf);
		vec_push(g->targets, t);
	}
	sb_free(&err);
	for (size_t j = 0; j < groups.n; j++) {
		struct tgroup *g = groups.v[j];
		vec_push(out, g->targets);
		fields_free(&g->fields);
		free(g);
	}
	vec_free(&groups);
	vec_free(&names);
}

/* Past the limit on programs (bpftrace's max_bpf_progs), say so: true
 * when the probe's groups would pass it. */
static bool too_many_progs(struct sctx *s, struct prog_desc *pd, size_t ngroups)
{
	/* config max_bpf_progs or BPFTRACE_MAX_BPF_PROGS (applied by config.c) */
	size_t max = s->prog->max_bpf_progs ? s->prog->max_bpf_progs : 1024;
	size_t n = s->prog->progs.n + (ngroups ? ngroups : 1);

	if (n <= max)
		return false;
	diag_error_hint(s->d, &pd->loc,
			"each fentry function, and each args layout a probe reads, is a "
			"program: narrow the wildcard or raise max_bpf_progs (config) or "
			"BPFTRACE_MAX_BPF_PROGS",
			"Your program is trying to generate more than %zu BPF programs, which "
			"exceeds the current limit of %zu.",
			n, max);
	return true;
}

/* A new program for probe's body, named after the probe (+ a copy number). */
static struct prog_desc *new_prog(struct sctx *s, struct node *probe, int index, int copy)
{
	struct program *p = s->prog;
	struct prog_desc *pd = arena_alloc(&p->arena, sizeof(*pd));

	pd->probe_index = index;
	pd->loc = probe->a ? probe->a->loc : probe->loc;
	for (struct node *ap = probe->a; ap && ap->next; ap = ap->next)
		pd->loc = ast_span_join(&pd->loc, &ap->next->loc);
	pd->func_name = copy ? arena_printf(&p->arena, "probe%d_%d", index, copy)
			     : arena_printf(&p->arena, "probe%d", index);
	return pd;
}

/* Finish pd once its targets are known; it becomes one program. */
static void prog_ready(struct sctx *s, struct prog_desc *pd)
{
	if (!pd->prov)
		return;
	pd->section = pd->prov->section;
	pd->is_begin = !strcmp(pd->prov->name, "BEGIN");
	pd->is_end = !strcmp(pd->prov->name, "END");
	if (pd->prov->prepare)
		pd->prov->prepare(pd, s->prog);
}

struct node *sema_expand_probe(struct sctx *s, struct node *probe, int index, struct vec *probes)
{
	struct program *p = s->prog;
	struct prog_desc *pd = new_prog(s, probe, index, 0);
	struct vec all = {0}, groups = {0}, tp_missing = {0};
	struct strbuf err;

	probe->sema = pd;
	sb_init(&err);
	for (struct node *ap = probe->a; ap; ap = ap->next) {
		char **parts = NULL;
		char *raw = sema_attach_subst(s, ap);
		int n = raw ? provider_split(raw, &parts) : -1;
		if (n > 0)
			old_provider_name(&parts[0]);
		const struct provider *prov = n > 0 ? s->opts->find_provider(parts[0]) : NULL;

		if (!raw) {
			/* reported by sema_attach_subst */
		} else if (n <= 0) {
			diag_error(s->d, &ap->loc, "Invalid probe: '%s'", ap->str);
		} else if (!prov) {
			static const char *const later[] = {
				"kprobe",    "k",  "kretprobe", "kr",	    "uprobe",	     "u",
				"uretprobe", "ur", "usdt",	"U",	    "fentry",	     "f",
				"fexit",     "fr", "kfunc",	"kretfunc", "rawtracepoint", "rt",
				"software",  "s",  "hardware",	"h",	    "watchpoint",    "w",
				"iter",	     "it", "self",	"test",	    "bench",
			};
			bool known = false;
			for (size_t i = 0; i < ARRAY_SIZE(later); i++)
				known |= !strcasecmp(later[i], parts[0]);
			if (known)
				diag_error_hint(s->d, &ap->loc,
						"use tracepoint, interval, profile, BEGIN or END",
						"%s probes are not supported yet", parts[0]);
			else
				diag_error(s->d, &ap->loc, "Invalid probe type: %s", parts[0]);
		} else {
			if (!pd->prov)
				pd->prov = prov;
			sb_reset(&err);
			size_t before = all.n;
			int rc = prov->expand(prov, parts + 1, n - 1, &all, &err);
			if (rc == PROVIDER_MISSING && p->missing_probes != MISSING_ERROR) {
				/* missing_probes: skip it, said once or not at all */
				if (p->missing_probes == MISSING_WARN)
					diag_warn(s->d, &ap->loc, "%s, skipping probe",
						  err.buf ? err.buf : "probe not found");
			} else if (rc == PROVIDER_MISSING && !strcmp(prov->name, "tracepoint")) {
				/* bpftrace: a missing tracepoint beside others is a
				 * warning; decided once the probe's others expand */
				vec_push(&tp_missing, ap);
				vec_push(&tp_missing, xstrdup(err.buf ? err.buf : "not found"));
			} else if (rc == PROVIDER_MISSING) {
				diag_error_hint(s->d, &ap->loc,
						"If this is expected, set the 'missing_probes' "
						"config variable to 'warn'.",
						"%s", err.buf ? err.buf : "probe not found");
			} else if (rc < 0) {
				diag_error(s->d, &ap->loc, "%s",
					   err.buf ? err.buf : "invalid probe");
			}
			for (size_t i = before; i < all.n; i++) {
				struct attach_target *t = all.v[i];
				t->cookie = (uint64_t)prog_probe_name(p, t->name);
			}
		}
		provider_parts_free(parts, n);
		free(raw);
	}
	sb_free(&err);
	for (size_t i = 0; i + 1 < tp_missing.n; i += 2) {
		const struct node *ap = tp_missing.v[i];
		if (all.n)
			diag_warn(s->d, &ap->loc, "%s", (char *)tp_missing.v[i + 1]);
		else
			diag_error_hint(s->d, &ap->loc,
					"If this is expected, set the 'missing_probes' config "
					"variable to 'warn'.",
					"%s", (char *)tp_missing.v[i + 1]);
		free(tp_missing.v[i + 1]);
	}
	vec_free(&tp_missing);
	vec_push(probes, probe);
	group_targets(s, probe, &all, &groups);
	if (too_many_progs(s, pd, groups.n)) {
		/* Reported: no copies (fentry:* would make thousands), one program. */
		for (size_t g = 1; g < groups.n; g++) {
			struct vec *more = groups.v[g];
			for (size_t i = 0; i < more->n; i++)
				vec_push(groups.v[0], more->v[i]);
			vec_free(more);
			free(more);
		}
		groups.n = groups.n ? 1 : 0;
	}
	for (size_t g = 0; g < groups.n; g++) {
		struct vec *targets = groups.v[g];
		struct prog_desc *gd = pd;
		struct node *copy = probe;

		if (g) {
			/* Another context: a copy of the body, compiled on its own. */
			copy = ast_clone(s->ast, probe);
			copy->next = probe->next;
			probe->next = copy;
			probe = copy;
			gd = new_prog(s, copy, index, (int)g);
			copy->sema = gd;
			vec_push(probes, copy);
			s->d->dedup = true; /* the copies' shared mistakes: once */
		}
		gd->targets = *targets;
		gd->prov = ((struct attach_target *)targets->v[0])->prov;
		prog_ready(s, gd);
		vec_push(&p->progs, gd);
		free(targets);
	}
	if (!groups.n) {
		prog_ready(s, pd);
		vec_push(&p->progs, pd);
	}
	vec_free(&groups);
	vec_free(&all);
	return probe;
}

/* Load the typed args of the probe's targets (grouped to share a layout). */
struct vec *sema_probe_fields(struct sctx *s, struct node *probe, struct prog_desc *pd)
{
	struct strbuf err;
	struct vec *fields = arena_alloc(&s->ast->arena, sizeof(*fields));

	/* this probe only: probe->next is the next probe (quadratic with 10,000 probes) */
	if (!pd->prov || !pd->prov->fields || !pd->targets.n ||
	    !(uses_args(probe->b) || uses_args(probe->c) || macro_uses_args(s)))
		return NULL;
	sb_init(&err);
	if (pd->prov->fields(pd->targets.v[0], fields, &err) < 0) {
		diag_error(s->d, &probe->a->loc, "%s", err.buf ? err.buf : "cannot read args");
		fields_free(fields);
		fields = NULL;
	}
	sb_free(&err);
	return fields;
}

/*
 * Args that come from the kernel's BTF (fentry/fexit, raw tracepoints)
 * point into the kernel: a pointer to a struct or union is typed, so
 * args.file->f_mode reads on. Tracepoint formats are left untyped: their
 * syscall pointers point into user memory.
 */
const struct type *sema_arg_ptr(struct sctx *s, const struct arg_field *f)
{
	const struct provider *prov = s->pd ? s->pd->prov : NULL;
	const char *c = f->ctype;
	const struct type *rec = NULL;
	size_t len;

	/* tracepoint format fields: typed from their C text (deref.c) */
	if (!prov || !c || !(prov->prog_per_target || prov->ctx_regs == PROVIDER_REGS_RAW_ARGS))
		return sema_args_ptr(s, f);
	if (!strncmp(c, "const ", 6))
		c += 6;
	len = strlen(c);
	if ((!strncmp(c, "struct ", 7) || !strncmp(c, "union ", 6)) && len > 3 &&
	    !strcmp(c + len - 2, " *") && c[len - 3] != '*') {
		char *name = xstrndup(c, len - 2);
		rec = sema_c_type_named(name);
		free(name);
	}
	return type_ptr(rec);
}

/* One function per fexit program: its retval has the function's return type. */
const struct type *sema_fexit_retval(struct sctx *s)
{
	const struct prog_desc *pd = s->pd;
	const struct attach_target *t;
	struct arg_field *f;
	const struct type *ty = NULL;

	if (!pd || !pd->prov || !pd->prov->prog_per_target ||
	    pd->prov->ctx_regs != PROVIDER_REGS_RETVAL || !pd->targets.n)
		return NULL;
	t = pd->targets.v[0];
	f = t->func ? btf_func_ret(t->target) : NULL; /* "MODULE:func" for a module */
	if (f && f->kind == ARGF_INT &&
	    (f->size == 1 || f->size == 2 || f->size == 4 || f->size == 8))
		ty = type_int(f->size, f->is_signed);
	else if (f && f->kind == ARGF_PTR)
		ty = sema_arg_ptr(s, f);
	if (f)
		provider_field_free(f);
	return ty;
}
