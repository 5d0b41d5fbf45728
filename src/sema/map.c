// SPDX-License-Identifier: GPL-2.0
/*
 * Maps: every use of @name refines one struct map_desc. Keys and values
 * are normalised (integers become 64-bit, as bpftrace stores them) and
 * unified across uses (strings grow to the longest); a map that gets two
 * kinds of value is an error at the second use.
 */
#include "sema/sema_int.h"

#include <linux/bpf.h>
#include <string.h>

static const char *const agg_fn[] = {
	[AGG_NONE] = "",	 [AGG_COUNT] = "count()",
	[AGG_SUM] = "sum()",	 [AGG_AVG] = "avg()",
	[AGG_MIN] = "min()",	 [AGG_MAX] = "max()",
	[AGG_STATS] = "stats()", [AGG_HIST] = "hist()",
	[AGG_LHIST] = "lhist()", [AGG_TSERIES] = "tseries()",
};

const struct type *sema_norm(const struct type *t)
{
	if (!t)
		return t;
	if (t->kind == T_INT && t->name)
		return t; /* an enum, already 8 bytes */
	if (t->kind == T_INT)
		return type_int(8, t->is_signed);
	if (t->kind == T_PTR)
		return type_int(8, false);
	if (t->kind == T_TUPLE) {
		const struct type *el[t->nfields > 0 ? t->nfields : 1];
		const char *names[t->nfields > 0 ? t->nfields : 1];
		bool named = false;

		for (int i = 0; i < t->nfields; i++) {
			el[i] = sema_norm(t->fields[i].type);
			names[i] = t->fields[i].name;
			named |= names[i] != NULL;
		}
		return type_tuple(t->nfields, el, named ? names : NULL);
	}
	return t;
}

const struct type *sema_unify(const struct type *a, const struct type *b)
{
	if (!a || a->kind == T_NONE)
		return b;
	if (!b || b->kind == T_NONE)
		return a;
	if (a == b)
		return a;
	if (a->kind != b->kind)
		return NULL;
	switch (a->kind) {
	case T_INT:
		if (a->name || b->name) /* an enum meets another type: a plain number */
			return type_int(a->size >= b->size ? a->size : b->size, a->is_signed);
		return a->size >= b->size ? a : b;
	case T_STRING:
	case T_BUFFER: /* the longer one; the length field says what is used */
		return a->size >= b->size ? a : b;
	case T_TUPLE: {
		if (a->nfields != b->nfields)
			return NULL;
		const struct type *el[a->nfields > 0 ? a->nfields : 1];
		const char *names[a->nfields > 0 ? a->nfields : 1];
		bool named = false;
		for (int i = 0; i < a->nfields; i++) {
			el[i] = sema_unify(a->fields[i].type, b->fields[i].type);
			if (!el[i])
				return NULL;
			names[i] = a->fields[i].name;
			named |= names[i] != NULL;
		}
		return type_tuple(a->nfields, el, named ? names : NULL);
	}
	default:
		return a->size == b->size ? a : NULL;
	}
}

struct map_desc *sema_map_get(struct sctx *s, struct node *m)
{
	struct program *p = s->prog;

	for (size_t i = 0; i < p->maps.n; i++) {
		struct map_desc *md = p->maps.v[i];
		if (!strcmp(md->name, m->str)) {
			m->sema = md;
			return md;
		}
	}
	struct map_desc *md = arena_alloc(&p->arena, sizeof(*md));
	md->name = arena_strdup(&p->arena, m->str);
	md->id = (int)p->maps.n;
	md->fd = -1;
	md->lhist_step = 0;
	vec_push(&p->maps, md);
	m->sema = md;
	return md;
}

/* Track whether a map has been seen with a key, in the node-independent way: */
static bool key_mode_known(const struct map_desc *md)
{
	return md->key_size != 0;
}

