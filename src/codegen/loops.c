// SPDX-License-Identifier: GPL-2.0
/*
 * Loops. `while` is a plain LLVM loop (the verifier bounds it since 5.3)
 * and `unroll` repeats its body. `for` runs its body in a callback:
 * bpf_loop() for ranges, so any bound verifies, and
 * bpf_for_each_map_elem() for maps. A probe with a callback keeps all of
 * its variables in one stack frame whose address is the callback's
 * context, so the body reads and writes the probe's variables; the
 * frame also holds the probe's ctx pointer and a `return` flag.
 */
#include "codegen/cg.h"

#include <linux/bpf.h>
#include <string.h>

enum {
	FRAME_CTX = 0,	  /* the probe's ctx pointer */
	FRAME_RETURN = 8, /* set by `return` inside a callback */
	FRAME_VARS = 16,
};

#define OFF_SCRATCH 0x80000000u /* var_off: an offset in scratch space, not the frame */

bool cg_needs_frame(const struct node *n)
{
	for (; n; n = n->next) {
		if (n->kind == N_FOR_MAP || n->kind == N_FOR_RANGE)
			return true;
		if (cg_needs_frame(n->a) || cg_needs_frame(n->b) || cg_needs_frame(n->c) ||
		    cg_needs_frame(n->d))
			return true;
	}
	return false;
}

static uint32_t slot_size(const struct type *t)
{
	uint32_t size = t->size ? t->size : 8;

	if (t->kind == T_INT || t->kind == T_BOOL)
		size = 8;
	return (size + 7) & ~7u;
}

/* Lay out every variable and every for-range start value in the frame. */
static void layout(struct cg *g, struct node *n, uint32_t *size, uint32_t *sizes)
{
	for (; n; n = n->next) {
		if (n->kind == N_VAR && n->sema) {
			struct sema_var *v = n->sema;
			if (v->index < g->nvars && g->var_off[v->index] == UINT32_MAX) {
				uint32_t sz = slot_size(v->type);
				sizes[v->index] = sz;
				if (sz > cg_on_stack_limit(g)) {
					g->var_off[v->index] =
						cg_scratch_reserve(g, sz) | OFF_SCRATCH;
				} else {
					g->var_off[v->index] = *size;
					*size += sz;
				}
			}
		}
		if (n->kind == N_FOR_RANGE) {
			n->id = (int)*size;
			*size += 8;
		}
		layout(g, n->a, size, sizes);
		layout(g, n->b, size, sizes);
		layout(g, n->c, size, sizes);
		layout(g, n->d, size, sizes);
	}
}

void cg_frame_vars(struct cg *g, struct node *probe)
{
	uint32_t size = FRAME_VARS;

	g->var_off = xcalloc((size_t)g->nvars + 1, sizeof(uint32_t));
	for (int i = 0; i < g->nvars; i++)
		g->var_off[i] = UINT32_MAX;
	uint32_t *sizes = xcalloc((size_t)g->nvars + 1, sizeof(uint32_t));
	layout(g, probe->b, &size, sizes);
	layout(g, probe->c, &size, sizes);
	g->frame = cg_alloca_stack(g, size, "frame");
	/* Big variables live in scratch space, zeroed here like the frame. */
	for (int i = 0; i < g->nvars; i++)
		if (g->var_off[i] != UINT32_MAX && (g->var_off[i] & OFF_SCRATCH))
			g->vars[i] = cg_scratch_at(g, g->var_off[i] & ~OFF_SCRATCH);

	LLVMBuilderRef save = g->b;
	LLVMBuilderRef eb = LLVMCreateBuilderInContext(g->ctx);
	LLVMPositionBuilderBefore(eb, LLVMGetBasicBlockTerminator(cg_setup_block(g)));
	g->b = eb;
	cg_memset0(g, g->frame, size);
	LLVMBuildStore(g->b, g->ctx_arg, g->frame);
	for (int i = 0; i < g->nvars; i++) {
		if (g->var_off[i] == UINT32_MAX)
			continue;
		if (g->var_off[i] & OFF_SCRATCH)
			cg_memset0(g, g->vars[i], sizes[i]);
		else
			g->vars[i] = cg_gep(g, g->frame, g->var_off[i]);
	}
	g->b = save;
	LLVMDisposeBuilder(eb);
	free(sizes);
}

void cg_frame_free(struct cg *g)
{
	free(g->var_off);
	g->var_off = NULL;
	g->frame = NULL;
}

/* ---- callbacks ---- */

struct cb_save {
	LLVMValueRef fn, ctx_arg, frame, *vars, args_base, cookie;
	LLVMBasicBlockRef entry, at, loop_break, loop_cont;
	LLVMMetadataRef di_sp;
	bool in_callback;
	const struct node *at_n;
	struct cg_scratch_save scratch;
};

