// SPDX-License-Identifier: GPL-2.0
/*
 * `while` loops the kernel cannot bound, found at compile time. A while
 * loop is a plain loop in BPF: the verifier walks it one iteration at a
 * time and gives up when a state repeats ("infinite loop detected"),
 * after 8192 pending branches or after 1,000,000 instructions. Each of
 * these ends in a verifier log far from the script, so the loops that
 * certainly fail are reported here, at their condition:
 *
 *   - a constant-true condition with no break, return or exit() inside;
 *   - a condition that reads no variable or map the loop writes;
 *   - a counter compared only with a run-time value of more values than
 *     the verifier walks (arg0, a map, a 16-bit field, a variable holding
 *     one where the loop starts): it walks one iteration per value;
 *   - a condition that only reads maps the loop writes: map values are
 *     unknown to the verifier on each read, so every iteration looks the
 *     same.
 *
 * Anything else is left to the verifier: a break or return in the body,
 * a conjunct that compares a counter with a constant (or a variable only
 * ever holding constants), or a condition this pass cannot follow.
 */
#include "sema/sema_int.h"

#include <string.h>

/* What the verifier knows of a value. */
enum vclass {
	V_CONST,   /* a compile-time constant on each path: exact */
	V_NARROW,  /* a run-time value in [-max, max] */
	V_UNKNOWN, /* this pass cannot tell: never reported */
	V_WIDE,	   /* a run-time value of 32 bits or more, or never known */
};

struct vrange {
	enum vclass cls;
	uint64_t max;
};

struct vstate {
	const struct sema_var *var;
	struct vrange r;
};

struct lctx {
	struct sctx *s;
	struct node *loop;   /* the while loop checked */
	struct vec state;    /* struct vstate *, variables at the loop's entry */
	struct vec wvars;    /* struct sema_var * the loop writes */
	struct vec wmaps;    /* struct map_desc * the loop writes */
	bool found;	     /* flow reached the loop */
	struct arena *arena; /* for vstate entries */
};

/* The verifier gives up after this many pending branches, one per iteration. */
#define LOOP_MAX_STEPS 8192

static bool vec_has(const struct vec *v, const void *p)
{
	for (size_t i = 0; i < v->n; i++)
		if (v->v[i] == p)
			return true;
	return false;
}

static void vec_add(struct vec *v, void *p)
{
	if (p && !vec_has(v, p))
		vec_push(v, p);
}

static bool is_loop(const struct node *n)
{
	return n->kind == N_WHILE || n->kind == N_FOR_MAP || n->kind == N_FOR_RANGE;
}

static bool is_call(const struct node *n, const char *name)
{
	return n->kind == N_CALL && n->str && !strcmp(n->str, name);
}

/* Does running n (a list) possibly leave the loop it sits in? */
static bool leaves(const struct node *n, bool inner)
{
	for (; n; n = n->next) {
		if (n->kind == N_RETURN || is_call(n, "exit") || (n->kind == N_BREAK && !inner))
			return true;
		bool in = inner || is_loop(n);
		if (leaves(n->a, in) || leaves(n->b, in) || leaves(n->c, in) || leaves(n->d, in))
			return true;
	}
	return false;
}

static const struct node *lvalue_base(const struct node *n)
{
	while (n && (n->kind == N_FIELD || n->kind == N_INDEX))
		n = n->a;
	return n;
}

static void note_write(struct lctx *c, const struct node *lv)
{
	lv = lvalue_base(lv);
	if (!lv)
		return;
	if (lv->kind == N_VAR)
		vec_add(&c->wvars, lv->sema);
	else if (lv->kind == N_MAP)
		vec_add(&c->wmaps, lv->sema);
}

static void collect_writes(struct lctx *c, const struct node *n)
{
	for (; n; n = n->next) {
		switch (n->kind) {
		case N_ASSIGN:
		case N_INCDEC:
		case N_LET:
		case N_FOR_RANGE:
		case N_FOR_MAP:
			note_write(c, n->a);
			break;
		case N_CALL:
			if ((is_call(n, "delete") || is_call(n, "clear") || is_call(n, "zero")) &&
			    n->a)
				note_write(c, n->a);
			break;
		default:
			break;
		}
		collect_writes(c, n->a);
		collect_writes(c, n->b);
		collect_writes(c, n->c);
		collect_writes(c, n->d);
	}
}

static void reads_list(const struct lctx *c, const struct node *e, bool *var, bool *map);

