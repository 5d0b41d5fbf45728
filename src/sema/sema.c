// SPDX-License-Identifier: GPL-2.0
/*
 * The semantic pass. It runs the type walk twice over every probe: the
 * first, quiet walk learns the types of maps (a map may be read in one
 * probe before another probe assigns it); the second reports errors and
 * creates events. Attach points are expanded once, before both.
 */
#include "sema/sema_int.h"
#include "probes/provider.h"
#include "prog/usdt.h"

#include <string.h>
#include <strings.h>

static const char *const builtin_names[] = {[B_NONE] = "",
#define X(e, s) [e] = s,
					    SEMA_BUILTINS(X)
#undef X
};

const char *sema_builtin_name(enum sema_builtin b)
{
	return builtin_names[b];
}

void sema_err(struct sctx *s, const struct node *n, const char *fmt, ...)
{
	va_list ap;
	struct strbuf sb;

	if (s->quiet || s->mute) {
		s->nerr_quiet++;
		return;
	}
	sb_init(&sb);
	va_start(ap, fmt);
	sb_vprintf(&sb, fmt, ap);
	va_end(ap);
	diag_error(s->d, &n->loc, "%s", sb.buf);
	sb_free(&sb);
}

void sema_err_name(struct sctx *s, const struct node *n, const char *fmt, ...)
{
	va_list ap;
	struct strbuf sb;
	struct span sp = n->loc;

	if (s->quiet || s->mute) {
		s->nerr_quiet++;
		return;
	}
	sp.last_line = sp.first_line;
	sp.last_column = sp.first_column + (int)strlen(n->str);
	sb_init(&sb);
	va_start(ap, fmt);
	sb_vprintf(&sb, fmt, ap);
	va_end(ap);
	diag_error(s->d, &sp, "%s", sb.buf);
	sb_free(&sb);
}

void sema_unsupported(struct sctx *s, const struct node *n, const char *what)
{
	if (s->quiet || s->mute)
		return;
	diag_error_hint(s->d, &n->loc, "sonde implements the core language first; this will come",
			"%s is not supported yet", what);
}

void sema_unsupported_why(struct sctx *s, const struct node *n, const char *what, const char *why)
{
	if (!s->quiet && !s->mute)
		diag_error_hint(s->d, &n->loc, why, "%s is not supported yet", what);
}

/* ---- scopes and variables ---- */

static struct sema_var *var_find(struct sctx *s, const char *name)
{
	for (struct scope *sc = s->scope; sc; sc = sc->up)
		for (size_t i = 0; i < sc->vars.n; i++) {
			struct sema_var *v = sc->vars.v[i];
			if (!strcmp(v->name, name))
				return v;
		}
	return NULL;
}

static struct sema_var *var_new(struct sctx *s, const char *name, const struct type *t)
{
	struct sema_var *v = arena_alloc(&s->ast->arena, sizeof(*v));

	v->name = name;
	v->type = t;
	v->index = s->nvars++;
	vec_push(&s->scope->vars, v);
	return v;
}

static void scope_push(struct sctx *s, struct scope *sc)
{
	memset(sc, 0, sizeof(*sc));
	sc->up = s->scope;
	s->scope = sc;
}

static void scope_pop(struct sctx *s)
{
	struct scope *sc = s->scope;

	s->scope = sc->up;
	vec_free(&sc->vars);
}

struct sema_var *sema_var_find(struct sctx *s, const char *name)
{
	return var_find(s, name);
}

struct sema_var *sema_var_new(struct sctx *s, const char *name, const struct type *t)
{
	return var_new(s, name, t);
}

void sema_scope_push(struct sctx *s, struct scope *sc)
{
	scope_push(s, sc);
}

void sema_scope_pop(struct sctx *s)
{
	scope_pop(s);
}

/* ---- expressions ---- */

static enum sema_builtin builtin_lookup(const char *name)
{
	for (size_t i = 1; i < ARRAY_SIZE(builtin_names); i++)
		if (!strcmp(builtin_names[i], name))
			return (enum sema_builtin)i;
	return B_NONE;
}
static const struct type *sema_regs_builtin(struct sctx *s, struct node *n, enum sema_builtin b);