/* Start a callback function; its last parameter is the frame. */
static LLVMValueRef cb_begin(struct cg *g, struct cb_save *sv, LLVMTypeRef *params, unsigned np,
			     const struct node *at)
{
	char name[64];
	LLVMTypeRef fty = LLVMFunctionType(g->i64, params, np, 0);

	sv->fn = g->fn;
	sv->ctx_arg = g->ctx_arg;
	sv->frame = g->frame;
	sv->vars = g->vars;
	sv->entry = g->entry;
	sv->at = LLVMGetInsertBlock(g->b);
	sv->loop_break = g->loop_break;
	sv->loop_cont = g->loop_cont;
	sv->di_sp = g->di_sp;
	sv->in_callback = g->in_callback;
	sv->args_base = g->args_base;
	sv->cookie = g->cookie;
	sv->at_n = at;
	cg_scratch_func_begin(g, &sv->scratch);

	snprintf(name, sizeof(name), "%s_loop%d", g->pd->func_name, g->ncallbacks++);
	LLVMValueRef fn = LLVMAddFunction(g->mod, name, fty);
	LLVMSetLinkage(fn, LLVMInternalLinkage);
	LLVMSetSection(fn, ".text");
	LLVMMetadataRef dparams[5];
	for (unsigned i = 0; i <= np; i++)
		dparams[i] = g->di_int;
	LLVMMetadataRef sty =
		LLVMDIBuilderCreateSubroutineType(g->di, g->di_file, dparams, np + 1, 0);
	unsigned line = at->loc.first_line > 0 ? (unsigned)at->loc.first_line : 1;
	g->di_sp = LLVMDIBuilderCreateFunction(g->di, g->di_file, name, strlen(name), name,
					       strlen(name), g->di_file, line, sty, 1, 1, line,
					       LLVMDIFlagPrototyped, 1);
	LLVMSetSubprogram(fn, g->di_sp);
	/* BTF needs a name for every parameter of a function. */
	for (unsigned i = 0; i < np; i++) {
		char pname[16];
		snprintf(pname, sizeof(pname), "a%u", i);
		LLVMDIBuilderCreateParameterVariable(g->di, g->di_sp, pname, strlen(pname), i + 1,
						     g->di_file, line, g->di_int, 1, 0);
	}

	g->fn = fn;
	g->entry = LLVMAppendBasicBlockInContext(g->ctx, fn, "entry");
	g->loop_break = g->loop_cont = NULL;
	g->in_callback = true;
	LLVMPositionBuilderAtEnd(g->b, g->entry);
	cg_loc(g, at);
	g->frame = LLVMGetParam(fn, np - 1);
	g->vars = xcalloc((size_t)g->nvars + 1, sizeof(LLVMValueRef));
	for (int i = 0; i < g->nvars; i++)
		if (g->var_off[i] != UINT32_MAX && !(g->var_off[i] & OFF_SCRATCH))
			g->vars[i] = cg_gep(g, g->frame, g->var_off[i]);
	g->ctx_arg = LLVMBuildLoad2(g->b, g->ptr, g->frame, "ctx");
	LLVMBasicBlockRef body = cg_block(g, "body");
	LLVMBuildBr(g->b, body);
	LLVMPositionBuilderAtEnd(g->b, body);
	for (int i = 0; i < g->nvars; i++)
		if (g->var_off[i] != UINT32_MAX && (g->var_off[i] & OFF_SCRATCH))
			g->vars[i] = cg_scratch_at(g, g->var_off[i] & ~OFF_SCRATCH);
	/* The caller's args record and cookie are its own SSA values: rebuild them. */
	g->args_base = g->cookie = NULL;
	cg_prologue_callback(g);
	return fn;
}

static void cb_end(struct cg *g, struct cb_save *sv)
{
	LLVMBuildRet(g->b, cg_const(g, 0));
	free(g->vars);
	g->fn = sv->fn;
	g->ctx_arg = sv->ctx_arg;
	g->frame = sv->frame;
	g->vars = sv->vars;
	g->entry = sv->entry;
	g->loop_break = sv->loop_break;
	g->loop_cont = sv->loop_cont;
	g->di_sp = sv->di_sp;
	g->in_callback = sv->in_callback;
	cg_scratch_func_end(g, &sv->scratch);
	g->args_base = sv->args_base;
	g->cookie = sv->cookie;
	LLVMPositionBuilderAtEnd(g->b, sv->at);
	cg_loc(g, sv->at_n);
}

/* After a callback loop: leave too when its body ran `return`. */
static void after_callback_loop(struct cg *g)
{
	LLVMValueRef flag = cg_load_int(g, cg_gep(g, g->frame, FRAME_RETURN), 8, false);
	LLVMBasicBlockRef ret = cg_block(g, "loop_returned"), cont = cg_block(g, "loop_after");

	LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntNE, flag, cg_const(g, 0), ""), ret, cont);
	LLVMPositionBuilderAtEnd(g->b, ret);
	LLVMBuildRet(g->b, cg_const(g, g->in_callback ? 1 : 0));
	LLVMPositionBuilderAtEnd(g->b, cont);
}

