// SPDX-License-Identifier: GPL-2.0
/*
 * Language constructs beyond the core: loops and jumps, let
 * declarations (typed or not), block values, records, indexing and the
 * ?: shorthand. Variables follow current bpftrace: block-scoped, no
 * shadowing, and a declared type is kept by every later assignment.
 */
#include "sema/sema_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static bool known(const struct type *t)
{
	return t && t->kind != T_NONE;
}

static bool intlike(const struct type *t)
{
	return t && (t->kind == T_INT || t->kind == T_BOOL || t->kind == T_PTR);
}

const struct type *sema_type_node(struct sctx *s, struct node *ty)
{

	if (ty->kind != N_TYPE || ty->ival != 0)
		goto unsupported;
	if (!strcmp(ty->str, "string")) {
		if (!ty->b)
			return type_string(s->opts->max_strlen ? s->opts->max_strlen : 64);
		if (ty->b->kind != N_INT || ty->b->ival < 1 || ty->b->ival > 65536) {
			sema_err(s, ty->b, "The size of a string type must be a positive constant");
			return NULL;
		}
		return type_string((unsigned)ty->b->ival);
	}
	if (ty->b || (ty->flags & AST_UNSIZED))
		goto unsupported;
	if (!strcmp(ty->str, "bool"))
		return type_bool();
	if (type_int_named(ty->str))
		return type_int_named(ty->str);
unsupported:
	if (ty->kind == N_TYPE && strcmp(ty->str, "buffer") && strcmp(ty->str, "inet") &&
	    strcmp(ty->str, "string"))
		return sema_ctype(s, ty);
	sema_unsupported(s, ty, "this type in a declaration");
	return NULL;
}

/* Declaring `name` here: not twice in one scope, and no shadowing. */
static bool check_new_var(struct sctx *s, struct node *var)
{
	for (size_t i = 0; i < s->scope->vars.n; i++) {
		struct sema_var *v = s->scope->vars.v[i];
		if (!strcmp(v->name, var->str)) {
			sema_err(s, var, "Variable %s is already declared in this scope", var->str);
			return false;
		}
	}
	if (sema_var_find(s, var->str)) {
		sema_err(s, var,
			 "Variable %s was already declared. Variable shadowing is not allowed.",
			 var->str);
		return false;
	}
	return true;
}

/* May a value of type r be stored in a variable declared as d? */
static bool fits_decl(const struct type *d, const struct type *r)
{
	if (d->kind == T_BOOL)
		return r->kind == T_BOOL;
	if (d->kind == T_INT)
		return intlike(r) && r->kind != T_BOOL;
	if (d->kind == T_STRING)
		return r->kind == T_STRING && r->size <= d->size;
	return sema_unify(d, r) == d;
}

void sema_let(struct sctx *s, struct node *n)
{
	const struct type *decl = NULL, *t = type_none();

	if (n->b && !(decl = sema_type_node(s, n->b)))
		return;
	if (n->c) {
		t = sema_expr(s, n->c);
		if (t->kind == T_VOID) {
			sema_err(s, n->c, "Cannot assign a value of type void");
			return;
		}
		if (decl && known(t) && !fits_decl(decl, t)) {
			sema_err(s, n,
				 "Type mismatch for %s: trying to assign value of type '%s' when "
				 "variable already has a type '%s'",
				 n->a->str, type_str(t), type_str(decl));
			return;
		}
	}
	if (!check_new_var(s, n->a))
		return;
	struct sema_var *v = sema_var_new(s, n->a->str, decl ? decl : sema_norm(t));
	v->typed = decl != NULL;
	v->unset = !decl && !n->c;
	n->a->sema = v;
	n->a->type = v->type;
}

static void loop_body(struct sctx *s, struct node *blk)
{
	s->loop_depth++;
	sema_block(s, blk);
	s->loop_depth--;
}

static void for_range(struct sctx *s, struct node *n)
{
	const struct type *a = sema_expr(s, n->b), *b = sema_expr(s, n->c);
	struct scope sc;

	if (known(a) && a->kind != T_INT)
		sema_err(s, n->b, "Loop range requires an integer for the start value, not %s",
			 type_str(a));
	if (known(b) && b->kind != T_INT)
		sema_err(s, n->c, "Loop range requires an integer for the end value, not %s",
			 type_str(b));
	bool sig = (a->kind == T_INT && a->is_signed) || (b->kind == T_INT && b->is_signed);
	sema_scope_push(s, &sc);
	if (check_new_var(s, n->a)) {
		struct sema_var *v = sema_var_new(s, n->a->str, type_int(8, sig));
		n->a->sema = v;
		n->a->type = v->type;
	}
	s->fn_for_depth++;
	loop_body(s, n->d);
	s->fn_for_depth--;
	sema_scope_pop(s);
}

