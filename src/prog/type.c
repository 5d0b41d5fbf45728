// SPDX-License-Identifier: GPL-2.0
#include "prog/type.h"
#include "prog/prog.h"

#include <string.h>

/*
 * Interning: a simple list; programs have few distinct types, and types
 * live for the whole process (they are tiny), so sema, codegen and the
 * runtime can share them freely.
 */
static struct vec interned;

static bool type_equal(const struct type *a, const struct type *b)
{
	if (a->kind == T_RECORD && b->kind == T_RECORD)
		return !strcmp(a->name, b->name);
	if ((a->name == NULL) != (b->name == NULL) || (a->name && strcmp(a->name, b->name)))
		return false; /* enums (named ints) differ from plain ints and each other */
	if (a->kind != b->kind || a->size != b->size || a->is_signed != b->is_signed ||
	    a->agg != b->agg || a->elem != b->elem || a->nfields != b->nfields ||
	    a->user != b->user || a->count != b->count)
		return false;
	for (int i = 0; i < a->nfields; i++) {
		const struct type_field *x = &a->fields[i], *y = &b->fields[i];
		if (x->type != y->type || x->offset != y->offset || x->bit_off != y->bit_off ||
		    x->bit_size != y->bit_size)
			return false;
		if ((x->name == NULL) != (y->name == NULL))
			return false;
		if (x->name && strcmp(x->name, y->name))
			return false;
	}
	return true;
}

static const struct type *intern(const struct type *t)
{
	for (size_t i = 0; i < interned.n; i++)
		if (type_equal(interned.v[i], t))
			return interned.v[i];
	struct type *n = xmalloc(sizeof(*n));
	*n = *t;
	if (t->nfields) {
		struct type_field *f = xcalloc((size_t)t->nfields, sizeof(*f));
		for (int i = 0; i < t->nfields; i++) {
			f[i] = t->fields[i];
			if (f[i].name)
				f[i].name = xstrdup(f[i].name);
		}
		n->fields = f;
	}
	if (t->name)
		n->name = xstrdup(t->name);
	vec_push(&interned, n);
	return n;
}

const struct type *type_simple(enum type_kind kind, unsigned size)
{
	struct type t = {.kind = kind, .size = size, .align = size >= 8 ? 8 : size ? size : 1};
	return intern(&t);
}

const struct type *type_void(void)
{
	return type_simple(T_VOID, 0);
}

const struct type *type_none(void)
{
	return type_simple(T_NONE, 0);
}

const struct type *type_bool(void)
{
	return type_simple(T_BOOL, 1);
}

const struct type *type_probe(void)
{
	return type_simple(T_PROBE, 8);
}

const struct type *type_int(unsigned size, bool is_signed)
{
	struct type t = {.kind = T_INT, .size = size, .align = size, .is_signed = is_signed};
	return intern(&t);
}

const struct type *type_int_named(const char *name)
{
	static const struct {
		const char *name;
		unsigned size;
		bool sign;
	} ints[] = {
		{"int8", 1, true},    {"int16", 2, true},   {"int32", 4, true},
		{"int64", 8, true},   {"uint8", 1, false},  {"uint16", 2, false},
		{"uint32", 4, false}, {"uint64", 8, false},
	};

	for (size_t i = 0; i < ARRAY_SIZE(ints); i++)
		if (!strcmp(name, ints[i].name))
			return type_int(ints[i].size, ints[i].sign);
	return NULL;
}

const struct type *type_enum(const char *name)
{
	struct type t = {.kind = T_INT, .size = 8, .align = 8, .is_signed = true, .name = name};
	return intern(&t);
}

const struct type *type_enum_find(const char *name)
{
	for (size_t i = 0; i < interned.n; i++) {
		const struct type *t = interned.v[i];
		if (t->kind == T_INT && t->name && !strcmp(t->name, name))
			return t;
	}
	return NULL;
}

struct enumerator {
	const struct type *t;
	char *name;
	int64_t v;
};

static struct vec enumerators;

void type_enum_add(const struct type *t, const char *enumerator, int64_t v)
{
	struct enumerator *e = xmalloc(sizeof(*e));

	e->t = t;
	e->name = xstrdup(enumerator);
	e->v = v;
	vec_push(&enumerators, e);
}

const char *type_enum_name(const struct type *t, int64_t v)
{
	for (size_t i = 0; t && t->name && i < enumerators.n; i++) {
		const struct enumerator *e = enumerators.v[i];
		if (e->t == t && e->v == v)
			return e->name;
	}
	return NULL;
}

const struct type *type_string(unsigned size)
{
	struct type t = {.kind = T_STRING, .size = size, .align = 1};
	return intern(&t);
}

const struct type *type_ptr(const struct type *elem)
{
	struct type t = {.kind = T_PTR, .size = 8, .align = 8, .elem = elem};
	return intern(&t);
}

const struct type *type_agg(int agg)
{
	uint32_t size = 8;
	if (agg == AGG_AVG || agg == AGG_STATS || agg == AGG_MIN || agg == AGG_MAX ||
	    agg == AGG_TSERIES)
		size = 16;
	struct type t = {.kind = T_AGG, .size = size, .align = 8, .agg = agg};
	return intern(&t);
}

const struct type *type_tuple(int n, const struct type *const *elems, const char *const *names)
{
	struct type_field fields[n > 0 ? n : 1];
	struct type t = {.kind = T_TUPLE, .nfields = n, .fields = fields, .align = 1};
	uint32_t off = 0;

	for (int i = 0; i < n; i++) {
		uint32_t al = elems[i]->align ? elems[i]->align : 1;
		off = (off + al - 1) / al * al;
		fields[i].name = names ? names[i] : NULL;
		fields[i].type = elems[i];
		fields[i].offset = off;
		off += elems[i]->size;
		if (al > t.align)
			t.align = al;
	}
	t.size = (off + t.align - 1) / t.align * t.align;
	return intern(&t);
}