/* Does expression e (not the nodes after it) read something the loop writes? */
static void reads_written(const struct lctx *c, const struct node *e, bool *var, bool *map)
{
	if (e->kind == N_VAR && vec_has(&c->wvars, e->sema))
		*var = true;
	if (e->kind == N_MAP && vec_has(&c->wmaps, e->sema))
		*map = true;
	reads_list(c, e->a, var, map);
	reads_list(c, e->b, var, map);
	reads_list(c, e->c, var, map);
	reads_list(c, e->d, var, map);
}

static void reads_list(const struct lctx *c, const struct node *e, bool *var, bool *map)
{
	for (; e; e = e->next)
		reads_written(c, e, var, map);
}

static bool moving(const struct lctx *c, const struct node *e)
{
	bool var = false, map = false;

	reads_written(c, e, &var, &map);
	return var || map;
}

/* a op b for the operators a loop condition folds; false for others. */
static bool fold(int op, int64_t a, int64_t b, int64_t *v)
{
	uint64_t ua = (uint64_t)a, ub = (uint64_t)b;

	if (op == '+')
		*v = (int64_t)(ua + ub);
	else if (op == '-')
		*v = (int64_t)(ua - ub);
	else if (op == '*')
		*v = (int64_t)(ua * ub);
	else if (op == '&' || op == OP_LAND)
		*v = op == '&' ? a & b : a && b;
	else if (op == '|' || op == OP_LOR)
		*v = op == '|' ? a | b : a || b;
	else if (op == OP_EQ || op == OP_NE)
		*v = (a == b) == (op == OP_EQ);
	else if (op == '<' || op == OP_GE)
		*v = (a < b) == (op == '<');
	else if (op == '>' || op == OP_LE)
		*v = (a > b) == (op == '>');
	else
		return false;
	return true;
}

/* A constant expression's value (integers and booleans, folded). */
static bool const_val(const struct node *e, int64_t *v)
{
	int64_t a, b;

	switch (e->kind) {
	case N_INT:
	case N_BOOL:
		*v = e->ival;
		return true;
	case N_UNOP:
		if (!const_val(e->a, &a))
			return false;
		if (e->op == '-')
			*v = (int64_t)(0 - (uint64_t)a);
		else if (e->op == '!')
			*v = !a;
		else if (e->op == '~')
			*v = ~a;
		else if (e->op == '+')
			*v = a;
		else
			return false;
		return true;
	case N_BINOP:
		return const_val(e->a, &a) && const_val(e->b, &b) && fold(e->op, a, b, v);
	default:
		return false;
	}
}

static struct vrange vr(enum vclass cls, uint64_t max)
{
	return (struct vrange){.cls = cls, .max = max};
}

/* The range of a run-time value of type t. */
static struct vrange of_type(const struct type *t)
{
	if (!t)
		return vr(V_UNKNOWN, 0);
	if (t->kind == T_BOOL)
		return vr(V_NARROW, 1);
	if (t->kind != T_INT)
		return vr(V_UNKNOWN, 0);
	if (t->size >= 4)
		return vr(V_WIDE, 0);
	return vr(V_NARROW, t->size == 1 ? 0xff : 0xffff);
}

static struct vrange join(struct vrange a, struct vrange b)
{
	struct vrange r = a.cls > b.cls ? a : b;

	if (r.cls == V_NARROW)
		r.max = a.max > b.max ? a.max : b.max;
	return r;
}

static struct vstate *find_state(const struct lctx *c, const struct sema_var *v)
{
	for (size_t i = 0; i < c->state.n; i++) {
		struct vstate *st = c->state.v[i];
		if (st->var == v)
			return st;
	}
	return NULL;
}

static struct vrange range_of(const struct lctx *c, const struct node *e)
{
	int64_t k;

