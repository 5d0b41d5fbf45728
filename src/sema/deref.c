// SPDX-License-Identifier: GPL-2.0
/*
 * C types in expressions: casts to pointers, field access through
 * pointers and on structs (p->f, p.f auto-dereferences as in current
 * bpftrace), *p, &p->f, p[i] and arr[i], pointer arithmetic, sizeof,
 * offsetof and typeof. Messages follow bpftrace's.
 *
 * Memory that a C expression reads is either kernel or user memory: a
 * pointer type carries which (T_PTR.user), and what is reached through it
 * inherits it, so codegen picks probe_read_kernel or probe_read_user.
 */
#include "sema/sema_int.h"
#include "probes/provider.h"

#include <string.h>

static bool known(const struct type *t)
{
	return t && t->kind != T_NONE;
}

/* Does the memory n designates (a C lvalue) live in user space? */
bool sema_place_user(const struct node *n)
{
	switch (n->kind) {
	case N_FIELD:
	case N_INDEX:
		if (n->a->type && n->a->type->kind == T_PTR)
			return n->a->type->user;
		return sema_place_user(n->a);
	case N_UNOP:
		return n->a->type && n->a->type->kind == T_PTR && n->a->type->user;
	default:
		return false;
	}
}

/* Is n memory reached through a pointer (so it has an address)? */
static bool place_addressable(const struct node *n)
{
	switch (n->kind) {
	case N_FIELD:
		if (n->op != SEMA_CFIELD)
			return false;
		/* fallthrough */
	case N_INDEX:
		if (n->a->type && n->a->type->kind == T_PTR)
			return true;
		return n->a->type && n->a->type->kind != T_STRING && place_addressable(n->a);
	case N_UNOP:
		return n->op == '*';
	default:
		return false;
	}
}

/* A value read from user memory: pointers in it point to user memory too. */
static const struct type *in_space(const struct type *t, bool user)
{
	if (user && t && t->kind == T_PTR && !t->user)
		return type_ptr_user(t->elem, true);
	return t;
}

static bool complete(struct sctx *s, struct node *at, const struct type *t)
{
	if (!t || t->kind != T_RECORD || sema_record_complete(t))
		return true;
	sema_err(s, at, "Unknown struct/union: '%s'", t->name);
	return false;
}

static const struct type *type_base(struct sctx *s, struct node *ty)
{
	const char *name = ty->str;

	if (!strcmp(name, "typeof")) {
		struct node *of = ty->a->a;
		if (of->kind == N_TYPE)
			return sema_ctype(s, of);
		const struct type *t = sema_expr(s, of);
		return known(t) ? t : NULL;
	}
	if (!strcmp(name, "bool"))
		return type_bool();
	if (!strcmp(name, "void"))
		return type_void();
	if (type_int_named(name))
		return type_int_named(name);
	if (!strncmp(name, "struct ", 7) || !strncmp(name, "union ", 6)) {
		const struct type *r = type_record(name);
		if (!complete(s, ty, r))
			return NULL;
		return r;
	}
	const struct type *t = sema_c_type_named(name);
	if (!t) {
		sema_err(s, ty, "Unknown type: '%s'", name);
		return NULL;
	}
	return t;
}

/* unsized_ok: int8[] is allowed (a cast, which sizes it from its operand). */
static const struct type *ctype_of(struct sctx *s, struct node *ty, bool unsized_ok)
{
	if (ty->kind != N_TYPE || !strcmp(ty->str, "string") || !strcmp(ty->str, "buffer") ||
	    !strcmp(ty->str, "inet")) {
		sema_unsupported(s, ty, "this type here");
		return NULL;
	}
	const struct type *t = type_base(s, ty);
	if (!t)
		return NULL;
	for (int64_t i = 0; i < ty->ival; i++)
		t = type_ptr(t->kind == T_VOID ? NULL : t);
	if (ty->flags & AST_UNSIZED) {
		if (!unsized_ok) {
			sema_err(s, ty, "Could not determine size of the array");
			return NULL;
		}
		t = type_array(t, 0);
	} else if (ty->b) {
		int64_t n;
		if (!sema_const_int(ty->b, &n) || n < 0) {
			sema_err(s, ty->b, "The size of an array type must be a constant");
			return NULL;
		}
		t = type_array(t, (uint32_t)n);
	}
	return t;
}

const struct type *sema_ctype(struct sctx *s, struct node *ty)
{
	return ctype_of(s, ty, false);
}