bool sema_map_key(struct sctx *s, struct node *m, struct map_desc *md)
{
	const struct type *kt = NULL;

	if (m->a) {
		kt = sema_expr(s, m->a);
		if (!kt || kt->kind == T_NONE)
			return false;
		if (kt->kind == T_VOID || kt->kind == T_AGG) {
			sema_err(s, m->a, "%s cannot be used as a map key", type_str(kt));
			return false;
		}
		/* A pointer key stays a pointer (any pointee): it prints in hex. */
		kt = kt->kind == T_PTR ? type_ptr(NULL) : sema_norm(kt);
	}
	if (key_mode_known(md)) {
		bool had_key = md->key != NULL;
		if (had_key != (kt != NULL)) {
			sema_err(s, m,
				 "%s used both with and without a key: give every use of the map "
				 "the same key shape",
				 md->name);
			return false;
		}
	}
	if (kt) {
		const struct type *u = sema_unify(md->key, kt);
		if (!u) {
			sema_err(s, m->a,
				 "Argument mismatch for %s: trying to access with arguments: '%s' "
				 "when map expects arguments: '%s'",
				 md->name, type_str(kt), type_str(md->key));
			return false;
		}
		/* Big keys are built in per-CPU scratch space, not on the stack; the
		 * kernel's own limit on a hash key is what remains. */
		if (u->size > 65535) {
			sema_err(s, m->a,
				 "the key of %s takes %u bytes: more than a BPF map key can hold",
				 md->name, u->size);
			return false;
		}
		md->key = u;
		md->key_size = u->size;
	} else {
		md->key_size = 8;
	}
	return true;
}

bool sema_map_set_agg(struct sctx *s, struct node *m, struct map_desc *md, enum agg_kind agg)
{
	if (md->value && md->agg == AGG_NONE) {
		sema_err(s, m,
			 "Type mismatch for %s: trying to assign value of type '%s_t' when map "
			 "already contains a value of type '%s'",
			 md->name, agg_fn[agg][0] ? type_str(type_agg(agg)) : "",
			 type_str(md->value));
		return false;
	}
	if (md->agg != AGG_NONE && md->agg != agg) {
		sema_err(s, m,
			 "Type mismatch for %s: trying to assign value of type '%s' when map "
			 "already contains a value of type '%s'",
			 md->name, type_str(type_agg(agg)), type_str(type_agg(md->agg)));
		return false;
	}
	md->agg = agg;
	md->value = type_agg(agg);
	return true;
}

bool sema_map_set_value(struct sctx *s, struct node *m, struct map_desc *md, const struct type *t)
{
	if (md->agg != AGG_NONE) {
		sema_err(s, m,
			 "Type mismatch for %s: trying to assign value of type '%s' when map "
			 "already contains a value of type '%s'",
			 md->name, type_str(t), type_str(md->value));
		return false;
	}
	if (t->kind == T_VOID || t->kind == T_NONE) {
		sema_err(s, m, "%s cannot be assigned a value of type '%s'", md->name, type_str(t));
		return false;
	}
	const struct type *n = sema_norm(t);
	const struct type *u = sema_unify(md->value, n);
	if (!u) {
		sema_err(s, m,
			 "Type mismatch for %s: trying to assign value of type '%s' when map "
			 "already contains a value of type '%s'",
			 md->name, type_str(n), type_str(md->value));
		return false;
	}
	md->value = u;
	return true;
}

/* Decide BPF map types and sizes once every use is known. */
void sema_map_finish(struct program *prog)
{
	for (size_t i = 0; i < prog->maps.n; i++) {
		struct map_desc *md = prog->maps.v[i];
		uint32_t ksize = md->key ? md->key->size : 8;

		if (!md->value)
			md->value = type_int(8, true);
		md->max_entries = 4096;
		switch (md->agg) {
		case AGG_NONE:
			md->bpf_type = BPF_MAP_TYPE_HASH;
			md->percpu = false;
			md->value_size = md->value->size ? md->value->size : 8;
			break;
		case AGG_HIST:
		case AGG_LHIST:
			md->bpf_type = BPF_MAP_TYPE_PERCPU_HASH;
			md->percpu = true;
			ksize = (md->key ? (md->key->size + 7) / 8 * 8 : 0) +
				8; /* bucket stays 8-aligned */
			md->value_size = 8;
			break;
		case AGG_TSERIES: /* shared: the last value is the last of any CPU */
			md->bpf_type = BPF_MAP_TYPE_HASH;
			md->percpu = false;
			ksize = (md->key ? (md->key->size + 7) / 8 * 8 : 0) + 8;
			md->value_size = sizeof(struct agg_tseries);
			if (md->ts_num * 16 > md->max_entries) /* room for 16 keys' intervals */
				md->max_entries = (uint32_t)md->ts_num * 16;
			break;
		default:
			md->bpf_type = BPF_MAP_TYPE_PERCPU_HASH;
			md->percpu = true;
			md->value_size = type_agg(md->agg)->size;
			break;
		}
		md->key_size = ksize;
	}
}