/* __builtin_comm is comm: the name that survives a macro named comm. */
static void builtin_unprefix(struct node *n)
{
	static const char pfx[] = "__builtin_";

	if (!strncmp(n->str, pfx, sizeof(pfx) - 1) &&
	    builtin_lookup(n->str + sizeof(pfx) - 1) != B_NONE)
		n->str += sizeof(pfx) - 1;
}

static const struct type *builtin_type(struct sctx *s, struct node *n)
{
	enum sema_builtin b = builtin_lookup(n->str);

	n->op = b;
	switch (b) {
	case B_PID:
	case B_TID:
	case B_CPU:
	case B_RAND:
		return type_int(4, false);
	case B_UID:
	case B_GID:
	case B_NSECS:
	case B_ELAPSED:
	case B_CGROUP:
		return type_int(8, false);
	case B_COMM:
		return type_string(16);
	case B_PROBE:
		return type_probe();
	case B_ARG0:
	case B_ARG1:
	case B_ARG2:
	case B_ARG3:
	case B_ARG4:
	case B_ARG5:
	case B_RETVAL:
	case B_FUNC:
		return sema_regs_builtin(s, n, b);
	case B_ARGS:
		sema_err(s, n, "args cannot be used as a value; access a field, e.g. args.%s",
			 s->fields && s->fields->n ? ((struct arg_field *)s->fields->v[0])->name
						   : "field");
		return type_none();
	case B_KSTACK:
	case B_USTACK:
		return sema_stack_builtin(s, b == B_USTACK);
	case B_NONE:
		break;
	default:
		return sema_builtin_more(s, n, b);
	}
	if (!strncmp(n->str, "sarg", 4) && n->str[4] >= '0' && n->str[4] <= '9') {
		sema_err(s, n, "%s (stack arguments) was removed in bpftrace 0.25: sonde has none",
			 n->str);
		return type_none();
	}
	int64_t ev;
	if (sema_header_const(s, n))
		return type_int(8, true);
	if (sema_btf_enum_value(n->str, &ev)) { /* a kernel enumerator */
		n->kind = N_INT;
		n->ival = ev;
		return type_int(8, true);
	}
	if (!sema_header_unknown(s, n))
		sema_err(s, n, "Unknown identifier: '%s'", n->str);
	return type_none();
}

/* argN, retval and func of probes whose context is the traced pt_regs. */
static const struct type *sema_regs_builtin(struct sctx *s, struct node *n, enum sema_builtin b)
{
	const struct provider *prov = s->pd ? s->pd->prov : NULL;
	int want = b == B_RETVAL ? PROVIDER_REGS_RETVAL : PROVIDER_REGS_ARGS;

	if (s->pd && s->pd->ctx_kind == PROG_CTX_USDT && b != B_RETVAL && b != B_FUNC) {
		struct strbuf err;
		bool ok;

		/* usdt: argN comes from the notes' specs, signed 64-bit like bpftrace. */
		sb_init(&err);
		ok = !usdt_check_arg(s->pd, (int)(b - B_ARG0), &err);
		if (!ok)
			sema_err(s, n, "%s", err.buf);
		sb_free(&err);
		return ok ? type_int(8, true) : type_none();
	}
	if (prov && prov->ctx_regs == PROVIDER_REGS_RAW_ARGS && b != B_FUNC && b != B_RETVAL)
		return type_int(8, false);
	if (b == B_FUNC) {
		if (prov && prov->ctx_regs != PROVIDER_REGS_NONE &&
		    prov->ctx_regs != PROVIDER_REGS_RAW_ARGS && s->pd->ctx_kind != PROG_CTX_USDT)
			return type_probe();
	} else if (prov && prov->ctx_regs == want) {
		const struct type *rt = b == B_RETVAL ? sema_fexit_retval(s) : NULL;
		return rt ? rt : type_int(8, false);
	}
	sema_err(s, n, "The %s builtin can not be used with '%s' probes", n->str,
		 prov ? prov->name : "these");
	return type_none();
}

