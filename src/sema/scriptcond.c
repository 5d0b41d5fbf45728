// SPDX-License-Identifier: GPL-2.0
/*
 * #if/#ifdef/#ifndef/#elif/#else/#endif between the script's top-level
 * items, as bpftrace's preprocessor sees them: BPFTRACE_HAVE_BTF is
 * defined when the kernel has BTF, so the tools' `#ifndef
 * BPFTRACE_HAVE_BTF` fallbacks (hand-written kernel structs, kernel
 * headers) drop out. Items of inactive branches are unlinked before sema
 * looks at them. Conditions see the script's #defines and the headers
 * included before them.
 */
#include "sema/hdrmacro.h"
#include "sema/sema_int.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define COND_MAX 32

struct cond {
	bool active, taken, parent;
};

/* The directive word of a "#word rest" item ("" for other items). */
static const char *directive(const struct node *n, size_t *len, const char **rest)
{
	const char *p = n->str;

	*len = 0;
	if (n->kind != N_C_DEFN || !p)
		return "";
	while (isspace((unsigned char)*p))
		p++;
	if (*p++ != '#')
		return "";
	while (*p == ' ' || *p == '\t')
		p++;
	while (isalpha((unsigned char)p[*len]))
		(*len)++;
	*rest = p + *len;
	return p;
}

static void script_define(struct hdr *h, const struct node *d)
{
	char v[32] = "";

	if (d->a && d->a->kind == N_INT)
		snprintf(v, sizeof(v), "%" PRId64, d->a->ival);
	hdr_define(h, d->str, v);
}

/* The macros a condition sees, made on the first condition: the headers
 * included so far, the script's #defines so far, BPFTRACE_HAVE_BTF. */
static struct hdr *env(struct sctx *s, struct vec *defs, bool *ready)
{
	struct hdr *h = sema_hdr(s);

	if (!h)
		h = sema_hdr_get(s);
	if (!*ready) {
		*ready = true;
		if (sema_have_btf())
			hdr_define(h, "BPFTRACE_HAVE_BTF", "1");
		for (size_t i = 0; i < defs->n; i++)
			script_define(h, defs->v[i]);
	}
	return h;
}

static bool test(struct sctx *s, struct vec *defs, bool *ready, const char *word, size_t len,
		 const char *rest)
{
	struct hdr *h = env(s, defs, ready);
	char expr[256];
	int64_t v = 0;
	size_t n = 0;

	/* the condition, without a trailing comment */
	while (rest[n] && n < 200 &&
	       !(rest[n] == '/' && (rest[n + 1] == '/' || rest[n + 1] == '*')))
		n++;
	if (len == 2) /* #if, and #elif's condition */
		snprintf(expr, sizeof(expr), "%.*s", (int)n, rest);
	else
		snprintf(expr, sizeof(expr), "defined(%.*s)", (int)n, rest);
	bool on = hdr_eval_if(h, expr, &v) && v;
	return len == 6 ? !on : on; /* #ifndef */
}

void sema_script_cond(struct sctx *s)
{
	struct cond cs[COND_MAX];
	int n = 0;
	bool ready = false;
	struct vec defs = {0}; /* #defines before the first condition */
	struct node **link = &s->ast->root->a;
	struct node *open = NULL;

	for (struct node *it = *link; it; it = *link) {
		size_t len;
		const char *rest = NULL;
		const char *w = directive(it, &len, &rest);
		bool active = !n || cs[n - 1].active;
		bool drop = true;

#define IS(x) (len == sizeof(x) - 1 && !strncmp(w, x, len))
		if (IS("if") || IS("ifdef") || IS("ifndef")) {
			if (n == COND_MAX) {
				sema_err(s, it, "#if nests too deeply");
				break;
			}
			bool on = active && test(s, &defs, &ready, w, len, rest);
			cs[n++] = (struct cond){
				.active = on, .taken = on || !active, .parent = active};
			open = it;
		} else if (IS("elif") || IS("else") || IS("endif")) {
			if (!n) {
				sema_err(s, it, "#%.*s without #if", (int)len, w);
				break;
			}
			struct cond *c = &cs[n - 1];
			if (IS("endif"))
				n--;
			else if (IS("else"))
				c->active = !c->taken, c->taken = true;
			else if (c->taken)
				c->active = false;
			else
				c->taken = c->active = test(s, &defs, &ready, "if", 2, rest);
		} else if (active) {
			drop = false;
			if (it->kind == N_INCLUDE) {
				vec_push(&s->includes, it);
			} else if (it->kind == N_DEFINE && it->str) {
				if (ready)
					script_define(s->hdr, it);
				else
					vec_push(&defs, it);
			}
		}
#undef IS
		if (drop)
			*link = it->next; /* directives and inactive items */
		else
			link = &it->next;
	}
	if (n && !diag_errors(s->d))
		sema_err(s, open, "Unterminated #if");
	vec_free(&defs);
}
