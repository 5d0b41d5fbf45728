// SPDX-License-Identifier: GPL-2.0
/* Statements, map updates, aggregations and the asynchronous events. */
#include "codegen/cg.h"

#include <linux/bpf.h>

static LLVMValueRef map_global(struct cg *g, struct node *map)
{
	return g->map_globals[((struct map_desc *)map->sema)->id];
}

/*
 * Update; a failure (a full map) is counted in the map's statistics slot,
 * and with -k reported at loc.
 */
void cg_update_counted(struct cg *g, const struct map_desc *md, LLVMValueRef key, LLVMValueRef val,
		       const struct span *loc)
{
	LLVMValueRef rc = cg_map_update(g, g->map_globals[md->id], key, val, BPF_ANY);
	cg_helper_check(g, rc, BPF_FUNC_map_update_elem, loc);
	LLVMBasicBlockRef bad = cg_block(g, "upd_fail"), ok = cg_block(g, "upd_ok");

	LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntNE, rc, cg_const(g, 0), ""), bad, ok);
	LLVMPositionBuilderAtEnd(g->b, bad);
	cg_stat_inc(g, PROG_STAT_MAP_FULL(md->id));
	LLVMBuildBr(g->b, ok);
	LLVMPositionBuilderAtEnd(g->b, ok);
}

static LLVMBasicBlockRef ev_cont;

LLVMValueRef cg_event_begin(struct cg *g, int event_id, uint32_t payload)
{
	LLVMValueRef args[] = {g->rb, cg_const(g, 8 + payload), cg_const(g, 0)};
	LLVMValueRef rec = cg_helper(g, BPF_FUNC_ringbuf_reserve, g->ptr, args, 3);
	LLVMBasicBlockRef lost = cg_block(g, "ev_lost"), fill = cg_block(g, "ev_fill");

	ev_cont = cg_block(g, "ev_done");
	LLVMBuildCondBr(g->b, LLVMBuildIsNull(g->b, rec, ""), lost, fill);
	LLVMPositionBuilderAtEnd(g->b, lost);
	cg_stat_inc(g, STAT_LOST_EVENTS);
	LLVMBuildBr(g->b, ev_cont);
	LLVMPositionBuilderAtEnd(g->b, fill);
	cg_store_int(g, rec, cg_const(g, event_id), 8);
	return rec;
}

void cg_event_end(struct cg *g, LLVMValueRef rec)
{
	LLVMValueRef args[] = {rec, cg_const(g, 0)};
	cg_helper(g, BPF_FUNC_ringbuf_submit, g->vo, args, 2);
	LLVMBuildBr(g->b, ev_cont);
	LLVMPositionBuilderAtEnd(g->b, ev_cont);
}

/* An event whose arguments are the given expressions. */
static void event_with_args(struct cg *g, struct node *call, struct node *first)
{
	struct event_desc *ev = prog_event(g->prog, call->id);
	struct cg_val vals[ev->nargs > 0 ? ev->nargs : 1];
	int i = 0;

	for (struct node *a = first; a && i < ev->nargs; a = a->next)
		vals[i++] = cg_expr(g, a);
	LLVMValueRef rec = cg_event_begin(g, ev->id, ev->size);
	for (i = 0; i < ev->nargs; i++)
		cg_store_as(g, cg_gep(g, rec, 8 + ev->args[i].offset), vals[i], ev->args[i].type);
	cg_event_end(g, rec);
}

static void return_now(struct cg *g)
{
	LLVMBuildRet(g->b, cg_const(g, 0));
	LLVMPositionBuilderAtEnd(g->b, cg_block(g, "after_return"));
}

