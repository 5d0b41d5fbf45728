// SPDX-License-Identifier: GPL-2.0
/*
 * Probes: attach points expanded through the providers (with positional
 * parameters substituted and old provider names renamed), and the typed
 * args their targets share.
 */
#include "sema/sema_int.h"
#include "probes/provider.h"

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

void sema_expand_probe(struct sctx *s, struct node *probe, int index)
{
	struct program *p = s->prog;
	struct prog_desc *pd = arena_alloc(&p->arena, sizeof(*pd));
	struct strbuf err;

	pd->probe_index = index;
	pd->loc = probe->a ? probe->a->loc : probe->loc;
	for (struct node *ap = probe->a; ap && ap->next; ap = ap->next)
		pd->loc = ast_span_join(&pd->loc, &ap->next->loc);
	pd->func_name = arena_printf(&p->arena, "probe%d", index);
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
		} else if (pd->prov && pd->prov->section != prov->section) {
			diag_error(s->d, &ap->loc,
				   "%s and %s probes cannot share one action block yet: write them "
				   "as separate probes",
				   pd->prov->name, prov->name);
		} else {
			pd->prov = prov;
			sb_reset(&err);
			size_t before = pd->targets.n;
			if (prov->expand(prov, parts + 1, n - 1, &pd->targets, &err) < 0)
				diag_error(s->d, &ap->loc, "%s",
					   err.buf ? err.buf : "invalid probe");
			for (size_t i = before; i < pd->targets.n; i++) {
				struct attach_target *t = pd->targets.v[i];
				t->cookie = (uint64_t)prog_probe_name(p, t->name);
			}
		}
		provider_parts_free(parts, n);
		free(raw);
	}
	sb_free(&err);
	if (pd->prov) {
		pd->section = pd->prov->section;
		pd->is_begin = !strcmp(pd->prov->name, "BEGIN");
		pd->is_end = !strcmp(pd->prov->name, "END");
		if (pd->prov->prepare)
			pd->prov->prepare(pd, p);
	}
	vec_push(&p->progs, pd);
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

static bool same_fields(struct vec *a, struct vec *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++) {
		struct arg_field *x = a->v[i], *y = b->v[i];
		if (strcmp(x->name, y->name) || x->offset != y->offset || x->size != y->size ||
		    x->kind != y->kind || x->is_signed != y->is_signed)
			return false;
	}
	return true;
}

/* Load the typed args of the probe's targets (all must share one layout). */
struct vec *sema_probe_fields(struct sctx *s, struct node *probe, struct prog_desc *pd)
{
	struct strbuf err;
	struct vec *fields = arena_alloc(&s->ast->arena, sizeof(*fields));

	/* this probe only: probe->next is the next probe (quadratic with 10,000 probes) */
	if (!pd->prov || !pd->prov->fields || !pd->targets.n ||
	    !(uses_args(probe->b) || uses_args(probe->c)))
		return NULL;
	sb_init(&err);
	for (size_t i = 0; i < pd->targets.n; i++) {
		struct vec tf = {0};
		if (pd->prov->fields(pd->targets.v[i], i ? &tf : fields, &err) < 0) {
			diag_error(s->d, &probe->a->loc, "%s",
				   err.buf ? err.buf : "cannot read args");
			fields = NULL;
			for (size_t j = 0; j < tf.n; j++)
				provider_field_free(tf.v[j]);
			vec_free(&tf);
			break;
		}
		if (i && !same_fields(fields, &tf)) {
			struct attach_target *t0 = pd->targets.v[0], *ti = pd->targets.v[i];
			diag_error_hint(s->d, &probe->a->loc,
					"write a separate probe for each layout",
					"args of %s and %s differ: one probe using args over "
					"tracepoints with different fields is not supported yet",
					t0->name, ti->name);
			i = pd->targets.n;
		}
		for (size_t j = 0; j < tf.n; j++)
			provider_field_free(tf.v[j]);
		vec_free(&tf);
	}
	sb_free(&err);
	return fields;
}