static void for_map(struct sctx *s, struct node *n)
{
	struct map_desc *md = sema_map_get(s, n->b);
	struct scope sc;
	const struct type *kv = NULL;

	n->b->type = type_none();
	if (s->in_for_map) {
		sema_unsupported(s, n, "a for loop over a map inside another one");
		return;
	}
	if (md->agg == AGG_HIST || md->agg == AGG_LHIST || md->agg == AGG_STATS) {
		sema_err(s, n->b, "Loop expression does not support type: %s", type_str(md->value));
		return;
	}
	if (md->value) {
		/* count, sum, min, max, avg: $kv.1 is the value over all CPUs */
		const struct type *val =
			md->agg != AGG_NONE ? type_int(8, md->agg != AGG_COUNT) : md->value;
		const struct type *el[2] = {md->key ? md->key : type_int(8, true), val};
		kv = type_tuple(2, el, NULL);
	} else if (!s->quiet) {
		sema_err(s, n->b, "Undefined map: %s is read but never assigned", n->b->str);
	}
	sema_scope_push(s, &sc);
	if (check_new_var(s, n->a)) {
		struct sema_var *v = sema_var_new(s, n->a->str, kv ? kv : type_none());
		n->a->sema = v;
		n->a->type = v->type;
	}
	s->in_for_map++;
	s->fn_for_depth++;
	loop_body(s, n->c);
	s->fn_for_depth--;
	s->in_for_map--;
	sema_scope_pop(s);
}

void sema_loop(struct sctx *s, struct node *n)
{
	switch (n->kind) {
	case N_WHILE: {
		const struct type *c = sema_expr(s, n->a);
		if (known(c) && !intlike(c))
			sema_err(s, n->a, "Invalid condition in while(): %s", type_str(c));
		loop_body(s, n->b);
		break;
	}
	case N_UNROLL: {
		/* errors point at `unroll (N)`, as bpftrace's do */
		struct node head = *n->a;
		head.loc.first_line = n->loc.first_line;
		head.loc.first_column = n->loc.first_column;
		if (head.loc.last_line == head.loc.first_line)
			head.loc.last_column++; /* the ')' */
		if (n->a->kind == N_POSITIONAL)
			sema_positional(s, n->a);
		if (n->a->kind != N_INT) {
			sema_expr(s, n->a);
			sema_err(s, &head, "unroll count must be a constant integer");
		} else if (n->a->ival > 100) {
			sema_err(s, &head, "unroll maximum value is 100");
		} else if (n->a->ival < 1) {
			sema_err(s, &head, "unroll minimum value is 1");
		}
		n->id = n->a->kind == N_INT ? (int)n->a->ival : 0;
		sema_block(s, n->b);
		break;
	}
	case N_FOR_RANGE:
		for_range(s, n);
		break;
	case N_FOR_MAP:
		for_map(s, n);
		break;
	default:
		BUG("sema_loop on %s", ast_kind_name(n->kind));
	}
}

void sema_jump(struct sctx *s, struct node *n)
{
	if (n->kind == N_RETURN) {
		if (s->fn) {
			sema_fn_return(s, n);
			return;
		}
		if (n->a)
			sema_unsupported(s, n->a, "return with a value");
		return;
	}
	if (!s->loop_depth)
		sema_err(s, n, "'%s' statement is not allowed %s",
			 n->kind == N_BREAK ? "break" : "continue",
			 s->fn ? "in a function" : "outside of a loop");
}

const struct type *sema_block_value(struct sctx *s, struct node *n)
{
	struct scope sc;
	const struct type *t = type_void();

	sema_scope_push(s, &sc);
	for (struct node *st = n->a; st; st = st->next)
		sema_stmt(s, st);
	if (n->b)
		t = sema_expr(s, n->b);
	sema_scope_pop(s);
	return t;
}