static bool user_source(struct sctx *s, struct node *e, const struct type *a)
{
	static const char *const uprov[] = {"uprobe", "uretprobe", "usdt"};

	if (a->kind == T_PTR && a->user)
		return true;
	for (size_t i = 0; s->pd && s->pd->prov && i < ARRAY_SIZE(uprov); i++)
		if (!strcmp(s->pd->prov->name, uprov[i]))
			return true;
	/* syscall arguments point into the calling process */
	if (e->kind == N_FIELD && e->a->kind == N_IDENT && e->a->op == B_ARGS && s->pd &&
	    s->pd->targets.n) {
		struct attach_target *t = s->pd->targets.v[0];
		return t->target && !strncmp(t->target, "syscalls:", 9);
	}
	return false;
}

/* True for `args.f` of a syscalls:* tracepoint: its pointers are user ones. */
static bool syscall_tp(struct sctx *s)
{
	struct attach_target *t = s->pd && s->pd->targets.n ? s->pd->targets.v[0] : NULL;

	return t && t->target && !strncmp(t->target, "syscalls:", 9);
}

/*
 * The pointee named by a tracepoint pointer field's C type ("struct
 * __kernel_timespec *", "const sigset_t *"): a struct or union names a
 * record that BTF completes on first use; an integer base type needs no
 * BTF; a typedef is looked up in BTF only with `lookup` (on dereference).
 * NULL when it is void, a pointer or unknown.
 */
static const struct type *args_pointee(const char *ctype, bool lookup)
{
	char buf[128];
	size_t n;
	const char *p = ctype;

	while (!strncmp(p, "const ", 6) || !strncmp(p, "volatile ", 9))
		p += p[0] == 'c' ? 6 : 9;
	n = strlen(p);
	while (n && p[n - 1] == ' ')
		n--;
	if (!n || p[n - 1] != '*' || n >= sizeof(buf))
		return NULL;
	n--;
	while (n && p[n - 1] == ' ')
		n--;
	if (n > 6 && !strncmp(p + n - 6, " const", 6))
		n -= 6;
	memcpy(buf, p, n);
	buf[n] = 0;
	if (!n || strchr(buf, '*') || strstr(buf, "__seg_") || !strcmp(buf, "void"))
		return NULL;
	if (!strncmp(buf, "struct ", 7) || !strncmp(buf, "union ", 6))
		return type_record(buf);
	if (strstr(buf, "char"))
		return NULL; /* strings keep their void * (str() reads them) */
	static const char *const ints[] = {"short",	    "unsigned short", "int",
					   "unsigned int",  "unsigned",	      "long",
					   "unsigned long", "long long",      "unsigned long long"};
	for (size_t i = 0; i < ARRAY_SIZE(ints); i++)
		if (!strcmp(buf, ints[i]))
			return sema_c_type_named(buf);
	if (!lookup)
		return NULL;
	const struct type *t = sema_c_type_named(buf);
	return t && t->kind != T_VOID ? t : NULL;
}

const struct type *sema_args_ptr(struct sctx *s, const struct arg_field *f)
{
	const struct type *el = f->ctype ? args_pointee(f->ctype, false) : NULL;

	return el ? type_ptr_user(el, syscall_tp(s)) : type_ptr(NULL);
}

/* A void * tracepoint field whose C type is a typedef, on dereference. */
static const struct type *args_ptr_deref(struct sctx *s, struct node *e, const struct type *a)
{
	if (a->kind != T_PTR || a->elem || e->kind != N_FIELD || e->a->kind != N_IDENT ||
	    e->a->op != B_ARGS || !e->sema)
		return a;
	const struct arg_field *f = e->sema;
	const struct type *el =
		f->kind == ARGF_PTR && f->ctype ? args_pointee(f->ctype, true) : NULL;
	if (!el)
		return a;
	e->type = type_ptr_user(el, syscall_tp(s));
	return e->type;
}

/* (uint8[8])$x and (uint64)$arr: an integer and an int array of its size
 * are the same bytes. True when this is such a cast (errors reported). */
static bool int_array_cast(struct sctx *s, struct node *n, const struct type *a,
			   const struct type *t)
{
	const struct type *arr = t->kind == T_ARRAY ? t : a && a->kind == T_ARRAY ? a : NULL;
	const struct type *num = arr == t ? a : t;

	if (!arr || !known(a) || !arr->elem || arr->elem->kind != T_INT || num->kind != T_INT)
		return false;
	if (arr == t && n->a->flags & AST_UNSIZED)
		return true; /* sized by sema_cast_c */
	if (arr->size != num->size && !(arr == t && n->b->kind == N_INT && arr->size <= 8))
		sema_err(s, n, "Cannot cast from %s to %s: the sizes differ", type_str(a),
			 type_str(t));
	return true;
}