static const struct type *args_field(struct sctx *s, struct node *n)
{
	if (!s->pd || !s->pd->prov || !s->pd->prov->has_args || !s->fields) {
		sema_err(s, n->a, "args is not available in %s probes",
			 s->pd && s->pd->prov ? s->pd->prov->name : "these");
		return type_none();
	}
	for (size_t i = 0; i < s->fields->n; i++) {
		struct arg_field *f = s->fields->v[i];
		if (strcmp(f->name, n->str))
			continue;
		n->sema = f;
		switch (f->kind) {
		case ARGF_INT:
			/* A C bool prints as true/false, as in bpftrace. */
			if (f->size == 1 && f->ctype &&
			    (!strcmp(f->ctype, "bool") || !strcmp(f->ctype, "_Bool")))
				return type_bool();
			if (f->size == 1 || f->size == 2 || f->size == 4 || f->size == 8)
				return type_int(f->size, f->is_signed);
			break;
		case ARGF_CHARS:
			return type_string(f->array_len ? f->array_len : 1);
		case ARGF_DATA_LOC:
			return type_ptr(NULL);
		case ARGF_PTR:
			return sema_arg_ptr(s, f);
		case ARGF_ARRAY:
			break;
		}
		sema_unsupported(s, n, "this tracepoint field's type");
		return type_none();
	}
	sema_err(s, n, "Can't find field '%s' in the args of %s", n->str,
		 s->pd && s->pd->targets.n ? ((struct attach_target *)s->pd->targets.v[0])->name
					   : "this probe");
	return type_none();
}

static bool is_int(const struct type *t)
{
	return t && (t->kind == T_INT || t->kind == T_BOOL || t->kind == T_PTR);
}

static bool is_known(const struct type *t)
{
	return t && t->kind != T_NONE;
}

static const struct type *arith_result(const struct type *a, const struct type *b)
{
	bool sa = a->kind == T_INT && a->is_signed, sb = b->kind == T_INT && b->is_signed;

	return type_int(8, sa || sb);
}

/* In a comparison, a non-negative int literal takes the unsigned type of
 * the other side, as in bpftrace: `ptr > 0` and `$u < 5` compare unsigned. */
static void literal_adapt(struct node *lit, const struct type **lt, const struct type *other)
{
	bool uns = other->kind == T_PTR || (other->kind == T_INT && !other->is_signed);

	if (lit->kind == N_INT && lit->ival >= 0 && uns && (*lt)->kind == T_INT)
		*lt = lit->type = type_int(8, false);
}

/* The span of n's operator: between its operands, on one line. */
static struct span op_span(const struct sctx *s, const struct node *n)
{
	const struct span *a = &n->a->loc, *b = &n->b->loc;
	const char *op = ast_op_name(n->op), *text;
	struct span sp = n->loc;
	int line = a->last_line;

	if (s->quiet || a->last_line != b->first_line ||
	    !(text = diag_line_start(s->d, a->last_line)))
		return sp;
	size_t oplen = strlen(op);
	for (int c = a->last_column; c + (int)oplen <= b->first_column; c++)
		if (!strncmp(text + c - 1, op, oplen)) {
			sp.first_line = sp.last_line = line;
			sp.first_column = c;
			sp.last_column = c + (int)oplen;
			break;
		}
	return sp;
}

/* As bpftrace: the error at the operator, then where each side comes from. */
static void binop_mismatch(struct sctx *s, struct node *n, const struct type *a,
			   const struct type *b)
{
	struct node at = *n;

	at.loc = op_span(s, n);
	sema_err(s, &at, "Type mismatch for '%s': comparing %s with %s", ast_op_name(n->op),
		 type_str(a), type_str(b));
	sema_err(s, n->a, "left (%s)", type_str(a));
	sema_err(s, n->b, "right (%s)", type_str(b));
}

