// SPDX-License-Identifier: GPL-2.0
/*
 * Macros: `macro name($v, @m, e) { ...; last_expr }`. A call is replaced
 * by a copy of the body, a block expression. Parameters bind by kind: a
 * $variable parameter names the caller's variable, a @map parameter the
 * caller's map, and a bare identifier stands for the argument
 * expression. A $variable parameter given any other expression stands
 * for that expression too: it is evaluated at every use, as in bpftrace. Variables the body
 * declares get names of their own in every expansion, so a macro never touches the caller's
 * variables (hygiene).
 */
#include "sema/sema_int.h"

#include <string.h>

#define MACRO_DEPTH_MAX 32

struct binding {
	const struct node *param;
	struct node *arg;
};

static struct node *find_macro(struct sctx *s, const char *name)
{
	for (size_t i = 0; i < s->macros.n; i++) {
		struct node *m = s->macros.v[i];
		if (!strcmp(m->str, name))
			return m;
	}
	return NULL;
}

void sema_macro_define(struct sctx *s, struct node *n)
{
	if (find_macro(s, n->str)) {
		sema_err(s, n, "Redefinition of macro: %s", n->str);
		return;
	}
	for (struct node *p = n->a; p; p = p->next)
		for (struct node *q = p->next; q; q = q->next)
			if (!strcmp(p->str, q->str))
				sema_err(s, q, "Duplicate macro parameter: %s", q->str);
	vec_push(&s->macros, n);
}

static void subst(struct sctx *s, struct node *n, struct binding *b, int nb, int serial)
{
	for (; n; n = n->next) {
		if (n->kind == N_VAR || n->kind == N_MAP || n->kind == N_IDENT) {
			int i;
			for (i = 0; i < nb; i++)
				if (b[i].param->kind == n->kind && !strcmp(b[i].param->str, n->str))
					break;
			if (i < nb && (n->kind == N_IDENT || b[i].arg->kind != n->kind)) {
				struct node *next = n->next;
				*n = *ast_clone(s->ast, b[i].arg);
				n->next = next;
				continue; /* the argument belongs to the caller: no renaming */
			}
			if (i < nb)
				n->str = b[i].arg->str;
			else if (n->kind == N_VAR)
				n->str = arena_printf(&s->ast->arena, "%s__m%d", n->str, serial);
		}
		subst(s, n->a, b, nb, serial);
		subst(s, n->b, b, nb, serial);
		subst(s, n->c, b, nb, serial);
		subst(s, n->d, b, nb, serial);
	}
}

/* Bind one argument to its parameter; false (reported) when the kinds differ. */
static bool bind(struct sctx *s, const struct node *macro, const struct node *param,
		 struct node *arg)
{
	if (param->kind == N_MAP && (arg->kind != N_MAP || arg->a)) {
		sema_err(s, arg, "Macro '%s' expects a map for parameter %s: pass a @map",
			 macro->str, param->str);
		return false;
	}
	return true;
}

/*
 * A $variable parameter given an expression cannot be assigned to: find
 * such an assignment in the body and report it at the argument.
 */
static bool assigns_param(const struct node *n, const char *name)
{
	for (; n; n = n->next) {
		if ((n->kind == N_ASSIGN || n->kind == N_INCDEC) && n->a && n->a->kind == N_VAR &&
		    !strcmp(n->a->str, name))
			return true;
		if (assigns_param(n->a, name) || assigns_param(n->b, name) ||
		    assigns_param(n->c, name) || assigns_param(n->d, name))
			return true;
	}
	return false;
}

static bool sema_macro_expand(struct sctx *s, struct node *n)
{
	struct node *m = find_macro(s, n->str);

	if (!m)
		return false;
	int nparams = ast_list_len(m->a);
	int nargs = n->kind == N_CALL ? ast_list_len(n->a) : 0;
	if (nargs != nparams) {
		sema_err(s, n, "Macro '%s' takes %d argument%s, not %d", m->str, nparams,
			 nparams == 1 ? "" : "s", nargs);
		return false;
	}
	if (s->macro_depth >= MACRO_DEPTH_MAX) {
		sema_err(s, n, "Macro '%s' expands too deeply (recursive macro?)", m->str);
		return false;
	}
	struct binding b[nparams > 0 ? nparams : 1];
	struct node *arg = n->kind == N_CALL ? n->a : NULL;
	int i = 0;
	for (struct node *p = m->a; p; p = p->next, arg = arg->next, i++) {
		if (!bind(s, m, p, arg))
			return false;
		if (p->kind == N_VAR && arg->kind != N_VAR && assigns_param(m->c, p->str)) {
			sema_err(s, arg, "Macro '%s' assigns to parameter %s: pass a $variable",
				 m->str, p->str);
			return false;
		}
		b[i].param = p;
		b[i].arg = arg;
	}
	struct node *body = ast_clone(s->ast, m->c);
	subst(s, body, b, nparams, ++s->macro_serial);
	struct node *next = n->next;
	struct span loc = n->loc;
	*n = *body;
	n->next = next;
	n->loc = loc;
	return true;
}

bool sema_macro_try(struct sctx *s, struct node *n, const struct type **t)
{
	if (!s->macros.n || !sema_macro_expand(s, n))
		return false;
	s->macro_depth++;
	*t = sema_expr(s, n);
	s->macro_depth--;
	return true;
}