	if (const_val(e, &k))
		return vr(V_CONST, 0);
	switch (e->kind) {
	case N_VAR: {
		const struct sema_var *v = e->sema;
		struct vstate *st = v ? find_state(c, v) : NULL;
		struct vrange r = st ? st->r : vr(V_UNKNOWN, 0);
		struct vrange t = of_type(v ? v->type : NULL);
		/* a small variable keeps any value small */
		if (r.cls == V_WIDE && t.cls == V_NARROW)
			r = t;
		return r;
	}
	case N_MAP:
		return of_type(e->type);
	case N_FIELD:
	case N_INDEX:
		/* a tuple variable's field may hold a constant; args and memory do not */
		if (lvalue_base(e)->kind == N_VAR)
			return vr(V_UNKNOWN, 0);
		return of_type(e->type);
	case N_UNOP:
		return e->op == '*' ? of_type(e->type) : vr(V_UNKNOWN, 0);
	case N_IDENT:
		switch (e->op) {
		case B_ARG0:
		case B_ARG1:
		case B_ARG2:
		case B_ARG3:
		case B_ARG4:
		case B_ARG5:
		case B_RETVAL:
		case B_PID:
		case B_TID:
		case B_UID:
		case B_GID:
		case B_NSECS:
		case B_RAND:
		case B_CGROUP:
		case B_ELAPSED:
		case B_JIFFIES:
			return of_type(e->type);
		default:
			return vr(V_UNKNOWN, 0);
		}
	case N_CAST: {
		struct vrange t = of_type(e->type), r = range_of(c, e->b);
		if (r.cls == V_CONST)
			return r;
		if (t.cls == V_NARROW)
			return r.cls == V_NARROW && r.max < t.max ? r : t;
		return r;
	}
	case N_TERNARY:
		if (!e->b)
			return vr(V_UNKNOWN, 0);
		return join(range_of(c, e->b), range_of(c, e->c));
	case N_BINOP: {
		struct vrange a = range_of(c, e->a), b = range_of(c, e->b);
		if (e->op == '&') {
			if (const_val(e->a, &k) || const_val(e->b, &k))
				return k >= 0 ? vr(V_NARROW, (uint64_t)k) : vr(V_UNKNOWN, 0);
			return vr(V_UNKNOWN, 0);
		}
		if (e->op != '+' && e->op != '-')
			return vr(V_UNKNOWN, 0);
		if (a.cls == V_CONST && b.cls == V_CONST)
			return a;
		if ((a.cls == V_WIDE && b.cls != V_UNKNOWN) ||
		    (b.cls == V_WIDE && a.cls != V_UNKNOWN))
			return vr(V_WIDE, 0);
		return vr(V_UNKNOWN, 0);
	}
	default:
		return vr(V_UNKNOWN, 0);
	}
}

/* ---- the variables' ranges where the loop starts ---- */

static void set_var(struct lctx *c, const struct sema_var *v, struct vrange r, bool may)
{
	struct vstate *st;

	if (!v)
		return;
	st = find_state(c, v);
	if (!st) {
		st = arena_alloc(c->arena, sizeof(*st));
		st->var = v;
		st->r = may ? join(vr(V_CONST, 0), r) : r;
		vec_push(&c->state, st);
		return;
	}
	st->r = may ? join(st->r, r) : r;
}

static void assignment(struct lctx *c, const struct node *n, bool may)
{
	const struct node *lv = n->a;
	struct vrange r;

	if (!lv || lv->kind != N_VAR)
		return;
	switch (n->kind) {
	case N_LET:
		r = n->c ? range_of(c, n->c) : vr(V_CONST, 0);
		break;
	case N_ASSIGN:
		if (n->op) {
			/* `$n += k` keeps a constant variable constant */
			struct vrange old = range_of(c, lv), by = range_of(c, n->b);
			r = old.cls == V_CONST && by.cls == V_CONST ? old : join(old, by);
			if (r.cls == V_NARROW || (n->op != '+' && n->op != '-' && r.cls != V_CONST))
				r = vr(V_UNKNOWN, 0);
		} else {
			r = range_of(c, n->b);
		}
		break;
	case N_INCDEC:
		r = range_of(c, lv);
		if (r.cls == V_NARROW)
			r = vr(V_UNKNOWN, 0);
		break;
	case N_FOR_RANGE:
		/* bpf_loop's index is unknown to the verifier inside the callback */
		r = vr(V_WIDE, 0);
		break;
	default:
		r = vr(V_UNKNOWN, 0);
		break;
	}
	set_var(c, lv->sema, r, may);
}

static bool contains(const struct node *n, const struct node *target)
{
	for (; n; n = n->next)
		if (n == target || contains(n->a, target) || contains(n->b, target) ||
		    contains(n->c, target) || contains(n->d, target))
			return true;
	return false;
}

/* Is target n or inside it (not in the nodes that follow n)? */
static bool within(const struct node *n, const struct node *target)
{
	return n && (n == target || contains(n->a, target) || contains(n->b, target) ||
		     contains(n->c, target) || contains(n->d, target));
}

static void flow(struct lctx *c, struct node *list, bool may);

/* Every assignment anywhere in n may happen (a loop body's back edge). */
static void flow_may_all(struct lctx *c, struct node *n)
{
	for (; n; n = n->next) {
		if (n->kind == N_ASSIGN || n->kind == N_LET || n->kind == N_INCDEC ||
		    n->kind == N_FOR_RANGE)
			assignment(c, n, true);
		flow_may_all(c, n->a);
		flow_may_all(c, n->b);
		flow_may_all(c, n->c);
		flow_may_all(c, n->d);
	}
}