static const struct type *binop(struct sctx *s, struct node *n)
{
	const struct type *a = sema_expr(s, n->a), *b = sema_expr(s, n->b);

	if (!is_known(a) || !is_known(b))
		return type_none();
	if (n->op == '<' || n->op == '>' || n->op == OP_LE || n->op == OP_GE || n->op == OP_EQ ||
	    n->op == OP_NE) {
		literal_adapt(n->a, &a, b);
		literal_adapt(n->b, &b, a);
	}
	switch (n->op) {
	case OP_EQ:
	case OP_NE:
		if (a->kind == T_STRING && b->kind == T_STRING)
			return type_bool();
		if ((a->kind == T_BUFFER && b->kind == T_BUFFER) ||
		    (a->kind == T_USERNAME && b->kind == T_USERNAME))
			return type_bool(); /* bytes (a buffer's length, a uid), as bpftrace */
		if (a->kind == T_TUPLE && b->kind == T_TUPLE &&
		    sema_unify(sema_norm(a), sema_norm(b)))
			return type_bool();
		/* fallthrough */
	case '<':
	case '>':
	case OP_LE:
	case OP_GE:
		if (is_int(a) && is_int(b))
			return type_bool();
		break;
	case OP_LAND:
	case OP_LOR:
		if (is_int(a) && is_int(b))
			return type_bool();
		break;
	default:
		if ((n->op == '+' || n->op == '-') && (a->kind == T_PTR || b->kind == T_PTR))
			return sema_ptr_arith(s, n, a, b);
		if (is_int(a) && is_int(b))
			return arith_result(a, b);
		break;
	}
	binop_mismatch(s, n, a, b);
	return type_none();
}

static const struct type *lvalue_int(struct sctx *s, struct node *lv, const char *what)
{
	if (lv->kind == N_VAR) {
		struct sema_var *v = var_find(s, lv->str);
		if (!v) {
			sema_err(s, lv, "Undefined or undeclared variable: %s", lv->str);
			return type_none();
		}
		lv->sema = v;
		lv->type = v->type;
		if (!is_int(v->type) && is_known(v->type)) {
			sema_err(s, lv, "%s requires an integer variable, %s is %s", what, lv->str,
				 type_str(v->type));
			return type_none();
		}
		return v->type;
	}
	if (lv->kind == N_MAP) {
		struct map_desc *md = sema_map_get(s, lv);
		sema_map_key(s, lv, md);
		if (!sema_map_set_value(s, lv, md, type_int(8, true)))
			return type_none();
		lv->type = md->value;
		return md->value;
	}
	sema_err(s, lv, "%s needs a variable or a map", what);
	return type_none();
}

/*
 * `args` as a value (print(args), $a = args): a record of every field,
 * (name = args.name, ...), printed as bpftrace prints the args struct.
 */
static bool args_record(struct sctx *s, struct node *n)
{
	struct node **tail = &n->a;

	if (strcmp(n->str, "args") || !s->pd || !s->pd->prov || !s->pd->prov->has_args ||
	    !s->fields || !s->fields->n)
		return false;
	for (size_t i = 0; i < s->fields->n; i++) {
		struct arg_field *f = s->fields->v[i];
		struct node *named = arena_alloc(&s->ast->arena, sizeof(*named));
		struct node *field = arena_alloc(&s->ast->arena, sizeof(*field));
		struct node *base = arena_alloc(&s->ast->arena, sizeof(*base));

		*base = (struct node){.kind = N_IDENT, .str = "args", .loc = n->loc};
		*field = (struct node){.kind = N_FIELD, .str = f->name, .a = base, .loc = n->loc};
		*named = (struct node){.kind = N_NAMED, .str = f->name, .a = field, .loc = n->loc};
		*tail = named;
		tail = &named->next;
	}
	n->kind = N_RECORD;
	n->str = NULL;
	return true;
}

