// SPDX-License-Identifier: GPL-2.0
/*
 * getopt("name"[, default[, "desc"]]): a named program argument given
 * after `--` on the command line (`--name=value`, or `--name` alone for
 * true). Its value is known at compile time, so the call becomes a
 * literal; its type comes from the default (bool when there is none).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sema/sema_int.h"

/* The value text of --name, "" for a bare --name; NULL when not given. */
static const char *named_arg(struct sctx *s, const char *name)
{
	const struct sema_opts *o = s->opts;
	size_t len = strlen(name);

	for (int i = 0; i < o->nnamed; i++) {
		const char *a = o->named[i] + 2; /* after "--" */
		if (!strncmp(a, name, len) && (a[len] == '=' || !a[len])) {
			if (s->named_used)
				s->named_used[i] = true;
			return a[len] == '=' ? a + len + 1 : "";
		}
	}
	return NULL;
}

void sema_getopt_unused(struct sctx *s)
{
	struct strbuf sb;

	sb_init(&sb);
	for (int i = 0; s->named_used && i < s->opts->nnamed; i++) {
		const char *a = s->opts->named[i] + 2, *eq = strchr(a, '=');
		if (s->named_used[i])
			continue;
		if (sb.len)
			sb_puts(&sb, ", ");
		sb_add(&sb, a, eq ? (size_t)(eq - a) : strlen(a));
	}
	if (sb.len)
		diag_error(s->d, NULL, "Unexpected command line options: %s", sb.buf);
	sb_free(&sb);
}

static bool parse_bool(const char *v, int64_t *out)
{
	if (!*v || !strcasecmp(v, "true") || !strcmp(v, "1")) {
		*out = 1;
		return true;
	}
	if (!strcasecmp(v, "false") || !strcmp(v, "0")) {
		*out = 0;
		return true;
	}
	return false;
}

const struct type *sema_getopt(struct sctx *s, struct node *n)
{
	if (!sema_nargs_ok(s, n, 1, 3))
		return type_none();
	struct node *name = n->a, *def = name->next;
	if (name->kind != N_STRING || !name->len) {
		sema_err(s, name, "getopt() expects the argument name as a string literal");
		return type_none();
	}
	if (def && def->next && def->next->kind != N_STRING) {
		sema_err(s, def->next, "getopt() expects a string literal as its description");
		return type_none();
	}
	enum { BOOL, INT, STR } kind = BOOL;
	int64_t iv = 0;
	if (def && def->kind == N_STRING) {
		kind = STR;
	} else if (def && def->kind == N_BOOL) {
		iv = def->ival;
	} else if (def) {
		sema_expr(s, def);
		if (!sema_const_int(def, &iv)) {
			sema_err(s, def,
				 "getopt() expects a literal default value: a bool, an integer or "
				 "a string");
			return type_none();
		}
		kind = INT;
	}
	const char *v = named_arg(s, name->str);
	const char *sv = def && kind == STR ? def->str : "";
	size_t slen = def && kind == STR ? def->len : 0;
	if (v && kind == BOOL && !parse_bool(v, &iv)) {
		sema_err(s, n, "--%s=%s: getopt() expects true or false for this argument",
			 name->str, v);
		return type_none();
	}
	if (v && kind == INT && (iv == 0 || iv == 1) && parse_bool(v, &iv)) {
		/* an integer flag with a 0 or 1 default also takes true/false */
	} else if (v && kind == INT) {
		char *end;
		errno = 0;
		long long x = strtoll(v, &end, 0);
		if (!*v || *end || errno) {
			sema_err(s, n, "--%s=%s: getopt() expects an integer for this argument",
				 name->str, v);
			return type_none();
		}
		iv = x;
	}
	if (v && kind == STR) {
		sv = v;
		slen = strlen(v);
	}
	if (!def && !v)
		iv = 0;
	/* The call is now its value. */
	n->a = NULL;
	switch (kind) {
	case BOOL:
		n->kind = N_BOOL;
		n->ival = iv;
		return type_bool();
	case INT:
		n->kind = N_INT;
		n->ival = iv;
		n->flags = 0;
		return type_int(8, true);
	default:
		n->kind = N_STRING;
		n->str = arena_strndup(&s->prog->arena, sv, slen);
		n->len = slen;
		return type_string((unsigned)slen + 1);
	}
}
