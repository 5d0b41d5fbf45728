// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU scratch space for big values. The BPF stack has 512 bytes, so
 * strings, tuples, map keys and values larger than CG_SCRATCH_MIN live in
 * one per-CPU array entry instead. Each probe lays its big slots out one
 * after another (its loop callbacks continue the same layout, since they
 * run on the same CPU inside the probe); the map's value is as large as
 * the largest probe needs. Each function looks the entry up once, in its
 * entry block, and its slots are fixed offsets into it.
 */
#include "codegen/cg.h"

#include <linux/bpf.h>

/* Look the scratch entry up at the end of the entry block; slots hang off the `ok` block. */
static void scratch_lookup(struct cg *g)
{
	LLVMValueRef term = LLVMGetBasicBlockTerminator(g->entry);
	LLVMBasicBlockRef body = LLVMGetSuccessor(term, 0);
	LLVMValueRef key = cg_alloca(g, 4, "scratch_key");
	LLVMBuilderRef save = g->b;
	LLVMBuilderRef eb = LLVMCreateBuilderInContext(g->ctx);

	if (!g->scratch_map)
		g->scratch_map = LLVMAddGlobal(g->mod, g->i64, "sonde_scratch_placeholder");
	g->b = eb;
	LLVMPositionBuilderBefore(eb, term);
	cg_store_int(g, key, cg_const(g, 0), 4);
	g->scratch = cg_map_lookup(g, g->scratch_map, key);
	LLVMValueRef isnull = LLVMBuildIsNull(eb, g->scratch, "");
	LLVMInstructionEraseFromParent(term);
	LLVMBasicBlockRef ok = cg_block(g, "scratch_ok"), fail = cg_block(g, "scratch_fail");
	LLVMPositionBuilderAtEnd(eb, g->entry);
	LLVMBuildCondBr(eb, isnull, fail, ok);
	LLVMPositionBuilderAtEnd(eb, fail);
	LLVMBuildRet(eb, cg_const(g, 0));
	LLVMPositionBuilderAtEnd(eb, ok);
	LLVMBuildBr(eb, body);
	g->scratch_ok = ok;
	g->b = save;
	LLVMDisposeBuilder(eb);
}

LLVMValueRef cg_scratch_at(struct cg *g, uint32_t off)
{
	if (!g->scratch)
		scratch_lookup(g);
	LLVMBuilderRef eb = LLVMCreateBuilderInContext(g->ctx);
	LLVMPositionBuilderBefore(eb, LLVMGetBasicBlockTerminator(g->scratch_ok));
	LLVMValueRef idx = LLVMConstInt(g->i64, off, 0);
	LLVMValueRef p = LLVMBuildGEP2(eb, g->i8, g->scratch, &idx, 1, "scratch_slot");
	LLVMDisposeBuilder(eb);
	return p;
}

uint32_t cg_scratch_reserve(struct cg *g, uint32_t size)
{
	uint32_t off = g->scratch_off;

	g->scratch_off += (size + 7) & ~7u;
	if (g->scratch_off > g->scratch_max)
		g->scratch_max = g->scratch_off;
	return off;
}

LLVMValueRef cg_scratch_alloc(struct cg *g, uint32_t size)
{
	return cg_scratch_at(g, cg_scratch_reserve(g, size));
}

LLVMBasicBlockRef cg_setup_block(struct cg *g)
{
	return g->scratch_ok ? g->scratch_ok : g->entry;
}

void cg_scratch_func_begin(struct cg *g, struct cg_scratch_save *sv)
{
	sv->scratch = g->scratch;
	sv->ok = g->scratch_ok;
	g->scratch = NULL;
	g->scratch_ok = NULL;
}

void cg_scratch_func_end(struct cg *g, const struct cg_scratch_save *sv)
{
	g->scratch = sv->scratch;
	g->scratch_ok = sv->ok;
}

void cg_scratch_finish(struct cg *g, LLVMValueRef (*define)(struct cg *, uint32_t))
{
	if (!g->scratch_map)
		return;
	LLVMValueRef real = define(g, g->scratch_max ? g->scratch_max : 8);
	LLVMReplaceAllUsesWith(g->scratch_map, real);
	LLVMDeleteGlobal(g->scratch_map);
	g->scratch_map = real;
}
