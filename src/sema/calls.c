// SPDX-License-Identifier: GPL-2.0
/*
 * Function calls: argument checks and the events they emit. One place per
 * function, so everything sema knows about printf or hist is here.
 */
#include "sema/sema_int.h"

#include <string.h>

static const char *const func_names[] = {[F_NONE] = "",
#define X(e, s) [e] = s,
					 SEMA_FUNCS(X)
#undef X
};

const char *sema_func_name(enum sema_func f)
{
	return func_names[f];
}

static enum sema_func func_lookup(const char *name)
{
	for (size_t i = 1; i < ARRAY_SIZE(func_names); i++)
		if (!strcmp(func_names[i], name))
			return (enum sema_func)i;
	return F_NONE;
}

static const enum agg_kind agg_of[] = {
	[F_COUNT] = AGG_COUNT, [F_SUM] = AGG_SUM,     [F_AVG] = AGG_AVG,
	[F_MIN] = AGG_MIN,     [F_MAX] = AGG_MAX,     [F_STATS] = AGG_STATS,
	[F_HIST] = AGG_HIST,   [F_LHIST] = AGG_LHIST, [F_TSERIES] = AGG_TSERIES,
};

bool sema_is_agg_call(const struct node *n, enum agg_kind *agg)
{
	if (!n || n->kind != N_CALL)
		return false;
	enum sema_func f = func_lookup(n->str);
	if ((f < F_COUNT || f > F_LHIST) && f != F_TSERIES)
		return false;
	if (agg)
		*agg = agg_of[f];
	return true;
}

static bool nargs_ok(struct sctx *s, struct node *n, int min, int max)
{
	int na = ast_list_len(n->a);

	if (na >= min && na <= max)
		return true;
	if (min == max)
		sema_err(s, n, "%s() requires %d argument%s (%d provided)", n->str, min,
			 min == 1 ? "" : "s", na);
	else
		sema_err(s, n, "%s() requires %d to %d arguments (%d provided)", n->str, min, max,
			 na);
	return false;
}

static struct node *arg(struct node *n, int i)
{
	struct node *a = n->a;

	while (a && i--)
		a = a->next;
	return a;
}

static bool const_int(struct node *n, int64_t *v)
{
	if (n->kind == N_INT) {
		*v = n->ival;
		return true;
	}
	if (n->kind == N_UNOP && n->op == '-' && n->a->kind == N_INT) {
		*v = -n->a->ival;
		return true;
	}
	return false;
}

static bool int_arg(struct sctx *s, struct node *call, struct node *a, const char *what)
{
	const struct type *t = sema_expr(s, a);

	if (!t || t->kind == T_NONE)
		return false;
	if (t->kind != T_INT && t->kind != T_BOOL && t->kind != T_PTR) {
		sema_err(s, a, "%s() %s must be an integer, not %s", call->str, what, type_str(t));
		return false;
	}
	return true;
}

static struct event_desc *new_event(struct sctx *s, struct node *n, enum event_kind kind)
{
	struct program *p = s->prog;
	struct event_desc *ev = arena_alloc(&p->arena, sizeof(*ev));

	ev->kind = kind;
	ev->id = (int)p->events.n;
	ev->map_id = -1;
	vec_push(&p->events, ev);
	n->id = ev->id;
	return ev;
}

/* Lay out event arguments after the u64 id: naturally aligned. */
static void event_args(struct sctx *s, struct event_desc *ev, struct node *first, int n)
{
	uint32_t off = 0;
	int i = 0;

	ev->args = arena_alloc(&s->prog->arena, sizeof(*ev->args) * (size_t)(n ? n : 1));
	for (struct node *a = first; a && i < n; a = a->next, i++) {
		const struct type *t = sema_norm(a->type);
		uint32_t al = t->align ? t->align : 1;
		off = (off + al - 1) / al * al;
		ev->args[i].type = t;
		ev->args[i].offset = off;
		off += t->size;
	}
	ev->nargs = n;
	ev->size = (off + 7) / 8 * 8;
}