/* (int8[])x: as many elements as fit the operand's bytes. */
static const struct type *unsized_array(struct sctx *s, struct node *n, const struct type *a,
					const struct type *t)
{
	uint32_t el = t->elem ? t->elem->size : 0;

	if (!el) {
		sema_err(s, n, "Could not determine size of the array");
		return NULL;
	}
	if (!known(a))
		return NULL;
	if (a->kind != T_INT) {
		sema_err(s, n, "Cannot cast from %s to %s", type_str(a),
			 type_str(type_array(t->elem, a->size / el)));
		return NULL;
	}
	if (a->size % el) {
		sema_err(s, n,
			 "Cannot determine array size: the element size is incompatible with the "
			 "cast integer size");
		return NULL;
	}
	return type_array(t->elem, a->size / el);
}

const struct type *sema_cast_c(struct sctx *s, struct node *n, const struct type *a)
{
	const struct type *t = ctype_of(s, n->a, true);

	if (!t)
		return type_none();
	if (t->kind == T_ARRAY && t->elem && t->elem->kind == T_BOOL) {
		sema_err(s, n, "Bit arrays are not supported");
		return type_none();
	}
	if (n->a->flags & AST_UNSIZED) {
		t = unsized_array(s, n, a, t);
		if (!t)
			return type_none();
	}
	if (int_array_cast(s, n, a, t))
		return t;
	if (t->kind == T_INT || t->kind == T_BOOL) {
		if (known(a) && a->kind != T_INT && a->kind != T_BOOL && a->kind != T_PTR) {
			sema_err(s, n, "Cannot cast from %s to %s", type_str(a), type_str(t));
			return type_none();
		}
		return t;
	}
	if (t->kind == T_ARRAY && t->elem && t->elem->kind == T_INT && known(a)) {
		/* only integers become int arrays */
		sema_err(s, n, "Cannot cast from %s to %s", type_str(a), type_str(t));
		return type_none();
	}
	if (t->kind != T_PTR) {
		sema_unsupported(s, n, "a cast to this type");
		return type_none();
	}
	if (!known(a))
		return type_none();
	if (a->kind != T_INT && a->kind != T_PTR) {
		sema_err(s, n, "Cannot cast from %s to %s", type_str(a), type_str(t));
		return type_none();
	}
	return in_space(t, user_source(s, n->b, a));
}

const struct type *sema_c_field(struct sctx *s, struct node *n, const struct type *a)
{
	const struct type *rec = a;
	bool user;

	a = args_ptr_deref(s, n->a, a);
	rec = a;
	if (a->kind == T_PTR && a->elem && a->elem->kind == T_RECORD) {
		rec = a->elem;
		user = a->user;
	} else if (a->kind == T_RECORD) {
		/* `->` on a struct value reads the field like `.` (bpftrace >= 0.25). */
		user = sema_place_user(n->a);
	} else {
		sema_err(s, n, "Can not access field '%s' on expression of type '%s'", n->str,
			 type_str(a));
		return type_none();
	}
	if (!complete(s, n->a, rec))
		return type_none();
	uint32_t off;
	const struct type_field *f = type_record_field(rec, n->str, &off);
	if (!f) {
		sema_err(s, n, "Struct/union of type '%s' does not contain a field named '%s'",
			 rec->name, n->str);
		return type_none();
	}
	n->op = SEMA_CFIELD;
	n->ival = off;
	n->sema = (void *)f;
	if (!complete(s, n, f->type))
		return type_none();
	return in_space(f->type, user);
}

/* &$var, &@map[key]: a pointer to the variable's slot or the map's value
 * (0 when the key is not in the map), read back through * like kernel
 * memory. Values that are not C-like (strings, tuples...) stay out. */
static const struct type *addr_of_storage(struct sctx *s, struct node *n, const struct type *a)
{
	if (n->a->kind == N_MAP && ((struct map_desc *)n->a->sema)->agg != AGG_NONE) {
		sema_err(s, n, "Can not take the address of an aggregation map value");
		return type_none();
	}
	switch (a->kind) {
	case T_INT:
	case T_BOOL:
	case T_PTR:
	case T_RECORD:
	case T_ARRAY:
		return type_ptr(a);
	default:
		sema_unsupported_why(s, n, "address-of a value of this type",
				     "sonde takes the address of integer, pointer and C struct or "
				     "array variables and map values");
		return type_none();
	}
}