const struct type *sema_record(struct sctx *s, struct node *n)
{
	int cnt = ast_list_len(n->a), i = 0;
	const struct type *el[cnt > 0 ? cnt : 1];
	const char *names[cnt > 0 ? cnt : 1];
	bool ok = true;

	for (struct node *f = n->a; f; f = f->next, i++) {
		names[i] = f->str;
		el[i] = sema_expr(s, f->a);
		f->type = el[i];
		for (int j = 0; j < i; j++)
			if (!strcmp(names[j], names[i])) {
				sema_err(s, f, "Duplicate field name '%s' in record", f->str);
				ok = false;
			}
		if (!known(el[i]))
			ok = false;
		else if (el[i]->kind == T_VOID || el[i]->kind == T_AGG) {
			sema_err(s, f->a, "a record cannot hold a value of type %s",
				 type_str(el[i]));
			ok = false;
		}
	}
	return ok && cnt ? type_tuple(cnt, el, names) : type_none();
}

const struct type *sema_index(struct sctx *s, struct node *n)
{
	const struct type *a = sema_expr(s, n->a);
	const struct type *i = sema_expr(s, n->b);

	if (!known(a) || !known(i))
		return type_none();
	if (a->kind == T_PTR || a->kind == T_ARRAY)
		return sema_c_index(s, n, a, i);
	if (a->kind != T_TUPLE && a->kind != T_STRING) {
		sema_unsupported(s, n, "indexing this type with []");
		return type_none();
	}
	if (n->b->kind != N_INT) {
		sema_err(s, n->b, "The index of a %s must be a constant integer",
			 a->kind == T_TUPLE ? "tuple" : "string");
		return type_none();
	}
	int64_t idx = n->b->ival;
	int64_t len = a->kind == T_TUPLE ? a->nfields : (int64_t)a->size;
	if (idx < 0 || idx >= len) {
		sema_err(s, n->b, "Index %lld is out of range for %s", (long long)idx, type_str(a));
		return type_none();
	}
	n->id = (int)idx;
	return a->kind == T_TUPLE ? a->fields[idx].type : type_int(1, true);
}

/* a ?: b is a ? a : b with a evaluated once. */
const struct type *sema_elvis(struct sctx *s, struct node *n)
{
	const struct type *a = sema_expr(s, n->a), *b = sema_expr(s, n->c);

	if (!known(a) || !known(b))
		return type_none();
	if (!intlike(a) || !intlike(b)) {
		sema_err(s, n, "The ?: operator needs integers or bools, not %s and %s",
			 type_str(a), type_str(b));
		return type_none();
	}
	if (a->kind == T_BOOL && b->kind == T_BOOL)
		return type_bool();
	return type_int(8,
			(a->kind == T_INT && a->is_signed) || (b->kind == T_INT && b->is_signed));
}

/* ---- positional parameters ---- */

static const char *positional_text(struct sctx *s, int64_t idx)
{
	return idx >= 1 && idx <= s->opts->npos ? s->opts->pos[idx - 1] : NULL;
}

static bool numeric(const char *text, int64_t *v, bool *big)
{
	char *end;

	*big = false;
	if (!*text)
		return false;
	errno = 0;
	*v = strtoll(text, &end, 0);
	if (!*end && errno == ERANGE && text[0] != '-') {
		/* 0xffffffffffffffff: an unsigned 64-bit value, as bpftrace reads it */
		errno = 0;
		*v = (int64_t)strtoull(text, &end, 0);
		*big = true;
	}
	return !*end && !errno;
}

void sema_positional(struct sctx *s, struct node *n)
{
	const char *text = positional_text(s, n->ival);
	int64_t v = 0;
	bool big = false;

	if (n->ival < 0) {
		v = s->opts->npos;
	} else if (text && !numeric(text, &v, &big)) {
		n->kind = N_STRING;
		n->str = text;
		n->len = strlen(text);
		return;
	}
	/* An unset parameter reads as 0, as in bpftrace. */
	n->kind = N_INT;
	n->ival = v;
	if (big)
		n->flags |= AST_UNSIGNED_LIT;
	n->str = NULL;
}

/*
 * str($1 + N) or str(N + $1): bpftrace takes the parameter as a pointer to
 * its text, so this is the text from offset N. Only adding a constant no
 * larger than the length is allowed. The node becomes the string literal
 * (once, so the error is reported directly rather than in a sema pass).
 */
