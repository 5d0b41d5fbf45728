// SPDX-License-Identifier: GPL-2.0
/*
 * Calls of user-defined functions, inlined (see sema/fn.c): the arguments
 * are evaluated in the caller, stored into the parameters of the call's
 * copy of the function, and its body runs; `return` stores its value in
 * the call's result slot and jumps to the end of the copy.
 */
#include "codegen/cg.h"

struct cg_val cg_fn_call(struct cg *g, struct node *n)
{
	struct node *copy = n->c;
	const struct type *t = copy->type;
	int nargs = ast_list_len(n->a), i = 0;
	struct cg_val args[nargs > 0 ? nargs : 1];
	LLVMBasicBlockRef save_ret = g->fn_ret;
	LLVMValueRef save_slot = g->fn_slot;
	const struct type *save_type = g->fn_type;

	for (struct node *a = n->a; a; a = a->next)
		args[i++] = cg_expr(g, a);
	i = 0;
	for (struct node *p = copy->a; p; p = p->next) {
		struct sema_var *v = p->a->sema;
		cg_store_as(g, g->vars[v->index], args[i++], v->type);
	}
	g->fn_type = t;
	g->fn_slot = NULL;
	if (t->kind != T_VOID) {
		uint32_t size = t->kind == T_INT || t->kind == T_BOOL || t->size < 8 ? 8 : t->size;
		g->fn_slot = cg_alloca(g, size, "fn_ret");
		/* Every path returns, but the verifier must not see an unset read. */
		cg_memset0(g, g->fn_slot, size);
	}
	g->fn_ret = cg_block(g, "fn_ret");
	cg_block_stmts(g, copy->c);
	LLVMBuildBr(g->b, g->fn_ret);
	LLVMPositionBuilderAtEnd(g->b, g->fn_ret);
	struct cg_val r = {.v = cg_const(g, 0), .t = t};
	if (g->fn_slot)
		r = cg_load_as(g, g->fn_slot, t);
	g->fn_ret = save_ret;
	g->fn_slot = save_slot;
	g->fn_type = save_type;
	return r;
}

void cg_fn_return(struct cg *g, struct node *n)
{
	if (n->a) {
		struct cg_val v = cg_expr(g, n->a);
		cg_store_as(g, g->fn_slot, v, g->fn_type);
	}
	LLVMBuildBr(g->b, g->fn_ret);
}