const struct type *sema_expr(struct sctx *s, struct node *n)
{
	const struct type *t = type_none();

	switch (n->kind) {
	case N_INT:
		t = n->flags & AST_UNSIGNED_LIT ? type_int(8, false) : type_int(8, true);
		if (n->type && n->type->kind == T_INT && n->type->name)
			t = n->type; /* an enumerator */
		break;
	case N_STRING:
		t = type_string((unsigned)n->len + 1);
		break;
	case N_BOOL:
		t = type_bool();
		break;
	case N_VAR: {
		struct sema_var *v = var_find(s, n->str);
		if (!v) {
			sema_err(s, n, "Undefined or undeclared variable: %s", n->str);
			break;
		}
		if (v->unset && !is_known(v->type)) {
			sema_err(s, n, "Variable used before it was assigned: %s", n->str);
			break;
		}
		n->sema = v;
		t = v->type;
		break;
	}
	case N_MAP: {
		struct map_desc *md = sema_map_get(s, n);
		sema_map_key(s, n, md);
		if (md->agg != AGG_NONE) {
			t = sema_agg_read(s, n, md);
			break;
		}
		if (!md->value) {
			if (!s->quiet)
				sema_err(s, n, "Undefined map: %s is read but never assigned",
					 n->str);
			break;
		}
		t = md->value;
		break;
	}
	case N_IDENT:
		/* op is set once typed as a builtin: __builtin_pid stays pid */
		if (n->op == B_NONE && sema_macro_try(s, n, &t))
			return t;
		builtin_unprefix(n);
		if (sema_define_expand(s, n))
			return sema_expr(s, n);
		if (sema_fn_probe_builtin(s, n))
			break;
		if (args_record(s, n))
			return sema_expr(s, n);
		t = builtin_type(s, n);
		break;
	case N_CALL:
		if (sema_macro_try(s, n, &t))
			return t;
		if (!strcmp(n->str, "str") && n->a &&
		    (n->a->kind == N_POSITIONAL || sema_positional_offset(s, n->a)) &&
		    !n->a->next) {
			sema_positional_str(s, n);
			return sema_expr(s, n);
		}
		sema_positional_args(s, n);
		t = sema_call(s, n, false);
		break;
	case N_BINOP:
		t = binop(s, n);
		break;
	case N_UNOP: {
		if (n->op == '*' || n->op == '&') {
			t = sema_c_unop(s, n);
			break;
		}
		const struct type *a = sema_expr(s, n->a);
		if (!is_known(a))
			break;
		if (!is_int(a)) {
			sema_err(s, n, "The %s operator cannot be applied to %s",
				 ast_op_name(n->op), type_str(a));
			break;
		}
		t = n->op == '!' ? type_bool() : n->op == '-' ? type_int(8, true) : sema_norm(a);
		break;
	}
	case N_INCDEC:
		t = lvalue_int(s, n->a, n->op == OP_INC ? "++" : "--");
		break;
	case N_TERNARY: {
		if (!n->b) {
			t = sema_elvis(s, n);
			break;
		}
		const struct type *c = sema_expr(s, n->a);
		const struct type *a = sema_expr(s, n->b);
		const struct type *b = sema_expr(s, n->c);
		if (!is_known(c) || !is_known(a) || !is_known(b))
			break;
		if (!is_int(c)) {
			sema_err(s, n->a, "The condition of ?: must be an integer or bool, not %s",
				 type_str(c));
			break;
		}
		if (a->kind == T_PTR && (a == b || b->kind == T_INT))
			t = a; /* C pointers keep their type */
		else if (b->kind == T_PTR && a->kind == T_INT)
			t = b;
		else if (is_int(a) && is_int(b) && a->kind != T_BOOL && b->kind != T_BOOL)
			t = arith_result(a, b);
		else
			t = sema_unify(sema_norm(a), sema_norm(b));
		if (!t) {
			sema_err(s, n, "Ternary operator branches have different types: %s and %s",
				 type_str(a), type_str(b));
			t = type_none();
		}
		break;
	}
	case N_FIELD: {
		if (n->a->kind == N_IDENT && !strcmp(n->a->str, "args")) {
			n->a->op = B_ARGS;
			if (sema_fn_probe_builtin(s, n->a))
				break;
			t = args_field(s, n);
			break;
		}
		const struct type *a = sema_expr(s, n->a);
		if (!is_known(a))
			break;
		if (a->kind == T_TUPLE) {
			for (int i = 0; i < a->nfields; i++) {
				char idx[16];
				snprintf(idx, sizeof(idx), "%d", i);
				if ((a->fields[i].name && !strcmp(a->fields[i].name, n->str)) ||
				    (!a->fields[i].name && !strcmp(idx, n->str))) {
					n->id = i;
					t = a->fields[i].type;
					break;
				}
			}
			if (t->kind == T_NONE)
				sema_err(s, n, "%s has no field '%s'", type_str(a), n->str);
			break;
		}
		t = sema_c_field(s, n, a);
		break;
	}
	case N_TUPLE: {
		int cnt = ast_list_len(n->a), i = 0;
		/* Every element takes at least a byte of the 512-byte BPF stack. */
		if (cnt > 512) {
			sema_err(s, n,
				 "a tuple of %d elements cannot fit in the 512 bytes of BPF stack",
				 cnt);
			break;
		}
		const struct type *el[cnt > 0 ? cnt : 1];
		bool ok = true;
		for (struct node *e = n->a; e; e = e->next) {
			el[i] = sema_expr(s, e);
			if (!is_known(el[i]))
				ok = false;
			else if (el[i]->kind == T_VOID || el[i]->kind == T_AGG) {
				sema_err(s, e, "a tuple cannot hold a value of type %s",
					 type_str(el[i]));
				ok = false;
			}
			i++;
		}
		if (ok && cnt > 0)
			t = type_tuple(cnt, el, NULL);
		else if (cnt == 0)
			sema_unsupported(s, n, "the empty tuple");
		break;
	}
	case N_CAST: {
		const struct type *a = sema_expr(s, n->b);
		struct node *ty = n->a;
		if (ty->kind == N_TYPE && ty->ival == 0 && !ty->b && !(ty->flags & AST_UNSIZED)) {
			if (type_int_named(ty->str))
				t = type_int_named(ty->str);
			if (!strcmp(ty->str, "bool"))
				t = type_bool();
			if (type_enum_find(ty->str))
				t = type_enum_find(ty->str); /* (enum NAME)x */
		}
		if (t->kind == T_NONE) {
			t = sema_cast_c(s, n, a);
			break;
		}
		if (is_known(a) && a->kind == T_ARRAY) {
			t = sema_cast_c(s, n, a); /* the bytes of an int array */
			break;
		}
		if (is_known(a) && a->kind == T_STRING && t->kind == T_BOOL)
			break; /* true when not empty */
		if (is_known(a) && !is_int(a)) {
			sema_err(s, n, "Cannot cast from %s to %s", type_str(a), type_str(t));
			t = type_none();
		}
		break;
	}
	case N_POSITIONAL:
		sema_positional(s, n);
		return sema_expr(s, n);
	case N_SIZEOF:
		t = sema_sizeof(s, n);
		break;
	case N_OFFSETOF:
		t = sema_offsetof(s, n);
		break;
	case N_TYPEOF:
		sema_unsupported(s, n, "typeof");
		break;
	case N_RECORD:
		t = sema_record(s, n);
		break;
	case N_INDEX:
		t = sema_index(s, n);
		break;
	case N_BLOCK:
		t = sema_block_value(s, n);
		break;
	case N_IF:
		t = sema_if_value(s, n);
		break;
	case N_COMPTIME:
		sema_unsupported(s, n, "comptime");
		break;
	default:
		sema_unsupported(s, n, ast_kind_name(n->kind));
		break;
	}
	n->type = t ? t : type_none();
	return n->type;
}