/* Count printf conversions, checking each against its argument's type. */
static void check_printf(struct sctx *s, struct node *call, const char *fmt, struct node *args)
{
	int nconv = 0;
	struct node *a = args;

	for (const char *p = fmt; *p; p++) {
		if (*p != '%')
			continue;
		p++;
		if (*p == '%')
			continue;
		while (*p && strchr("-+ #0", *p))
			p++;
		while (*p >= '0' && *p <= '9')
			p++;
		if (*p == '.') {
			p++;
			while (*p >= '0' && *p <= '9')
				p++;
		}
		while (*p && strchr("hlzjt", *p))
			p++;
		bool raw = *p == 'r'; /* %r, %rx, %rh: buffers */
		if (raw && (p[1] == 'x' || p[1] == 'h'))
			p++;
		if (!*p || (!raw && !strchr("diuoxXcsp", *p))) {
			sema_err(s, call->a, "printf: Unknown format string conversion: %%%c%s",
				 *p ? *p : ' ', *p ? "" : "(end of string)");
			return;
		}
		nconv++;
		if (a) {
			const struct type *t = a->type;
			if (t && t->kind != T_NONE) {
				bool is_num =
					t->kind == T_INT || t->kind == T_BOOL || t->kind == T_PTR;
				if (raw && t->kind != T_BUFFER)
					sema_err(s, a,
						 "printf: %%r specifier expects a value of type "
						 "buffer "
						 "(%s supplied)",
						 type_str(t));
				else if (!raw && *p != 's' && !is_num)
					sema_err(s, a,
						 "printf: %%%c specifier expects a value of type "
						 "integer "
						 "(%s supplied)",
						 *p, type_str(t));
			}
			a = a->next;
		}
		if (!*p)
			break;
	}
	int nargs = ast_list_len(args);
	if (nargs > nconv)
		sema_err(s, call,
			 "printf: Too many arguments for format string (%d supplied, %d expected)",
			 nargs, nconv);
	else if (nargs < nconv)
		sema_err(
			s, call,
			"printf: Not enough arguments for format string (%d supplied, %d expected)",
			nargs, nconv);
}

static const struct type *call_printf(struct sctx *s, struct node *n, bool as_stmt)
{
	struct node *fmt = n->a;
	int na = ast_list_len(n->a);

	if (na < 1) {
		sema_err(s, n, "printf() requires at least 1 argument (0 provided)");
		return type_void();
	}
	for (struct node *a = fmt->next; a; a = a->next)
		sema_expr(s, a);
	if (fmt->kind != N_STRING) {
		sema_err(s, fmt, "printf() expects a string literal as its first argument");
		return type_void();
	}
	for (struct node *a = fmt->next; a; a = a->next)
		if (a->type && (a->type->kind == T_VOID || a->type->kind == T_AGG))
			sema_err(s, a, "printf() cannot print a value of type %s",
				 type_str(a->type));
	check_printf(s, n, fmt->str, fmt->next);
	if (!s->quiet) {
		struct event_desc *ev = new_event(s, n, EV_PRINTF);
		ev->fmt = arena_strdup(&s->prog->arena, fmt->str);
		event_args(s, ev, fmt->next, na - 1);
	}
	return type_void();
}

static struct map_desc *map_arg(struct sctx *s, struct node *call, struct node *a, bool keyless)
{
	if (!a || a->kind != N_MAP) {
		sema_err(s, a ? a : call, "%s() expects a map argument", call->str);
		return NULL;
	}
	if (keyless && a->a) {
		sema_err(s, a, "%s() expects a map without a key, e.g. %s(%s)", call->str,
			 call->str, a->str);
		return NULL;
	}
	struct map_desc *md = sema_map_get(s, a);
	a->type = md->value ? md->value : type_none();
	return md;
}

