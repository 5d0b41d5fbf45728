// SPDX-License-Identifier: GPL-2.0
/*
 * Stacks and symbols: kstack, ustack, kstack([mode,] [limit]),
 * ustack([mode,] [limit]), ksym(addr), usym(addr). All are values that
 * userspace symbolizes when it prints them (runtime/stack.c).
 */
#include <stdlib.h>
#include <string.h>

#include "sema/sema_int.h"

/* BPFTRACE_STACK_MODE sets the default mode, as in bpftrace. */
static enum stack_mode default_mode(const struct sctx *s, bool user)
{
	const char *m = getenv("BPFTRACE_STACK_MODE");

	/* Else the config block's stack_mode, which the environment overrides. */
	if ((!m || !*m) && s->stack_mode) {
		enum stack_mode cm = (enum stack_mode)(s->stack_mode - 1);
		return cm == STACK_BUILD_ID && !user ? STACK_BPFTRACE : cm;
	}
	if (m && !strcmp(m, "build_id") && user)
		return STACK_BUILD_ID;
	if (m && !strcmp(m, "perf"))
		return STACK_PERF;
	if (m && !strcmp(m, "raw"))
		return STACK_RAW;
	return STACK_BPFTRACE;
}

static void use_limit(struct sctx *s, enum stack_mode mode, int limit)
{
	uint64_t *bits = mode == STACK_BUILD_ID ? s->prog->build_id_limits : s->prog->stack_limits;

	bits[limit / 64] |= (uint64_t)1 << (limit % 64);
}

const struct type *sema_stack_builtin(struct sctx *s, bool user)
{
	enum stack_mode mode = default_mode(s, user);

	use_limit(s, mode, STACK_MAX_FRAMES);
	s->prog->uses_user_syms |= user;
	return type_stack(user ? T_USTACK : T_KSTACK, mode, STACK_MAX_FRAMES);
}

static bool parse_mode(struct sctx *s, struct node *a, bool user, enum stack_mode *mode)
{
	static const char *const names[] = {"bpftrace", "perf", "raw", "build_id"};

	for (int i = 0; i < 4; i++) {
		if (strcmp(a->str, names[i]))
			continue;
		if (i == STACK_BUILD_ID && !user)
			break;
		*mode = (enum stack_mode)i;
		return true;
	}
	sema_err(s, a, "Invalid stack mode '%s': use bpftrace, perf, raw%s", a->str,
		 user ? " or build_id" : "");
	return false;
}

const struct type *sema_stack_call(struct sctx *s, struct node *n, bool user)
{
	enum stack_mode mode = default_mode(s, user);
	int64_t limit = STACK_MAX_FRAMES;
	struct node *a = n->a;
	int nargs = ast_list_len(n->a);

	if (nargs > 2) {
		sema_err(s, n, "%s() takes at most 2 arguments: (mode, limit)", n->str);
		return type_none();
	}
	if (a && a->kind == N_IDENT) {
		if (!parse_mode(s, a, user, &mode))
			return type_none();
		a = a->next;
	}
	if (a) {
		if (a->kind != N_INT || a->next) {
			sema_err(s, a, "%s() expects a stack mode and an integer literal limit",
				 n->str);
			return type_none();
		}
		limit = a->ival;
		if (limit < 1 || limit > STACK_MAX_FRAMES) {
			sema_err(s, a, "%s() limit must be between 1 and %d", n->str,
				 STACK_MAX_FRAMES);
			return type_none();
		}
	}
	use_limit(s, mode, (int)limit);
	s->prog->uses_user_syms |= user;
	return type_stack(user ? T_USTACK : T_KSTACK, mode, (int)limit);
}

const struct type *sema_sym_call(struct sctx *s, struct node *n, bool user)
{
	const struct type *t;

	if (ast_list_len(n->a) != 1) {
		sema_err(s, n, "%s() takes exactly one argument: an address", n->str);
		return type_none();
	}
	t = sema_expr(s, n->a);
	if (t && t->kind != T_INT && t->kind != T_PTR && t->kind != T_NONE) {
		sema_err(s, n->a, "%s() expects an integer address, not %s", n->str, type_str(t));
		return type_none();
	}
	s->prog->uses_user_syms |= user;
	return type_stack(user ? T_USTACK : T_KSTACK, STACK_SYM, 1);
}