/* ---- statements ---- */

static void assign(struct sctx *s, struct node *n)
{
	struct node *lv = n->a;
	enum agg_kind agg;

	if (n->op == 0 && lv->kind == N_MAP && sema_is_agg_call(n->b, &agg)) {
		sema_agg_assign(s, lv, n->b);
		return;
	}
	if (n->op) {
		const struct type *l = lvalue_int(s, lv, "compound assignment");
		const struct type *r = sema_expr(s, n->b);
		if (is_known(l) && is_known(r) && !is_int(r))
			sema_err(s, n->b,
				 "Type mismatch for %s=: the right side is %s, not an integer",
				 ast_op_name(n->op), type_str(r));
		return;
	}
	const struct type *r = sema_expr(s, n->b);
	if (!is_known(r))
		return;
	if (r->kind == T_VOID) {
		sema_err(s, n->b, "Cannot assign a value of type void");
		return;
	}
	switch (lv->kind) {
	case N_VAR: {
		struct sema_var *v = var_find(s, lv->str);
		if (!v) {
			v = var_new(s, lv->str, r->kind == T_INT ? sema_norm(r) : r);
		} else if (v->typed) {
			if (!sema_unify(sema_norm(v->type), sema_norm(r)) &&
			    !(is_int(v->type) && is_int(r))) {
				sema_err(
					s, n,
					"Type mismatch for %s: trying to assign value of type '%s' "
					"when variable already has a type '%s'",
					lv->str, type_str(r), type_str(v->type));
				return;
			}
			if (v->type->kind == T_STRING && r->kind == T_STRING &&
			    r->size > v->type->size)
				sema_err(
					s, n,
					"Type mismatch for %s: trying to assign value of type '%s' "
					"when variable already has a type '%s'",
					lv->str, type_str(r), type_str(v->type));
		} else if (is_known(v->type)) {
			const struct type *u =
				is_int(v->type) && is_int(r) && r->kind != T_BOOL
					? v->type
					: sema_unify(v->type, r->kind == T_INT ? sema_norm(r) : r);
			if (!u || (v->type->kind == T_STRING && r->size > v->type->size)) {
				if (u && v->type->kind == T_STRING) {
					v->type = u; /* grow: codegen sizes the slot from the final
							type */
				} else {
					sema_err(s, n,
						 "Type mismatch for %s: trying to assign value of "
						 "type "
						 "'%s' when variable already contains a value of "
						 "type '%s'",
						 lv->str, type_str(r), type_str(v->type));
					return;
				}
			} else {
				v->type = u;
			}
		} else {
			v->type = r->kind == T_INT ? sema_norm(r) : r;
		}
		v->unset = false;
		lv->sema = v;
		lv->type = v->type;
		break;
	}
	case N_MAP: {
		struct map_desc *md = sema_map_get(s, lv);
		sema_map_key(s, lv, md);
		if (sema_map_set_value(s, lv, md, r))
			lv->type = md->value;
		break;
	}
	case N_DISCARD:
		break;
	default:
		sema_unsupported(s, lv, "assignment to this kind of expression");
		break;
	}
}