void cg_call_stmt(struct cg *g, struct node *n)
{
	cg_loc(g, n);
	if (n->c) {
		cg_fn_call(g, n);
		return;
	}
	switch ((enum sema_func)n->op) {
	case F_PRINTF:
		event_with_args(g, n, n->a->next);
		break;
	case F_PRINT: {
		struct event_desc *ev = prog_event(g->prog, n->id);
		if (ev->kind == EV_PRINT_VALUE)
			event_with_args(g, n, n->a);
		else
			event_with_args(g, n, NULL);
		break;
	}
	case F_TIME:
	case F_CLEAR:
	case F_ZERO:
		event_with_args(g, n, NULL);
		break;
	case F_EXIT: {
		struct cg_val code = {.v = cg_const(g, 0), .t = type_int(8, true)};
		if (n->a)
			code = cg_expr(g, n->a);
		LLVMValueRef rec = cg_event_begin(g, n->id, 8);
		cg_store_int(g, cg_gep(g, rec, 8), code.v, 8);
		cg_event_end(g, rec);
		return_now(g);
		break;
	}
	case F_DELETE: {
		struct node *m = n->a;
		LLVMValueRef key = cg_map_key(g, m, 0);
		cg_helper_check(g, cg_map_delete(g, map_global(g, m), key),
				BPF_FUNC_map_delete_elem, &n->loc);
		break;
	}
	case F_STR:
		cg_expr(g, n);
		break;
	case F_KSTACK:
	case F_USTACK:
	case F_KSYM:
	case F_USYM:
		break; /* a stack or symbol nobody uses: nothing to do */
	default:
		cg_call_more(g, n);
		break;
	}
}

/* Bucket index of hist(v, k), as in prog/agg.c. */
static LLVMValueRef hist_bucket(struct cg *g, LLVMValueRef v, int k)
{
	LLVMBuilderRef b = g->b;
	int64_t sub_n = (int64_t)1 << k;
	/* floor(log2(v)) by halving: the BPF back end has no count-leading-zeros. */
	LLVMValueRef x = LLVMBuildOr(b, v, cg_const(g, 1), "");
	LLVMValueRef l = cg_const(g, 0);
	for (int sh = 32; sh >= 1; sh /= 2) {
		LLVMValueRef lim = cg_const(g, (int64_t)((1ull << sh) - 1));
		LLVMValueRef gt = LLVMBuildICmp(b, LLVMIntUGT, x, lim, "");
		LLVMValueRef amt = LLVMBuildSelect(b, gt, cg_const(g, sh), cg_const(g, 0), "");
		x = LLVMBuildLShr(b, x, amt, "");
		l = LLVMBuildOr(b, l, amt, "");
	}
	LLVMValueRef shift = LLVMBuildSub(b, l, cg_const(g, k), "");
	LLVMValueRef sub =
		LLVMBuildAnd(b, LLVMBuildLShr(b, v, shift, ""), cg_const(g, sub_n - 1), "");
	LLVMValueRef big = LLVMBuildAdd(
		b, cg_const(g, 1 + sub_n),
		LLVMBuildAdd(b, LLVMBuildMul(b, shift, cg_const(g, sub_n), ""), sub, ""), "");
	LLVMValueRef small = LLVMBuildAdd(b, v, cg_const(g, 1), "");
	LLVMValueRef is_small = LLVMBuildICmp(b, LLVMIntSLT, v, cg_const(g, sub_n), "");
	LLVMValueRef idx = LLVMBuildSelect(b, is_small, small, big, "");
	LLVMValueRef neg = LLVMBuildICmp(b, LLVMIntSLT, v, cg_const(g, 0), "");
	return LLVMBuildSelect(b, neg, cg_const(g, 0), idx, "bucket");
}

static LLVMValueRef lhist_bucket(struct cg *g, LLVMValueRef v, const struct map_desc *md)
{
	LLVMBuilderRef b = g->b;
	int64_t nb = agg_lhist_nbuckets(md->lhist_min, md->lhist_max, md->lhist_step);
	/* v is within [min, max) here when used; offset is non-negative */
	LLVMValueRef off = LLVMBuildSub(b, v, cg_const(g, md->lhist_min), "");
	LLVMValueRef mid = LLVMBuildAdd(b, LLVMBuildUDiv(b, off, cg_const(g, md->lhist_step), ""),
					cg_const(g, 1), "");
	LLVMValueRef under = LLVMBuildICmp(b, LLVMIntSLT, v, cg_const(g, md->lhist_min), "");
	LLVMValueRef over = LLVMBuildICmp(b, LLVMIntSGE, v, cg_const(g, md->lhist_max), "");
	LLVMValueRef r = LLVMBuildSelect(b, over, cg_const(g, nb - 1), mid, "");
	return LLVMBuildSelect(b, under, cg_const(g, 0), r, "lbucket");
}

/*
 * @m[k] = count() and friends: one lookup; update in place when the entry
 * exists (per-CPU, so no atomics), else insert this CPU's first value.
 */