const struct type *sema_call(struct sctx *s, struct node *n, bool as_stmt)
{
	enum sema_func f = func_lookup(n->str);
	struct program *p = s->prog;
	const struct type *ft;

	if (sema_fn_call(s, n, &ft))
		return ft;
	n->op = f;
	switch (f) {
	case F_NONE: {
		const struct type *bt;
		if (sema_builtin_call(s, n, &bt))
			return bt;
		sema_err_name(s, n, "Unknown function: %s", n->str);
		for (struct node *a = n->a; a; a = a->next)
			sema_expr(s, a);
		return type_none();
	}
	case F_PRINTF:
		return call_printf(s, n, as_stmt);
	case F_PRINT: {
		if (!nargs_ok(s, n, 1, 3))
			return type_void();
		struct node *a0 = n->a;
		if (a0->kind == N_MAP && !a0->a) {
			struct map_desc *md = map_arg(s, n, a0, true);
			int64_t top = 0, div = 0;
			struct node *t = arg(n, 1), *dv = arg(n, 2);
			if (t && !const_int(t, &top))
				sema_unsupported(s, t, "a non-constant print() top argument");
			if (dv && !const_int(dv, &div))
				sema_unsupported(s, dv, "a non-constant print() div argument");
			if (md && !s->quiet) {
				struct event_desc *ev = new_event(s, n, EV_PRINT_MAP);
				ev->map_id = md->id;
				ev->top = top;
				ev->div = div;
			}
			return type_void();
		}
		if (ast_list_len(n->a) > 1) {
			sema_err(s, n, "print() of a value takes only one argument");
			return type_void();
		}
		const struct type *t = sema_expr(s, a0);
		if (t && t->kind == T_AGG) {
			sema_unsupported(s, a0, "print() of one aggregation entry");
			return type_void();
		}
		if (t && (t->kind == T_VOID)) {
			sema_err(s, a0, "print() cannot print a value of type %s", type_str(t));
			return type_void();
		}
		if (!s->quiet && t && t->kind != T_NONE) {
			struct event_desc *ev = new_event(s, n, EV_PRINT_VALUE);
			event_args(s, ev, a0, 1);
		}
		return type_void();
	}
	case F_TIME: {
		if (!nargs_ok(s, n, 0, 1))
			return type_void();
		if (n->a && n->a->kind != N_STRING) {
			sema_err(s, n->a, "time() expects a string literal format");
			return type_void();
		}
		if (!s->quiet) {
			struct event_desc *ev = new_event(s, n, EV_TIME);
			ev->fmt = arena_strdup(&p->arena, n->a ? n->a->str : "%H:%M:%S\n");
		}
		return type_void();
	}
	case F_EXIT: {
		if (!nargs_ok(s, n, 0, 1))
			return type_void();
		if (n->a && !int_arg(s, n, n->a, "exit code"))
			return type_void();
		if (!s->quiet) {
			struct event_desc *ev = new_event(s, n, EV_EXIT);
			ev->nargs = 1;
			ev->args = arena_alloc(&p->arena, sizeof(*ev->args));
			ev->args[0].type = type_int(8, true);
			ev->size = 8;
		}
		return type_void();
	}
	case F_STR: {
		if (!nargs_ok(s, n, 1, 2))
			return type_none();
		const struct type *t = sema_expr(s, n->a);
		uint32_t size = s->opts->max_strlen;
		if (t && t->kind == T_STRING)
			return t;
		if (size > SEMA_MAX_STRLEN) {
			sema_err_name(
				s, n,
				"str() would read %u bytes (max_strlen): sonde reads at most %d; "
				"lower BPFTRACE_MAX_STRLEN",
				size, SEMA_MAX_STRLEN);
			return type_none();
		}
		if (t && t->kind != T_INT && t->kind != T_PTR && t->kind != T_NONE) {
			sema_err(s, n->a, "str() expects a pointer or an integer address, not %s",
				 type_str(t));
			return type_none();
		}
		struct node *len = arg(n, 1);
		if (len) {
			int64_t v;
			if (!int_arg(s, n, len, "length"))
				return type_none();
			if (const_int(len, &v) && v > 0 && (uint64_t)v + 1 < size)
				size = (uint32_t)v + 1;
		}
		return type_string(size);
	}
	case F_DELETE: {
		if (!nargs_ok(s, n, 1, 2))
			return type_void();
		struct node *m = n->a;
		if (m->kind != N_MAP) {
			sema_err(s, m, "delete() expects a map argument");
			return type_void();
		}
		if (m->next) {
			if (m->a) {
				sema_err(s, m, "delete(@m, key) takes the map without a key");
				return type_void();
			}
			/* delete(@m, k): rewrite to the old delete(@m[k]) form. */
			m->a = m->next;
			m->next = NULL;
			n->a = m;
		}
		struct map_desc *md = sema_map_get(s, m);
		if (sema_tseries_refuse(s, m, md, "delete"))
			return type_void();
		sema_map_key(s, m, md);
		return type_bool(); /* whether the key was there */
	}
	case F_CLEAR:
	case F_ZERO: {
		if (!nargs_ok(s, n, 1, 1))
			return type_void();
		struct map_desc *md = map_arg(s, n, n->a, true);
		if (md && !s->quiet) {
			struct event_desc *ev = new_event(s, n, f == F_CLEAR ? EV_CLEAR : EV_ZERO);
			ev->map_id = md->id;
		}
		return type_void();
	}
	case F_KSTACK:
	case F_USTACK:
		return sema_stack_call(s, n, f == F_USTACK);
	case F_KSYM:
	case F_USYM:
		return sema_sym_call(s, n, f == F_USYM);
	default: /* aggregations outside `@m = f()` */
		if (!sema_is_agg_call(n, NULL))
			return sema_call_more(s, n, f, as_stmt);
		sema_err(s, n, "%s() should be directly assigned to a map, e.g. @x = %s(...)",
			 n->str, n->str);
		for (struct node *a = n->a; a; a = a->next)
			sema_expr(s, a);
		return type_none();
	}
}