void sema_block(struct sctx *s, struct node *n)
{
	struct scope sc;

	scope_push(s, &sc);
	for (struct node *st = n->a; st; st = st->next)
		sema_stmt(s, st);
	if (n->b)
		sema_unsupported(s, n->b, "a block's final expression");
	scope_pop(s);
}

/* As bpftrace: a bare builtin, variable or map statement is printed. */
static void auto_print(struct sctx *s, struct node *st)
{
	struct node *e = st->a, *call;

	if (e->kind != N_VAR && e->kind != N_MAP &&
	    (e->kind != N_IDENT || builtin_lookup(e->str) == B_NONE))
		return;
	call = arena_alloc(&s->ast->arena, sizeof(*call));
	*call = (struct node){.kind = N_CALL, .str = "print", .a = e, .loc = e->loc};
	st->a = call;
}

void sema_stmt(struct sctx *s, struct node *n)
{
	switch (n->kind) {
	case N_EXPR_STMT:
		auto_print(s, n);
		if (n->a->kind == N_CALL && s->loop_depth && !strcmp(n->a->str, "exit"))
			sema_err(s, n->a, "exit() is not allowed inside a loop");
		if (n->a->kind == N_CALL && sema_macro_try(s, n->a, &(const struct type *){NULL}))
			break;
		if (n->a->kind == N_CALL)
			sema_call(s, n->a, true);
		else
			sema_expr(s, n->a);
		break;
	case N_ASSIGN:
		assign(s, n);
		break;
	case N_LET:
		sema_let(s, n);
		break;
	case N_IF: {
		if (n->flags & AST_COMPTIME) {
			sema_unsupported(s, n, "if comptime");
			break;
		}
		const struct type *c = sema_expr(s, n->a);
		if (is_known(c) && !is_int(c))
			sema_err(s, n->a, "Invalid condition in if(): %s", type_str(c));
		sema_block(s, n->b);
		if (n->c) {
			if (n->c->kind == N_IF)
				sema_stmt(s, n->c);
			else
				sema_block(s, n->c);
		}
		break;
	}
	case N_BLOCK:
		sema_block(s, n);
		break;
	case N_WHILE:
	case N_UNROLL:
	case N_FOR_MAP:
	case N_FOR_RANGE:
		sema_loop(s, n);
		break;
	case N_RETURN:
	case N_BREAK:
	case N_CONTINUE:
		sema_jump(s, n);
		break;
	default:
		sema_unsupported(s, n, ast_kind_name(n->kind));
		break;
	}
}