static void flow_stmt(struct lctx *c, struct node *st, bool may)
{
	bool path = within(st, c->loop);

	switch (st->kind) {
	case N_ASSIGN:
	case N_LET:
		assignment(c, st, may);
		break;
	case N_EXPR_STMT:
		if (st->a->kind == N_INCDEC)
			assignment(c, st->a, may);
		break;
	case N_BLOCK:
		flow(c, st->a, may);
		break;
	case N_IF:
		if (!path) {
			flow(c, st->b->a, true);
			if (st->c)
				flow_stmt(c, st->c, true);
		} else if (within(st->b, c->loop)) {
			flow(c, st->b->a, may);
		} else {
			flow_stmt(c, st->c, may);
		}
		break;
	case N_WHILE:
	case N_UNROLL:
	case N_FOR_RANGE:
	case N_FOR_MAP: {
		struct node *body = st->kind == N_FOR_RANGE ? st->d
				    : st->kind == N_FOR_MAP ? st->c
							    : st->b;
		if (st->kind == N_FOR_RANGE || st->kind == N_FOR_MAP)
			assignment(c, st, path ? may : true);
		flow_may_all(c, body);
		if (path)
			flow(c, body->a, may);
		break;
	}
	default:
		break;
	}
}

static void flow(struct lctx *c, struct node *list, bool may)
{
	for (struct node *st = list; st && !c->found; st = st->next) {
		if (st == c->loop) {
			c->found = true;
			return;
		}
		flow_stmt(c, st, may);
	}
}

/* ---- the condition ---- */

enum verdict {
	C_NEVER,   /* reads nothing the loop writes */
	C_MAPS,	   /* reads only maps the loop writes */
	C_WIDE,	   /* a counter against a wide run-time bound */
	C_BOUNDED, /* or one this pass cannot follow: left to the verifier */
};

/*
 * The largest step of counter v in n (++, --, += k, = v + k): 0 if n
 * does not write v, UINT64_MAX if it writes it some other way.
 */
static uint64_t counter_step(const struct node *n, const struct sema_var *v)
{
	uint64_t step = 0;

	for (; n; n = n->next) {
		uint64_t s = 0;
		int64_t k;
		const struct node *lv =
			n->kind == N_ASSIGN || n->kind == N_INCDEC || n->kind == N_LET ? n->a
										       : NULL;
		if (lv && lv->kind == N_VAR && lv->sema == v) {
			if (n->kind == N_INCDEC)
				s = 1;
			else if (n->kind == N_ASSIGN && (n->op == '+' || n->op == '-') &&
				 const_val(n->b, &k))
				s = k < 0 ? (uint64_t)0 - (uint64_t)k : (uint64_t)k;
			else if (n->kind == N_ASSIGN && !n->op && n->b->kind == N_BINOP &&
				 (n->b->op == '+' || n->b->op == '-') && n->b->a->kind == N_VAR &&
				 n->b->a->sema == v && const_val(n->b->b, &k))
				s = k < 0 ? (uint64_t)0 - (uint64_t)k : (uint64_t)k;
			if (!s)
				return UINT64_MAX;
		} else if (lv && lv->kind != N_VAR && lvalue_base(lv)->kind == N_VAR &&
			   lvalue_base(lv)->sema == v) {
			return UINT64_MAX;
		}
		if (s > step)
			step = s;
		uint64_t sub[4] = {counter_step(n->a, v), counter_step(n->b, v),
				   counter_step(n->c, v), counter_step(n->d, v)};
		for (int i = 0; i < 4; i++) {
			if (sub[i] == UINT64_MAX)
				return UINT64_MAX;
			if (sub[i] > step)
				step = sub[i];
		}
	}
	return step;
}

/* The counter variable of a moving side: $i, or $i plus or minus a constant. */
static const struct sema_var *counter_var(const struct lctx *c, const struct node *e)
{
	int64_t k;

	if (e->kind == N_BINOP && (e->op == '+' || e->op == '-') && const_val(e->b, &k))
		e = e->a;
	if (e->kind != N_VAR || !vec_has(&c->wvars, e->sema))
		return NULL;
	return e->sema;
}

static bool is_compare(const struct node *e)
{
	return e->kind == N_BINOP && (e->op == '<' || e->op == '>' || e->op == OP_LE ||
				      e->op == OP_GE || e->op == OP_EQ || e->op == OP_NE);
}

