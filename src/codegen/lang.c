// SPDX-License-Identifier: GPL-2.0
/* Block values, records, indexing, the ?: shorthand and tuple comparison. */
#include "codegen/cg.h"

static struct cg_val val(LLVMValueRef v, const struct type *t)
{
	struct cg_val r = {.v = v, .t = t};
	return r;
}

static struct cg_val record(struct cg *g, struct node *n)
{
	const struct type *t = n->type;
	LLVMValueRef buf = cg_alloca(g, t->size, "record");
	int i = 0;

	cg_memset0(g, buf, t->size);
	for (struct node *f = n->a; f; f = f->next, i++)
		cg_store_as(g, cg_gep(g, buf, t->fields[i].offset), cg_expr(g, f->a),
			    t->fields[i].type);
	return val(buf, t);
}

static struct cg_val elvis(struct cg *g, struct node *n)
{
	struct cg_val a = cg_expr(g, n->a);
	LLVMBasicBlockRef from = LLVMGetInsertBlock(g->b);
	LLVMBasicBlockRef other = cg_block(g, "elvis_else"), done = cg_block(g, "elvis_done");

	LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntNE, a.v, cg_const(g, 0), ""), done, other);
	LLVMPositionBuilderAtEnd(g->b, other);
	struct cg_val b = cg_expr(g, n->c);
	LLVMBasicBlockRef other_end = LLVMGetInsertBlock(g->b);
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, done);
	LLVMValueRef phi = LLVMBuildPhi(g->b, g->i64, "elvis");
	LLVMValueRef vals[] = {a.v, b.v};
	LLVMBasicBlockRef bbs[] = {from, other_end};
	LLVMAddIncoming(phi, vals, bbs, 2);
	return val(phi, n->type);
}

static struct cg_val if_value(struct cg *g, struct node *n)
{
	const struct type *t = n->type;
	bool mem = t->kind == T_STRING || t->kind == T_TUPLE;
	LLVMValueRef res = mem ? cg_alloca(g, t->size, "ifval") : NULL;
	LLVMBasicBlockRef tb = cg_block(g, "ifv_then"), eb = cg_block(g, "ifv_else"),
			  done = cg_block(g, "ifv_done");
	LLVMValueRef vals[2];
	LLVMBasicBlockRef ends[2];

	LLVMBuildCondBr(g->b, cg_cond(g, n->a), tb, eb);
	for (int i = 0; i < 2; i++) {
		LLVMPositionBuilderAtEnd(g->b, i ? eb : tb);
		struct cg_val v = cg_expr(g, i ? n->c : n->b);
		if (mem)
			cg_store_as(g, res, v, t);
		else if (t->kind == T_BOOL)
			vals[i] = LLVMBuildZExt(
				g->b, LLVMBuildICmp(g->b, LLVMIntNE, v.v, cg_const(g, 0), ""),
				g->i64, "");
		else
			vals[i] = v.v;
		ends[i] = LLVMGetInsertBlock(g->b);
		LLVMBuildBr(g->b, done);
	}
	LLVMPositionBuilderAtEnd(g->b, done);
	if (mem)
		return val(res, t);
	if (t->kind == T_VOID)
		return val(cg_const(g, 0), t);
	LLVMValueRef phi = LLVMBuildPhi(g->b, g->i64, "ifv");
	LLVMAddIncoming(phi, vals, ends, 2);
	return val(phi, t);
}

struct cg_val cg_lang_expr(struct cg *g, struct node *n)
{
	switch (n->kind) {
	case N_IF:
		return if_value(g, n);
	case N_BLOCK:
		cg_block_stmts(g, n);
		if (n->b)
			return cg_expr(g, n->b);
		return val(cg_const(g, 0), n->type);
	case N_RECORD:
		return record(g, n);
	case N_INDEX: {
		struct cg_val a = cg_expr(g, n->a);
		if (a.t->kind == T_TUPLE) {
			const struct type_field *f = &a.t->fields[n->id];
			return cg_load_as(g, cg_gep(g, a.v, f->offset), f->type);
		}
		return val(cg_load_int(g, cg_gep(g, a.v, (uint32_t)n->id), 1, true), n->type);
	}
	case N_TERNARY:
		return elvis(g, n);
	default:
		BUG("cg_lang_expr on %s", ast_kind_name(n->kind));
	}
}

/* The layout both sides of a tuple comparison take (sema checked they match). */
static const struct type *common(const struct type *a, const struct type *b)
{
	if (a->kind == T_INT || a->kind == T_PTR)
		return type_int(8, a->kind == T_INT && a->is_signed);
	if (a->kind == T_STRING)
		return a->size >= b->size ? a : b;
	if (a->kind != T_TUPLE)
		return a;
	const struct type *el[a->nfields > 0 ? a->nfields : 1];
	const char *names[a->nfields > 0 ? a->nfields : 1];
	for (int i = 0; i < a->nfields; i++) {
		el[i] = common(a->fields[i].type, b->fields[i].type);
		names[i] = a->fields[i].name;
	}
	return type_tuple(a->nfields, el, a->nfields && a->fields[0].name ? names : NULL);
}

/* Both sides laid out as their common type, then compared 8 bytes at a time. */
LLVMValueRef cg_tuple_eq(struct cg *g, struct cg_val a, struct cg_val b)
{
	const struct type *t = common(a.t, b.t);
	LLVMValueRef x = cg_alloca(g, t->size, "teq_a"), y = cg_alloca(g, t->size, "teq_b");
	LLVMValueRef eq = LLVMConstInt(LLVMInt1TypeInContext(g->ctx), 1, 0);

	cg_store_as(g, x, a, t);
	cg_store_as(g, y, b, t);
	for (uint32_t off = 0; off < t->size;) {
		uint32_t left = t->size - off;
		uint32_t w = left >= 8 ? 8 : left >= 4 ? 4 : left >= 2 ? 2 : 1;
		LLVMValueRef p = cg_load_int(g, cg_gep(g, x, off), w, false);
		LLVMValueRef q = cg_load_int(g, cg_gep(g, y, off), w, false);
		eq = LLVMBuildAnd(g->b, eq, LLVMBuildICmp(g->b, LLVMIntEQ, p, q, ""), "");
		off += w;
	}
	return eq;
}
