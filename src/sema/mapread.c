// SPDX-License-Identifier: GPL-2.0
/*
 * Aggregation maps read as values: `@c > 10`, `$x = @s`, `(int64)@m`.
 * count, sum, min, max and avg give one integer that codegen sums over
 * the per-CPU slots; hist, lhist and stats have no single value.
 */
#include "sema/sema_int.h"

const struct type *sema_agg_read(struct sctx *s, struct node *n, const struct map_desc *md)
{
	switch (md->agg) {
	case AGG_COUNT:
		return type_int(8, false);
	case AGG_SUM:
	case AGG_MIN:
	case AGG_MAX:
	case AGG_AVG:
		return type_int(8, true);
	default:
		sema_err(s, n, "%s holds a %s() aggregation, which has no single value to use here",
			 n->str,
			 md->agg == AGG_HIST	  ? "hist"
			 : md->agg == AGG_LHIST	  ? "lhist"
			 : md->agg == AGG_TSERIES ? "tseries"
						  : "stats");
		return type_none();
	}
}

/* len(@m): the number of keys of a map. */
const struct type *sema_len(struct sctx *s, struct node *n)
{
	if (!sema_nargs_ok(s, n, 1, 1))
		return type_none();
	struct node *m = n->a;
	if (m->kind != N_MAP) {
		/* len(kstack), len(ustack(perf, 5)): the number of frames */
		const struct type *t = sema_expr(s, m);
		if (t && (t->kind == T_KSTACK || t->kind == T_USTACK) &&
		    STACK_TYPE_MODE(t) != STACK_SYM)
			return type_int(8, true);
		if (t && t->kind == T_NONE)
			return type_none();
	}
	if (m->kind != N_MAP || m->a) {
		sema_err(s, m, "len() expects a map without a key, kstack or ustack");
		return type_none();
	}
	struct map_desc *md = sema_map_get(s, m);
	if (sema_tseries_refuse(s, m, md, "len"))
		return type_none();
	if (md->agg == AGG_HIST || md->agg == AGG_LHIST) {
		sema_err(s, m, "len() of a %s() map is not supported: it counts buckets, not keys",
			 md->agg == AGG_HIST ? "hist" : "lhist");
		return type_none();
	}
	if (!md->key && (md->value || md->agg != AGG_NONE)) {
		sema_err(s, m, "len() expects a map with keys: %s has none", m->str);
		return type_none();
	}
	return type_int(8, true);
}

static bool int_like(const struct type *t)
{
	return t && (t->kind == T_INT || t->kind == T_BOOL || t->kind == T_PTR);
}

/* find(@m, key, $out): true when key is in @m, and then $out = @m[key]. */
const struct type *sema_find(struct sctx *s, struct node *n)
{
	if (!sema_nargs_ok(s, n, 3, 3))
		return type_none();
	struct node *m = n->a, *k = m->next, *out = k->next;
	if (m->kind != N_MAP || m->a) {
		sema_err(s, m, "find() expects a map without a key as its first argument");
		return type_none();
	}
	if (out->kind != N_VAR) {
		sema_err(s, out, "find() expects a variable as its third argument");
		return type_none();
	}
	struct map_desc *md = sema_map_get(s, m);
	if (md->agg != AGG_NONE) {
		sema_err(s, m, "find() expects a map of plain values, not an aggregation");
		return type_none();
	}
	if (!md->key && md->value) {
		sema_err(s, m, "find() expects a map with keys: %s has none", m->str);
		return type_none();
	}
	/* Type the key as if written @m[key] (alone: the variable is not part of it). */
	k->next = NULL;
	m->a = k;
	bool ok = sema_map_key(s, m, md);
	m->a = NULL;
	k->next = out;
	if (!ok)
		return type_none();
	struct sema_var *v = sema_var_find(s, out->str);
	if (!v) {
		sema_err(s, out, "Undefined or undeclared variable: %s", out->str);
		return type_none();
	}
	out->sema = v;
	if (md->value) {
		const struct type *val = sema_norm(md->value);
		if (v->type->kind == T_NONE) {
			v->type = val;
		} else if (!(int_like(v->type) && int_like(val)) &&
			   sema_unify(sema_norm(v->type), val) != sema_norm(v->type)) {
			sema_err(s, out,
				 "find() cannot store a value of type '%s' in %s, which has type "
				 "'%s'",
				 type_str(md->value), out->str, type_str(v->type));
			return type_none();
		}
		v->unset = false;
	}
	out->type = v->type;
	return type_bool();
}