static void for_range(struct cg *g, struct node *n)
{
	struct sema_var *v = n->a->sema;
	struct cg_val start = cg_expr(g, n->b), end = cg_expr(g, n->c);
	bool sig = v->type->is_signed;
	struct cb_save sv;

	cg_store_int(g, cg_gep(g, g->frame, (uint32_t)n->id), start.v, 8);
	LLVMValueRef more = LLVMBuildICmp(g->b, sig ? LLVMIntSGT : LLVMIntUGT, end.v, start.v, "");
	LLVMValueRef cnt = LLVMBuildSelect(g->b, more, LLVMBuildSub(g->b, end.v, start.v, ""),
					   cg_const(g, 0), "");
	cnt = LLVMBuildTrunc(g->b, cnt, g->i32, "");

	LLVMTypeRef params[] = {g->i64, g->ptr};
	LLVMValueRef fn = cb_begin(g, &sv, params, 2, n);
	LLVMValueRef first = cg_load_int(g, cg_gep(g, g->frame, (uint32_t)n->id), 8, false);
	cg_store_int(g, g->vars[v->index], LLVMBuildAdd(g->b, first, LLVMGetParam(fn, 0), ""), 8);
	cg_block_stmts(g, n->d);
	cb_end(g, &sv);

	LLVMValueRef args[] = {cnt, fn, g->frame, cg_const(g, 0)};
	cg_helper(g, BPF_FUNC_loop, g->i64, args, 4);
	after_callback_loop(g);
}

static void for_map(struct cg *g, struct node *n)
{
	struct sema_var *v = n->a->sema;
	struct map_desc *md = n->b->sema;
	const struct type *kv = v->type;
	struct cb_save sv;

	LLVMTypeRef params[] = {g->ptr, g->ptr, g->ptr, g->ptr};
	LLVMValueRef fn = cb_begin(g, &sv, params, 4, n);
	LLVMValueRef slot = g->vars[v->index];
	cg_memcpy(g, cg_gep(g, slot, kv->fields[0].offset), LLVMGetParam(fn, 1),
		  md->key ? md->key_size : 8);
	if (md->agg != AGG_NONE) /* per-CPU storage: combine every CPU's value */
		cg_store_int(g, cg_gep(g, slot, kv->fields[1].offset),
			     cg_agg_read_key(g, md, cg_gep(g, slot, kv->fields[0].offset)), 8);
	else
		cg_memcpy(g, cg_gep(g, slot, kv->fields[1].offset), LLVMGetParam(fn, 2),
			  kv->fields[1].type->size);
	cg_block_stmts(g, n->c);
	cb_end(g, &sv);

	LLVMValueRef args[] = {g->map_globals[md->id], fn, g->frame, cg_const(g, 0)};
	cg_helper(g, BPF_FUNC_for_each_map_elem, g->i64, args, 4);
	after_callback_loop(g);
}

static void while_loop(struct cg *g, struct node *n)
{
	LLVMBasicBlockRef cond = cg_block(g, "while_cond"), body = cg_block(g, "while_body"),
			  done = cg_block(g, "while_done");
	LLVMBasicBlockRef ob = g->loop_break, oc = g->loop_cont;

	LLVMBuildBr(g->b, cond);
	LLVMPositionBuilderAtEnd(g->b, cond);
	LLVMBuildCondBr(g->b, cg_cond(g, n->a), body, done);
	LLVMPositionBuilderAtEnd(g->b, body);
	g->loop_break = done;
	g->loop_cont = cond;
	cg_block_stmts(g, n->b);
	LLVMBuildBr(g->b, cond);
	g->loop_break = ob;
	g->loop_cont = oc;
	LLVMPositionBuilderAtEnd(g->b, done);
}

void cg_loop(struct cg *g, struct node *n)
{
	switch (n->kind) {
	case N_WHILE:
		while_loop(g, n);
		break;
	case N_UNROLL:
		for (int i = 0; i < n->id; i++)
			cg_block_stmts(g, n->b);
		break;
	case N_FOR_RANGE:
		for_range(g, n);
		break;
	case N_FOR_MAP:
		for_map(g, n);
		break;
	default:
		BUG("cg_loop on %s", ast_kind_name(n->kind));
	}
}

void cg_jump(struct cg *g, struct node *n)
{
	switch (n->kind) {
	case N_BREAK:
		if (g->loop_break)
			LLVMBuildBr(g->b, g->loop_break);
		else
			LLVMBuildRet(g->b, cg_const(g, 1));
		break;
	case N_CONTINUE:
		if (g->loop_cont)
			LLVMBuildBr(g->b, g->loop_cont);
		else
			LLVMBuildRet(g->b, cg_const(g, 0));
		break;
	case N_RETURN:
		if (g->fn_ret) {
			cg_fn_return(g, n);
		} else if (g->in_callback) {
			cg_store_int(g, cg_gep(g, g->frame, FRAME_RETURN), cg_const(g, 1), 8);
			LLVMBuildRet(g->b, cg_const(g, 1));
		} else {
			LLVMBuildRet(g->b, cg_const(g, 0));
		}
		break;
	default:
		BUG("cg_jump on %s", ast_kind_name(n->kind));
	}
	LLVMPositionBuilderAtEnd(g->b, cg_block(g, "after_jump"));
}