const struct type *sema_c_unop(struct sctx *s, struct node *n)
{
	const struct type *a = sema_expr(s, n->a);

	if (!known(a))
		return type_none();
	if (n->op == '*') {
		a = args_ptr_deref(s, n->a, a);
		if (a->kind != T_PTR) {
			sema_err(s, n, "Can not dereference non-pointer type '%s'", type_str(a));
			return type_none();
		}
		if (!a->elem || a->elem->kind == T_VOID) {
			sema_err(s, n, "Can not dereference a pointer to void");
			return type_none();
		}
		if (!complete(s, n, a->elem))
			return type_none();
		return in_space(a->elem, a->user);
	}
	/* & */
	if (place_addressable(n->a)) {
		if (n->a->kind == N_FIELD && ((const struct type_field *)n->a->sema)->bit_size) {
			sema_err(s, n, "Can not take the address of a bitfield");
			return type_none();
		}
		return type_ptr_user(a, sema_place_user(n->a));
	}
	if (n->a->kind == N_VAR || n->a->kind == N_MAP)
		return addr_of_storage(s, n, a);
	sema_unsupported(s, n, "address-of this expression");
	return type_none();
}

const struct type *sema_c_index(struct sctx *s, struct node *n, const struct type *a,
				const struct type *i)
{
	if (i->kind != T_INT) {
		sema_err(s, n->b, "The index must be an integer, not %s", type_str(i));
		return type_none();
	}
	a = args_ptr_deref(s, n->a, a);
	if (!a->elem || a->elem->kind == T_VOID) {
		sema_err(s, n, "Can not index a pointer to void");
		return type_none();
	}
	if (a->kind == T_ARRAY && n->b->kind == N_INT &&
	    (n->b->ival < 0 || (uint64_t)n->b->ival >= a->count)) {
		sema_err(s, n->b, "the index %lld is out of bounds for array of size %u",
			 (long long)n->b->ival, a->count);
		return type_none();
	}
	if (!complete(s, n, a->elem))
		return type_none();
	return in_space(a->elem, a->kind == T_PTR ? a->user : sema_place_user(n->a));
}

const struct type *sema_ptr_arith(struct sctx *s, struct node *n, const struct type *a,
				  const struct type *b)
{
	const struct type *p = a->kind == T_PTR ? a : b, *o = a->kind == T_PTR ? b : a;

	if (o->kind == T_PTR) /* p - q: a plain difference */
		return type_int(8, true);
	if (o->kind != T_INT || (n->op == '-' && b->kind == T_PTR)) {
		sema_err(s, n, "Invalid pointer arithmetic: %s %s %s", type_str(a),
			 ast_op_name(n->op), type_str(b));
		return type_none();
	}
	if (p->elem && p->elem->kind == T_RECORD && !complete(s, n, p->elem))
		return type_none();
	return p;
}

/* The type sizeof/offsetof/typeof name: a written type, or an expression's. */
static const struct type *type_of(struct sctx *s, struct node *a)
{
	if (a->kind == N_TYPE)
		return sema_ctype(s, a);
	if (a->kind == N_IDENT) {
		const struct type *t = sema_c_type_named(a->str);
		if (t)
			return t;
	}
	const struct type *t = sema_expr(s, a);
	return known(t) ? t : NULL;
}

static void make_int(struct node *n, int64_t v)
{
	n->kind = N_INT;
	n->ival = v;
	n->a = NULL;
	n->str = NULL;
	n->str2 = NULL;
	n->flags = 0;
}

const struct type *sema_sizeof(struct sctx *s, struct node *n)
{
	const struct type *t = type_of(s, n->a);

	if (!t)
		return type_none();
	if (t->kind == T_VOID || t->kind == T_AGG) {
		sema_err(s, n, "sizeof() of type %s", type_str(t));
		return type_none();
	}
	make_int(n, t->size);
	return type_int(8, false);
}

const struct type *sema_offsetof(struct sctx *s, struct node *n)
{
	const struct type *t = type_of(s, n->a);
	char path[256];
	uint64_t total = 0;

	if (!t)
		return type_none();
	snprintf(path, sizeof(path), "%s", n->str);
	for (char *save, *f = strtok_r(path, ".", &save); f; f = strtok_r(NULL, ".", &save)) {
		uint32_t off;
		const struct type_field *fl;
		if (t->kind != T_RECORD) {
			sema_err(s, n, "offsetof() of a field of %s, which is not a struct/union",
				 type_str(t));
			return type_none();
		}
		if (!complete(s, n, t))
			return type_none();
		if (!(fl = type_record_field(t, f, &off))) {
			sema_err(s, n,
				 "Struct/union of type '%s' does not contain a field named '%s'",
				 t->name, f);
			return type_none();
		}
		total += off;
		t = fl->type;
	}
	make_int(n, (int64_t)total);
	return type_int(8, false);
}