static enum verdict conjunct(const struct lctx *c, const struct node *e, const struct node **bound)
{
	bool var = false, map = false;

	reads_written(c, e, &var, &map);
	if (!var && !map)
		return C_NEVER;
	if (!var)
		return C_MAPS;
	if (!is_compare(e))
		return C_BOUNDED;
	bool ma = moving(c, e->a), mb = moving(c, e->b);
	if (ma == mb)
		return C_BOUNDED;
	const struct node *mv = ma ? e->a : e->b, *bd = ma ? e->b : e->a;
	const struct sema_var *v = counter_var(c, mv);
	if (!v)
		return C_BOUNDED;
	uint64_t step = counter_step(c->loop, v);
	if (!step || step > 65536) /* UINT64_MAX too */
		return C_BOUNDED;
	struct vrange r = range_of(c, bd);
	if (r.cls == V_WIDE || (r.cls == V_NARROW && r.max / step > 2 * LOOP_MAX_STEPS)) {
		*bound = bd;
		return C_WIDE;
	}
	return C_BOUNDED;
}

/* The worst of the conjuncts that must all hold to keep looping. */
static enum verdict classify(const struct lctx *c, const struct node **bound,
			     const struct node **maps)
{
	enum verdict best = C_NEVER;
	const struct node *stack[64];
	int sp = 0;

	stack[sp++] = c->loop->a;
	while (sp > 0 && best != C_BOUNDED) {
		const struct node *e = stack[--sp], *bd = NULL;
		if (e->kind == N_BINOP && e->op == OP_LAND && sp < 62) {
			stack[sp++] = e->b;
			stack[sp++] = e->a;
			continue;
		}
		enum verdict v = conjunct(c, e, &bd);
		if (v == C_WIDE && !*bound)
			*bound = bd;
		if (v == C_MAPS && !*maps)
			*maps = e;
		if (v > best)
			best = v;
	}
	return best;
}

static void check_while(struct sctx *s, struct node *probe, struct node *loop)
{
	struct lctx c = {.s = s, .loop = loop, .arena = &s->prog->arena};
	const struct node *bound = NULL, *maps = NULL;
	int64_t k;

	if (leaves(loop->b, false))
		return;
	if (const_val(loop->a, &k)) {
		if (k)
			diag_error_hint(
				s->d, &loop->a->loc,
				"add a `break` that the loop reaches, or loop over a range: "
				"`for ($i : 0..N) { ... }`",
				"this loop never ends: its condition is always true and "
				"nothing in it breaks out");
		return;
	}
	collect_writes(&c, loop->a);
	collect_writes(&c, loop->b);
	flow(&c, probe->c->a, false);
	switch (classify(&c, &bound, &maps)) {
	case C_NEVER:
		diag_error_hint(
			s->d, &loop->a->loc,
			"change something the condition reads inside the loop, add a "
			"`break`, or loop over a range: `for ($i : 0..N) { ... }`",
			"this loop can never end: its condition reads nothing that the loop "
			"changes");
		break;
	case C_MAPS:
		diag_error_hint(s->d, &maps->loc,
				"count in a variable ($i), or loop over a range: `for ($i : 0..N) "
				"{ ... }`",
				"the kernel's verifier cannot bound this loop: its condition only "
				"reads map values, which are unknown to it on each iteration");
		break;
	case C_WIDE:
		diag_error_hint(
			s->d, &bound->loc,
			"loop with `for ($i : 0..N) { ... }` (bpf_loop takes any bound), or "
			"add a constant bound: `while ($i < 100 && ...)`",
			"the kernel's verifier cannot bound this loop: the bound is not a "
			"compile-time constant, and it must walk one iteration per value");
		break;
	case C_BOUNDED:
		break;
	}
	vec_free(&c.state);
	vec_free(&c.wvars);
	vec_free(&c.wmaps);
}

static void find_whiles(struct sctx *s, struct node *probe, struct node *n)
{
	for (; n; n = n->next) {
		if (n->kind == N_WHILE)
			check_while(s, probe, n);
		find_whiles(s, probe, n->a);
		find_whiles(s, probe, n->b);
		find_whiles(s, probe, n->c);
		find_whiles(s, probe, n->d);
	}
}

void sema_check_loops(struct sctx *s, struct node *probe)
{
	/* after another error the loop may not be what the script meant */
	if (!s->quiet && probe->c && !diag_errors(s->d))
		find_whiles(s, probe, probe->c->a);
}