bool sema_positional_offset(struct sctx *s, struct node *arg)
{
	struct node *p = arg->a, *k = arg->b;
	const char *text;
	size_t len, off = 0;

	if (arg->kind != N_BINOP)
		return false;
	if (p->kind != N_POSITIONAL) {
		p = arg->b;
		k = arg->a;
	}
	if (p->kind != N_POSITIONAL || p->ival < 0)
		return false;
	text = positional_text(s, p->ival);
	if (!text)
		text = "";
	len = strlen(text);
	if (arg->op != '+' || k->kind != N_INT || k->ival < 0 || (uint64_t)k->ival > len)
		diag_error(s->d, &arg->loc,
			   "only addition of a single constant less or equal to the length of "
			   "$%" PRId64 " (which is %zu) is allowed inside str()",
			   p->ival, len);
	else
		off = (size_t)k->ival;
	arg->kind = N_STRING;
	arg->str = text + off;
	arg->len = len - off;
	arg->a = arg->b = NULL;
	return true;
}

void sema_positional_str(struct sctx *s, struct node *call)
{
	struct node *p = call->a;
	const char *text;

	if (p->kind == N_STRING) { /* from sema_positional_offset() */
		call->kind = N_STRING;
		call->str = p->str;
		call->len = p->len;
		call->a = NULL;
		return;
	}
	text = p->ival < 0 ? NULL : positional_text(s, p->ival);
	if (p->ival < 0) {
		sema_err(s, p, "$# is an integer: str() takes a positional parameter like $1");
		text = "";
	}
	call->kind = N_STRING;
	call->str = text ? text : "";
	call->len = strlen(call->str);
	call->a = NULL;
}

/*
 * A function's positional arguments are literals before the function looks
 * at them: lhist(x, $1, $2, $3), strncmp(a, b, $1), kaddr(str($1)).
 */
void sema_positional_args(struct sctx *s, struct node *call)
{
	if (!strcmp(call->str, "str") && call->a)
		sema_positional_offset(s, call->a);
	for (struct node *a = call->a; a; a = a->next) {
		if (a->kind == N_POSITIONAL)
			sema_positional(s, a);
		else if (a->kind == N_CALL && !strcmp(a->str, "str") && a->a &&
			 (a->a->kind == N_POSITIONAL || sema_positional_offset(s, a->a)) &&
			 !a->a->next)
			sema_positional_str(s, a);
	}
}

char *sema_attach_subst(struct sctx *s, struct node *ap)
{
	struct strbuf sb;
	const char *p = ap->str;

	sb_init(&sb);
	while (*p) {
		if (p[0] == '$' && p[1] == '#') {
			sb_printf(&sb, "%d", s->opts->npos);
			p += 2;
		} else if (p[0] == '$' && p[1] >= '0' && p[1] <= '9') {
			char *end;
			long idx = strtol(p + 1, &end, 10);
			const char *text = positional_text(s, idx);
			if (!text) {
				diag_error_hint(s->d, &ap->loc,
						"pass it on the command line after the program",
						"Positional parameter $%ld is used in an attach "
						"point but not set",
						idx);
				sb_free(&sb);
				return NULL;
			}
			sb_puts(&sb, text);
			p = end;
		} else {
			sb_putc(&sb, *p++);
		}
	}
	if (!sb.buf)
		return xstrdup("");
	return sb.buf;
}

/* `if c { a } else { b }` as a value. */
const struct type *sema_if_value(struct sctx *s, struct node *n)
{
	const struct type *c = sema_expr(s, n->a);

	if (known(c) && !intlike(c))
		sema_err(s, n->a, "Invalid condition in if(): %s", type_str(c));
	const struct type *a = sema_block_value(s, n->b);
	if (!n->c) {
		sema_err(s, n, "An if expression needs an else branch to have a value");
		return type_none();
	}
	const struct type *b = n->c->kind == N_IF ? sema_expr(s, n->c) : sema_block_value(s, n->c);
	n->c->type = b;
	n->b->type = a;
	if (!known(a) || !known(b))
		return type_none();
	if (a->kind == T_INT && b->kind == T_INT)
		return type_int(8, a->is_signed || b->is_signed);
	if (a->kind == T_VOID && b->kind == T_VOID)
		return a; /* statements only, as a macro's body may end */
	const struct type *t = sema_unify(sema_norm(a), sema_norm(b));
	if (!t || t->kind == T_VOID) {
		sema_err(s, n, "The branches of an if expression have different types: %s and %s",
			 type_str(a), type_str(b));
		return type_none();
	}
	return t;
}
