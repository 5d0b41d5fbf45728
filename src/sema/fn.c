// SPDX-License-Identifier: GPL-2.0
/*
 * User-defined functions: `fn name($a: int64, $s: string): int64 { ... }`.
 * A call is compiled inline. Sema hangs a copy of the function under the
 * call (N_CALL c = N_FN: a = the parameters, c = the body) with variables
 * of its own, typed in a scope that sees only the parameters; codegen
 * stores the arguments into the parameters and runs the body, where
 * `return` jumps to the end of the copy with its value. Inlining keeps
 * the probe's context, variable frame and scratch space valid in the
 * body, and uses no BPF call frame (the verifier's 512-byte stack limit
 * counts every frame of a call chain).
 */
#include "sema/sema_int.h"

#include <string.h>

/* Every call is a copy of the body: calls of calls multiply. Past this
 * many copies (in each of the two passes) the program is refused. */
#define FN_INLINE_MAX 4096

struct sema_fn {
	struct node *def;
	const struct type *ret; /* type_void() when declared void or without a type */
	bool bad;		/* the signature has errors: calls are typed, not checked */
	bool active;		/* being expanded: a call now is recursion */
	bool reported;		/* the body's errors were reported at one call site */
};

static struct sema_fn *find_fn(struct sctx *s, const char *name)
{
	for (size_t i = 0; i < s->fns.n; i++) {
		struct sema_fn *f = s->fns.v[i];
		if (!strcmp(f->def->str, name))
			return f;
	}
	return NULL;
}

/* Does this statement end every path through it with `return`? */
static bool returns(const struct node *n)
{
	switch (n->kind) {
	case N_RETURN:
		return true;
	case N_BLOCK:
	case N_WHILE:
	case N_UNROLL:
		for (const struct node *st = n->kind == N_BLOCK ? n->a : n->b->a; st; st = st->next)
			if (returns(st))
				return true;
		return false;
	case N_IF:
		return n->c && returns(n->b) && returns(n->c);
	default:
		return false;
	}
}

static const struct type *fn_type(struct sctx *s, struct node *ty)
{
	if (ty->kind == N_TYPE && !strcmp(ty->str, "void") && ty->ival == 0 && !ty->b)
		return type_void();
	return sema_type_node(s, ty);
}

void sema_fn_define(struct sctx *s, struct node *n)
{
	struct sema_fn *f = arena_alloc(&s->ast->arena, sizeof(*f));

	memset(f, 0, sizeof(*f));
	f->def = n;
	if (find_fn(s, n->str)) {
		sema_err(s, n, "Redefinition of function: %s", n->str);
		return;
	}
	f->ret = n->b ? fn_type(s, n->b) : type_void();
	if (!f->ret) {
		f->ret = type_none();
		f->bad = true;
	}
	for (struct node *p = n->a; p; p = p->next) {
		for (struct node *q = n->a; q != p; q = q->next)
			if (!strcmp(p->a->str, q->a->str)) {
				sema_err(s, p->a, "Duplicate function parameter: %s", p->a->str);
				f->bad = true;
			}
		p->type = fn_type(s, p->b);
		if (p->type && p->type->kind == T_VOID) {
			sema_err(s, p->b, "Function parameter %s cannot be of type void",
				 p->a->str);
			p->type = NULL;
		}
		if (!p->type) {
			p->type = type_none();
			f->bad = true;
		}
	}
	if (f->ret->kind != T_VOID && !returns(n->c))
		sema_err(s, n, "Not all code paths returned a value");
	vec_push(&s->fns, f);
}

/* May an argument of type r be passed for a parameter declared as d? */
static bool arg_fits(const struct type *d, const struct type *r)
{
	if (d->kind == T_BOOL)
		return r->kind == T_BOOL;
	if (d->kind == T_INT)
		return (r->kind == T_INT || r->kind == T_PTR) && r->kind != T_BOOL;
	if (d->kind == T_STRING)
		return r->kind == T_STRING && r->size <= d->size;
	if (d->kind == T_PTR && r->kind == T_PTR)
		return d == r || !d->elem;
	return sema_unify(d, r) == d;
}

/* Type the body of the copy under call n in a scope of its own. */
static void check_body(struct sctx *s, struct sema_fn *f, struct node *copy)
{
	struct scope *up = s->scope, sc;
	struct sema_fn *cur = s->fn;
	int loops = s->loop_depth, fors = s->fn_for_depth;
	bool mute = s->mute;

	s->scope = NULL;
	s->fn = f;
	s->loop_depth = 0;
	s->fn_for_depth = 0;
	s->mute = mute || f->reported;
	sema_scope_push(s, &sc);
	for (struct node *p = copy->a; p; p = p->next) {
		struct sema_var *v = sema_var_new(s, p->a->str, p->type);
		v->typed = true;
		p->a->sema = v;
		p->a->type = v->type;
	}
	f->active = true;
	sema_block(s, copy->c);
	f->active = false;
	sema_scope_pop(s);
	if (!s->quiet)
		f->reported = true;
	s->scope = up;
	s->fn = cur;
	s->loop_depth = loops;
	s->fn_for_depth = fors;
	s->mute = mute;
}