void cg_agg_assign(struct cg *g, struct node *map, struct node *call)
{
	struct map_desc *md = map->sema;
	LLVMValueRef x = NULL;
	LLVMValueRef key;
	uint32_t ukey = md->key_size - 8; /* user key, padded to 8 bytes */

	if (md->agg == AGG_TSERIES) {
		cg_tseries_assign(g, map, call);
		return;
	}
	if (md->agg != AGG_COUNT)
		x = cg_expr(g, call->a).v;
	if (md->agg == AGG_HIST || md->agg == AGG_LHIST) {
		key = cg_alloca(g, ukey + 8, "hkey");
		if (md->key && md->key->size < ukey)
			cg_memset0(g, key, ukey); /* padding is part of the hash key */
		if (md->key)
			cg_store_as(g, key, cg_expr(g, map->a), md->key);
		LLVMValueRef bucket = md->agg == AGG_HIST ? hist_bucket(g, x, md->hist_k)
							  : lhist_bucket(g, x, md);
		cg_store_int(g, cg_gep(g, key, ukey), bucket, 8);
		x = cg_const(g, 1);
	} else {
		key = cg_map_key(g, map, 0);
	}
	LLVMValueRef mg = map_global(g, map);
	LLVMValueRef p = cg_map_lookup(g, mg, key);
	LLVMBasicBlockRef hit = cg_block(g, "agg_hit"), miss = cg_block(g, "agg_miss"),
			  done = cg_block(g, "agg_done");
	LLVMBuildCondBr(g->b, LLVMBuildIsNull(g->b, p, ""), miss, hit);

	LLVMPositionBuilderAtEnd(g->b, hit);
	switch (md->agg) {
	case AGG_COUNT:
	case AGG_HIST:
	case AGG_LHIST:
	case AGG_SUM: {
		LLVMValueRef inc = md->agg == AGG_COUNT ? cg_const(g, 1) : x;
		LLVMValueRef old = cg_load_int(g, p, 8, false);
		cg_store_int(g, p, LLVMBuildAdd(g->b, old, inc, ""), 8);
		break;
	}
	case AGG_AVG:
	case AGG_STATS: {
		LLVMValueRef tot = cg_load_int(g, p, 8, true);
		cg_store_int(g, p, LLVMBuildAdd(g->b, tot, x, ""), 8);
		LLVMValueRef cp = cg_gep(g, p, 8);
		LLVMValueRef cnt = cg_load_int(g, cp, 8, false);
		cg_store_int(g, cp, LLVMBuildAdd(g->b, cnt, cg_const(g, 1), ""), 8);
		break;
	}
	case AGG_MIN:
	case AGG_MAX: {
		LLVMValueRef cur = cg_load_int(g, p, 8, true);
		LLVMValueRef set = cg_load_int(g, cg_gep(g, p, 8), 8, false);
		LLVMValueRef better = LLVMBuildICmp(
			g->b, md->agg == AGG_MIN ? LLVMIntSLT : LLVMIntSGT, x, cur, "");
		LLVMValueRef unset = LLVMBuildICmp(g->b, LLVMIntEQ, set, cg_const(g, 0), "");
		LLVMValueRef take = LLVMBuildOr(g->b, better, unset, "");
		cg_store_int(g, p, LLVMBuildSelect(g->b, take, x, cur, ""), 8);
		cg_store_int(g, cg_gep(g, p, 8), cg_const(g, 1), 8);
		break;
	}
	default:
		BUG("aggregation %d", md->agg);
	}
	LLVMBuildBr(g->b, done);

	LLVMPositionBuilderAtEnd(g->b, miss);
	LLVMValueRef init = cg_alloca(g, 16, "agg_init");
	cg_memset0(g, init, 16);
	switch (md->agg) {
	case AGG_COUNT:
		cg_store_int(g, init, cg_const(g, 1), 8);
		break;
	case AGG_AVG:
	case AGG_STATS:
	case AGG_MIN:
	case AGG_MAX:
		cg_store_int(g, init, x, 8);
		cg_store_int(g, cg_gep(g, init, 8), cg_const(g, 1), 8);
		break;
	default:
		cg_store_int(g, init, x, 8);
		break;
	}
	struct span site = map->loc; /* the whole `@m[k] = agg(...)` */
	site.last_line = call->loc.last_line;
	site.last_column = call->loc.last_column;
	cg_update_counted(g, md, key, init, &site);
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, done);
}