/* @map[key] = count() / sum(x) / hist(x) ... */
const struct type *sema_agg_assign(struct sctx *s, struct node *map, struct node *call)
{
	enum sema_func f = func_lookup(call->str);
	enum agg_kind agg = agg_of[f];
	struct map_desc *md = sema_map_get(s, map);

	call->op = f;
	sema_positional_args(s, call);
	sema_map_key(s, map, md);
	switch (f) {
	case F_COUNT:
		if (!nargs_ok(s, call, 0, 0))
			return type_void();
		break;
	case F_SUM:
	case F_AVG:
	case F_MIN:
	case F_MAX:
	case F_STATS:
		if (!nargs_ok(s, call, 1, 1) || !int_arg(s, call, call->a, "argument"))
			return type_void();
		break;
	case F_HIST: {
		if (!nargs_ok(s, call, 1, 2) || !int_arg(s, call, call->a, "argument"))
			return type_void();
		int64_t k = 0;
		struct node *ka = arg(call, 1);
		if (ka && (!const_int(ka, &k) || k < 0 || k > 5)) {
			sema_err(s, ka,
				 "hist() second argument must be an integer literal from 0 to 5");
			return type_void();
		}
		if (md->agg == AGG_HIST && md->hist_k != k && md->value)
			sema_err(s, ka ? ka : call, "%s already uses hist() with a different k",
				 md->name);
		md->hist_k = (int)k;
		break;
	}
	case F_LHIST: {
		if (!nargs_ok(s, call, 4, 4) || !int_arg(s, call, call->a, "argument"))
			return type_void();
		int64_t v[3];
		struct node *a = call->a->next;
		for (int i = 0; i < 3; i++, a = a->next) {
			if (!const_int(a, &v[i])) {
				sema_err(s, a,
					 "lhist() min, max and step must be integer literals");
				return type_void();
			}
		}
		if (v[2] <= 0) {
			sema_err(s, arg(call, 3), "lhist() step must be >= 1 (%lld given)",
				 (long long)v[2]);
			return type_void();
		}
		if (v[0] >= v[1]) {
			sema_err(s, arg(call, 1), "lhist() min must be less than max");
			return type_void();
		}
		if ((v[1] - v[0]) / v[2] > 1000) {
			sema_err(s, arg(call, 3),
				 "lhist() would have more than 1000 buckets: use a larger step");
			return type_void();
		}
		md->lhist_min = v[0];
		md->lhist_max = v[1];
		md->lhist_step = v[2];
		break;
	}
	case F_TSERIES:
		if (!sema_tseries_args(s, call, md))
			return type_void();
		break;
	default:
		break;
	}
	sema_map_set_agg(s, map, md, agg);
	map->type = md->value;
	return type_void();
}

/* Shared with funcs.c. */
bool sema_nargs_ok(struct sctx *s, struct node *n, int min, int max)
{
	return nargs_ok(s, n, min, max);
}

struct node *sema_arg(struct node *n, int i)
{
	return arg(n, i);
}

bool sema_const_int(struct node *n, int64_t *v)
{
	return const_int(n, v);
}

bool sema_int_arg(struct sctx *s, struct node *call, struct node *a, const char *what)
{
	return int_arg(s, call, a, what);
}

struct event_desc *sema_new_event(struct sctx *s, struct node *n, enum event_kind kind)
{
	return new_event(s, n, kind);
}

void sema_event_args(struct sctx *s, struct event_desc *ev, struct node *first, int n)
{
	event_args(s, ev, first, n);
}

void sema_check_printf(struct sctx *s, struct node *call, const char *fmt, struct node *args)
{
	check_printf(s, call, fmt, args);
}