bool sema_fn_call(struct sctx *s, struct node *n, const struct type **t)
{
	struct sema_fn *f = s->fns.n ? find_fn(s, n->str) : NULL;

	if (!f)
		return false;
	n->op = F_NONE;
	*t = f->ret;
	int nparams = ast_list_len(f->def->a), nargs = ast_list_len(n->a);
	bool ok = !f->bad;
	struct node *p = f->def->a;
	int i = 1;
	for (struct node *a = n->a; a; a = a->next, i++) {
		const struct type *at = sema_expr(s, a);
		if (!p || !ok)
			continue;
		if (at->kind != T_NONE && p->type->kind != T_NONE && !arg_fits(p->type, at)) {
			sema_err(s, a,
				 "Function %s: parameter %s is of type %s, cannot pass a value of "
				 "type %s",
				 f->def->str, p->a->str, type_str(p->type), type_str(at));
			ok = false;
		}
		p = p->next;
	}
	if (nargs != nparams) {
		sema_err(s, n, "Function %s requires %d argument%s (%d provided)", f->def->str,
			 nparams, nparams == 1 ? "" : "s", nargs);
		ok = false;
	}
	if (f->active) {
		sema_err_name(s, n, "Function %s calls itself: BPF programs cannot recurse",
			      f->def->str);
		ok = false;
	}
	if (ok && ++s->fn_inlined > 2 * FN_INLINE_MAX) {
		/* not muted: this call must not reach codegen unreported */
		if (!s->quiet && !s->fn_inlined_reported)
			diag_error(s->d, &n->loc,
				   "Calls of user functions expand to more than %d copies of "
				   "their bodies: sonde compiles every call inline",
				   FN_INLINE_MAX);
		s->fn_inlined_reported |= !s->quiet;
		ok = false;
	}
	if (!ok) {
		n->c = NULL;
		return true;
	}
	if (!n->c) {
		n->c = arena_alloc(&s->ast->arena, sizeof(*n->c));
		*n->c = *f->def;
		n->c->next = NULL;
		n->c->a = ast_clone_list(s->ast, f->def->a);
		n->c->b = NULL;
		n->c->c = ast_clone(s->ast, f->def->c);
	}
	n->c->type = f->ret;
	check_body(s, f, n->c);
	return true;
}

void sema_fn_return(struct sctx *s, struct node *n)
{
	const struct type *ret = s->fn->ret, *t = type_void();

	if (n->a)
		t = sema_expr(s, n->a);
	if (s->fn_for_depth) {
		sema_err(s, n, "'return' statement is not allowed in a for-loop");
		return;
	}
	if (ret->kind == T_NONE || t->kind == T_NONE)
		return;
	if ((ret->kind == T_VOID) != (t->kind == T_VOID) ||
	    (t->kind != T_VOID && !arg_fits(ret, t)))
		sema_err(s, n, "Function %s is of type %s, cannot return %s", s->fn->def->str,
			 type_str(ret), type_str(t));
}

/* Functions no probe calls are checked once, in the first probe's context. */
void sema_fn_check_uncalled(struct sctx *s)
{
	for (size_t i = 0; i < s->fns.n; i++) {
		struct sema_fn *f = s->fns.v[i];
		if (f->reported || f->bad)
			continue;
		struct node *copy = arena_alloc(&s->ast->arena, sizeof(*copy));
		*copy = *f->def;
		s->nvars = 0;
		check_body(s, f, copy);
	}
}

bool sema_fn_probe_builtin(struct sctx *s, struct node *n)
{
	static const char *const names[] = {"probe", "args",	  "retval", "func",
					    "ctx",   "probetype", "kstack", "ustack"};
	const char *id = n->str;
	bool probe = false;

	if (!s->fn)
		return false;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		probe |= !strcmp(id, names[i]);
	if (!strncmp(id, "sarg", 4))
		id += 1;
	if (!strncmp(id, "arg", 3) && id[3] >= '0' && id[3] <= '9' &&
	    strspn(id + 3, "0123456789") == strlen(id + 3))
		probe = true;
	if (!probe)
		return false;
	sema_err(s, n, "Builtin %s not supported outside probe", n->str);
	return true;
}