/* ---- probes (attach points and args: probes.c) ---- */

static void check_probe(struct sctx *s, struct node *probe)
{
	struct scope sc;

	s->pd = probe->sema;
	s->scope = NULL;
	s->nvars = 0;
	scope_push(s, &sc);
	if (probe->b) {
		const struct type *t = sema_expr(s, probe->b);
		if (is_known(t) && !is_int(t))
			sema_err(s, probe->b, "Invalid type for predicate: %s", type_str(t));
	}
	sema_block(s, probe->c);
	scope_pop(s);
	sema_check_loops(s, probe);
	probe->len = (size_t)s->nvars; /* variable slots, for codegen */
}

void sema_free_fields(struct sema_opts *opts)
{
	for (size_t i = 0; i < opts->field_sets.n; i++) {
		struct vec *fs = opts->field_sets.v[i];
		for (size_t j = 0; j < fs->n; j++)
			provider_field_free(fs->v[j]);
		vec_free(fs);
	}
	vec_free(&opts->field_sets);
}

int sema_run(struct ast *ast, struct diag *d, struct program *prog, struct sema_opts *opts)
{
	struct sctx s = {.ast = ast, .d = d, .prog = prog, .opts = opts};
	struct vec probes = {0}, fieldsets = {0};
	int index = 0;
	const char *trailer = getenv("BPFTRACE_STR_TRUNC_TRAILER");

	if (opts && opts->nnamed > 0)
		s.named_used = xcalloc((size_t)opts->nnamed, sizeof(*s.named_used));

	prog->str_trunc_trailer = arena_strdup(&prog->arena, trailer ? trailer : "..");
	sema_config_env(&s);
	sema_script_cond(&s);
	for (struct node *n = ast->root->a; n; n = n->next) {
		switch (n->kind) {
		case N_PROBE:
			n = sema_expand_probe(&s, n, index++, &probes);
			break;
		case N_C_DEFN:
			sema_c_definition(&s, n);
			break;
		case N_INCLUDE:
			/* Types come from BTF; sema_script_cond collected the headers,
			 * read for macro constants. */
			break;
		case N_MACRO:
			sema_macro_define(&s, n);
			break;
		case N_FN:
			sema_fn_define(&s, n);
			break;
		case N_DEFINE:
		case N_CONFIG:
		case N_MAP_DECL:
			sema_toplevel(&s, n);
			break;
		default:
			diag_error_hint(d, &n->loc,
					"sonde implements the core language first; this will come",
					"%s is not supported yet", ast_kind_name(n->kind));
			break;
		}
	}
	prog->str_trunc_size = opts->max_strlen;
	if (!probes.n && !diag_errors(d))
		diag_error(d, NULL, "No probes to attach");
	for (size_t i = 0; i < probes.n; i++) {
		struct node *probe = probes.v[i];
		struct vec *fs = sema_probe_fields(&s, probe, probe->sema);
		vec_push(&fieldsets, fs);
		if (fs)
			vec_push(&opts->field_sets, fs);
	}
	if (diag_errors(d))
		goto out;
	for (int pass = 0; pass < 2; pass++) {
		s.quiet = pass == 0;
		for (size_t i = 0; i < probes.n; i++) {
			struct node *probe = probes.v[i];
			s.fields = fieldsets.v[i];
			check_probe(&s, probe);
		}
	}
	if (s.fns.n && probes.n) {
		s.pd = ((struct node *)probes.v[0])->sema;
		s.fields = NULL;
		sema_fn_check_uncalled(&s);
	}
	sema_map_finish(prog);
	sema_toplevel_finish(&s);
	sema_getopt_unused(&s);
out:
	free(s.named_used);
	vec_free(&s.defines);
	vec_free(&s.macros);
	vec_free(&s.fns);
	vec_free(&s.map_decls);
	sema_header_free(&s);
	vec_free(&probes);
	vec_free(&fieldsets);
	return diag_errors(d) ? -1 : 0;
}