const struct type *type_record(const char *name)
{
	struct type t = {.kind = T_RECORD, .name = name, .align = 1};
	return intern(&t);
}

void type_record_define(const struct type *rec, uint32_t size, uint32_t align, int n,
			const struct type_field *fields)
{
	struct type *r = (struct type *)rec; /* interned types are ours to fill */
	struct type_field *f = xcalloc((size_t)(n > 0 ? n : 1), sizeof(*f));

	for (int i = 0; i < n; i++) {
		f[i] = fields[i];
		if (f[i].name)
			f[i].name = xstrdup(f[i].name);
	}
	r->size = size;
	r->align = align ? align : 1;
	r->nfields = n;
	r->fields = f;
	r->complete = true;
}

const struct type *type_array(const struct type *elem, uint32_t count)
{
	struct type t = {.kind = T_ARRAY,
			 .elem = elem,
			 .count = count,
			 .size = elem->size * count,
			 .align = elem->align ? elem->align : 1};
	return intern(&t);
}

const struct type *type_ptr_user(const struct type *elem, bool user)
{
	struct type t = {.kind = T_PTR, .size = 8, .align = 8, .elem = elem, .user = user};
	return intern(&t);
}

const struct type_field *type_record_field(const struct type *rec, const char *name, uint32_t *off)
{
	for (int i = 0; rec && rec->kind == T_RECORD && i < rec->nfields; i++) {
		const struct type_field *f = &rec->fields[i];
		if (f->name && !strcmp(f->name, name)) {
			*off = f->offset;
			return f;
		}
		if (!f->name && f->type->kind == T_RECORD) {
			uint32_t sub;
			const struct type_field *r = type_record_field(f->type, name, &sub);
			if (r) {
				*off = f->offset + sub;
				return r;
			}
		}
	}
	return NULL;
}

static const char *agg_names[] = {
	[AGG_NONE] = "none",	   [AGG_COUNT] = "count", [AGG_SUM] = "sum",
	[AGG_AVG] = "avg",	   [AGG_MIN] = "min",	  [AGG_MAX] = "max",
	[AGG_STATS] = "stats",	   [AGG_HIST] = "hist",	  [AGG_LHIST] = "lhist",
	[AGG_TSERIES] = "tseries",
};

void type_fmt(const struct type *t, struct strbuf *out)
{
	if (!t) {
		sb_puts(out, "none");
		return;
	}
	switch (t->kind) {
	case T_NONE:
		sb_puts(out, "none");
		break;
	case T_VOID:
		sb_puts(out, "void");
		break;
	case T_INT:
		sb_printf(out, "%sint%u", t->is_signed ? "" : "u", t->size * 8);
		break;
	case T_BOOL:
		sb_puts(out, "bool");
		break;
	case T_STRING:
		sb_printf(out, "string[%u]", t->size);
		break;
	case T_PROBE:
		sb_puts(out, "probe");
		break;
	case T_PTR:
		if (t->elem)
			type_fmt(t->elem, out);
		else
			sb_puts(out, "void");
		sb_puts(out, " *");
		break;
	case T_AGG:
		sb_printf(out, "%s_t", agg_names[t->agg]);
		break;
	case T_TIMESTAMP:
		sb_puts(out, "timestamp");
		break;
	case T_KSTACK:
		sb_puts(out, "kstack");
		break;
	case T_USTACK:
		sb_puts(out, "ustack");
		break;
	case T_BUFFER:
		sb_printf(out, "buffer[%u]", t->size);
		break;
	case T_USERNAME:
		sb_puts(out, "username");
		break;
	case T_INET:
		sb_puts(out, "inet");
		break;
	case T_MACADDR:
		sb_puts(out, "macaddr");
		break;
	case T_STRERROR:
		sb_puts(out, "strerror_t");
		break;
	case T_CGROUP_PATH:
		sb_puts(out, "cgroup_path_t");
		break;
	case T_RECORD:
		sb_puts(out, t->name);
		break;
	case T_ARRAY:
		type_fmt(t->elem, out);
		sb_printf(out, "[%u]", t->count);
		break;
	case T_TUPLE:
		sb_putc(out, '(');
		for (int i = 0; i < t->nfields; i++) {
			if (i)
				sb_puts(out, ", ");
			if (t->fields[i].name)
				sb_printf(out, "%s=", t->fields[i].name);
			type_fmt(t->fields[i].type, out);
		}
		sb_putc(out, ')');
		break;
	}
}

const char *type_str(const struct type *t)
{
	static char bufs[4][256];
	static int which;
	struct strbuf sb;
	char *p = bufs[which++ & 3];

	sb_init(&sb);
	type_fmt(t, &sb);
	snprintf(p, 256, "%s", sb.buf ? sb.buf : "");
	sb_free(&sb);
	return p;
}

bool type_is_int(const struct type *t)
{
	return t && t->kind == T_INT;
}

const struct type *type_stack(enum type_kind kind, enum stack_mode mode, int limit)
{
	struct type t = {.kind = kind, .size = sizeof(struct stack_val), .align = 8};

	t.agg = (int)mode | limit << 8;
	return intern(&t);
}

bool type_is_scalar(const struct type *t)
{
	return t &&
	       (t->kind == T_INT || t->kind == T_BOOL || t->kind == T_PTR || t->kind == T_PROBE);
}