static void assign(struct cg *g, struct node *n)
{
	struct node *lv = n->a;

	if (lv->kind == N_MAP && n->b->kind == N_CALL && n->op == 0 &&
	    ((struct map_desc *)lv->sema)->agg != AGG_NONE) {
		cg_agg_assign(g, lv, n->b);
		return;
	}
	if (n->op) {
		/* compound: lv = lv op rhs, through a synthetic binop */
		struct node bin = {.kind = N_BINOP, .op = n->op, .a = lv, .b = n->b, .loc = n->loc};
		bin.type = lv->kind == N_VAR ? ((struct sema_var *)lv->sema)->type : lv->type;
		if (bin.type->kind == T_INT)
			bin.type = type_int(8, bin.type->is_signed);
		struct node as = {.kind = N_ASSIGN, .a = lv, .b = &bin, .loc = n->loc};
		assign(g, &as);
		return;
	}
	struct cg_val v = cg_expr(g, n->b);
	switch (lv->kind) {
	case N_VAR: {
		struct sema_var *var = lv->sema;
		cg_store_as(g, g->vars[var->index], v, var->type);
		break;
	}
	case N_MAP: {
		struct map_desc *md = lv->sema;
		LLVMValueRef key = cg_map_key(g, lv, 0);
		LLVMValueRef val = cg_alloca(g, md->value_size, "val");
		cg_store_as(g, val, v, md->value);
		cg_update_counted(g, md, key, val, &n->loc);
		break;
	}
	default:
		break; /* `_ = e` */
	}
}

void cg_block_stmts(struct cg *g, struct node *blk)
{
	for (struct node *s = blk->a; s; s = s->next)
		cg_stmt(g, s);
}

static void stmt_emit(struct cg *g, struct node *n);

void cg_stmt(struct cg *g, struct node *n)
{
	const struct node *outer = g->stmt;

	g->stmt = n;
	stmt_emit(g, n);
	cg_stack_release(g, n);
	g->stmt = outer;
}

static void stmt_emit(struct cg *g, struct node *n)
{
	cg_loc(g, n);
	switch (n->kind) {
	case N_EXPR_STMT:
		if (n->a->kind == N_CALL)
			cg_call_stmt(g, n->a);
		else
			cg_expr(g, n->a);
		break;
	case N_ASSIGN:
		assign(g, n);
		break;
	case N_LET: {
		struct sema_var *var = n->a->sema;
		if (n->c)
			cg_store_as(g, g->vars[var->index], cg_expr(g, n->c), var->type);
		else if (var->type->size) /* a fresh zero value each time it runs */
			cg_memset0(g, g->vars[var->index],
				   var->type->kind == T_INT || var->type->kind == T_BOOL
					   ? 8
					   : var->type->size);
		break;
	}
	case N_BLOCK:
		cg_block_stmts(g, n);
		break;
	case N_IF: {
		LLVMValueRef c = cg_cond(g, n->a);
		LLVMBasicBlockRef tb = cg_block(g, "if_then"), done = cg_block(g, "if_done");
		LLVMBasicBlockRef eb = n->c ? cg_block(g, "if_else") : done;
		LLVMBuildCondBr(g->b, c, tb, eb);
		LLVMPositionBuilderAtEnd(g->b, tb);
		cg_block_stmts(g, n->b);
		LLVMBuildBr(g->b, done);
		if (n->c) {
			LLVMPositionBuilderAtEnd(g->b, eb);
			if (n->c->kind == N_IF)
				cg_stmt(g, n->c);
			else
				cg_block_stmts(g, n->c);
			LLVMBuildBr(g->b, done);
		}
		LLVMPositionBuilderAtEnd(g->b, done);
		break;
	}
	case N_RETURN:
	case N_BREAK:
	case N_CONTINUE:
		cg_jump(g, n);
		break;
	case N_WHILE:
	case N_UNROLL:
	case N_FOR_RANGE:
	case N_FOR_MAP:
		cg_loop(g, n);
		break;
	default:
		BUG("statement kind %s in codegen", ast_kind_name(n->kind));
	}
}
