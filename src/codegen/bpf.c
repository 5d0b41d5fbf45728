// SPDX-License-Identifier: GPL-2.0
/*
 * Thin BPF verbs over the LLVM builder: helper calls by id, map
 * operations, stack slots and memory moves.
 */
#include "codegen/cg.h"

#include <string.h>

#include <linux/bpf.h>
#include <string.h>

LLVMValueRef cg_const(struct cg *g, int64_t v)
{
	return LLVMConstInt(g->i64, (unsigned long long)v, 1);
}

LLVMValueRef cg_helper(struct cg *g, int id, LLVMTypeRef ret, LLVMValueRef *args, unsigned n)
{
	LLVMTypeRef params[8];

	for (unsigned i = 0; i < n; i++)
		params[i] = LLVMTypeOf(args[i]);
	LLVMTypeRef fty = LLVMFunctionType(ret, params, n, 0);
	LLVMValueRef fn = LLVMConstIntToPtr(cg_const(g, id), g->ptr);
	return LLVMBuildCall2(g->b, fty, fn, args, n, "");
}

uint32_t cg_on_stack_limit(const struct cg *g)
{
	return g->prog->on_stack_limit ? g->prog->on_stack_limit : CG_SCRATCH_MIN;
}

LLVMValueRef cg_alloca(struct cg *g, uint32_t size, const char *name)
{
	if (size > cg_on_stack_limit(g))
		return cg_scratch_alloc(g, size);
	return cg_alloca_stack(g, size, name);
}

/*
 * A temporary holds its value only within the statement that made it,
 * so once that statement is emitted its slot can serve the next ones:
 * without this, every string, tuple and map key of a probe would take
 * stack of its own, and 40 printf("%s", comm) would not fit in 512 bytes.
 * Slots made outside statements (variables, the prologue) stay put.
 */
static LLVMValueRef slot_reuse(struct cg *g, uint32_t size)
{
	size_t best = SIZE_MAX;

	for (size_t i = 0; i < g->slots_free.n; i++) {
		struct cg_slot *s = g->slots_free.v[i];
		if (s->fn == g->fn && s->size >= size &&
		    (best == SIZE_MAX || s->size < ((struct cg_slot *)g->slots_free.v[best])->size))
			best = i;
	}
	if (best == SIZE_MAX)
		return NULL;
	struct cg_slot *s = g->slots_free.v[best];
	g->slots_free.v[best] = g->slots_free.v[--g->slots_free.n];
	s->stmt = g->stmt;
	vec_push(&g->slots_busy, s);
	return s->a;
}

void cg_stack_release(struct cg *g, const struct node *n)
{
	for (size_t i = 0; i < g->slots_busy.n;) {
		struct cg_slot *s = g->slots_busy.v[i];
		if (s->stmt == n) {
			g->slots_busy.v[i] = g->slots_busy.v[--g->slots_busy.n];
			vec_push(&g->slots_free, s);
		} else {
			i++;
		}
	}
}

void cg_stack_free_all(struct cg *g)
{
	for (size_t i = 0; i < g->slots_busy.n; i++)
		free(g->slots_busy.v[i]);
	for (size_t i = 0; i < g->slots_free.n; i++)
		free(g->slots_free.v[i]);
	vec_free(&g->slots_busy);
	vec_free(&g->slots_free);
}

LLVMValueRef cg_alloca_stack(struct cg *g, uint32_t size, const char *name)
{
	LLVMValueRef reused = g->stmt ? slot_reuse(g, size ? size : 1) : NULL;

	if (reused)
		return reused;
	LLVMBuilderRef eb = LLVMCreateBuilderInContext(g->ctx);
	LLVMValueRef first = LLVMGetFirstInstruction(g->entry);

	if (first)
		LLVMPositionBuilderBefore(eb, first);
	else
		LLVMPositionBuilderAtEnd(eb, g->entry);
	LLVMTypeRef ty = LLVMArrayType(g->i8, size ? size : 1);
	LLVMValueRef a = LLVMBuildAlloca(eb, ty, name);

	cg_stack_note(g, size);
	if (g->stmt) {
		struct cg_slot *s = xmalloc(sizeof(*s));
		*s = (struct cg_slot){
			.fn = g->fn, .a = a, .stmt = g->stmt, .size = size ? size : 1};
		vec_push(&g->slots_busy, s);
	}
	LLVMSetAlignment(a, 8);
	LLVMDisposeBuilder(eb);
	return a;
}

/*
 * Stack slots and scratch slots are 8-byte aligned; saying so lets LLVM
 * move big blocks in 8-byte words rather than byte by byte (which is slow
 * to select and long to verify).
 */
static unsigned ptr_align(struct cg *g, LLVMValueRef p)
{
	if (LLVMIsAAllocaInst(p) || (g->scratch && p == g->scratch))
		return 8;
	if (g->scratch && LLVMIsAGetElementPtrInst(p) && LLVMGetOperand(p, 0) == g->scratch &&
	    !strncmp(LLVMGetValueName(p), "scratch_slot", 12))
		return 8;
	/* a constant byte offset from an aligned slot */
	if (LLVMIsAGetElementPtrInst(p) && LLVMGetNumOperands(p) == 2 &&
	    LLVMIsAConstantInt(LLVMGetOperand(p, 1)) && LLVMGetGEPSourceElementType(p) == g->i8) {
		unsigned base = ptr_align(g, LLVMGetOperand(p, 0));
		unsigned long long off = LLVMConstIntGetZExtValue(LLVMGetOperand(p, 1));
		while (base > 1 && off % base)
			base /= 2;
		return base;
	}
	return 1;
}

/* LLVM's BPF back end inlines at most 128 stores per call; bigger moves go in chunks. */
#define CG_CHUNK 512

void cg_memset0(struct cg *g, LLVMValueRef p, uint32_t size)
{
	unsigned a = ptr_align(g, p);

	for (uint32_t off = 0; off < size; off += CG_CHUNK) {
		uint32_t n = size - off < CG_CHUNK ? size - off : CG_CHUNK;
		LLVMBuildMemSet(g->b, cg_gep(g, p, off), LLVMConstInt(g->i8, 0, 0),
				LLVMConstInt(g->i64, n, 0), off ? (a < 8 ? a : 8) : a);
	}
}

void cg_memcpy(struct cg *g, LLVMValueRef dst, LLVMValueRef src, uint32_t size)
{
	unsigned da = ptr_align(g, dst), sa = ptr_align(g, src);

	if (size > CG_SCRATCH_MIN && (da < 8 || sa < 8)) {
		/* A big copy that LLVM would do byte by byte: one helper call instead. */
		LLVMValueRef args[] = {dst, LLVMConstInt(g->i32, size, 0), src};
		cg_helper(g, BPF_FUNC_probe_read_kernel, g->i64, args, 3);
		return;
	}
	for (uint32_t off = 0; off < size; off += CG_CHUNK) {
		uint32_t n = size - off < CG_CHUNK ? size - off : CG_CHUNK;
		LLVMBuildMemCpy(g->b, cg_gep(g, dst, off), da, cg_gep(g, src, off), sa,
				LLVMConstInt(g->i64, n, 0));
	}
}

LLVMValueRef cg_gep(struct cg *g, LLVMValueRef p, uint32_t off)
{
	if (!off)
		return p;
	LLVMValueRef idx = LLVMConstInt(g->i64, off, 0);
	return LLVMBuildGEP2(g->b, g->i8, p, &idx, 1, "");
}

static LLVMTypeRef int_ty(struct cg *g, uint32_t size)
{
	switch (size) {
	case 1:
		return g->i8;
	case 2:
		return g->i16;
	case 4:
		return g->i32;
	default:
		return g->i64;
	}
}

LLVMValueRef cg_load_int(struct cg *g, LLVMValueRef p, uint32_t size, bool is_signed)
{
	LLVMTypeRef ty = int_ty(g, size);
	LLVMValueRef v = LLVMBuildLoad2(g->b, ty, p, "");

	/* Every value sonde lays out (stack, map values, events, ctx fields) is naturally aligned.
	 */
	LLVMSetAlignment(v, size >= 8 ? 8 : size);
	if (size == 8)
		return v;
	return is_signed ? LLVMBuildSExt(g->b, v, g->i64, "") : LLVMBuildZExt(g->b, v, g->i64, "");
}

void cg_store_int(struct cg *g, LLVMValueRef p, LLVMValueRef v, uint32_t size)
{
	LLVMTypeRef ty = int_ty(g, size);

	if (LLVMTypeOf(v) != ty)
		v = LLVMBuildTrunc(g->b, v, ty, "");
	LLVMValueRef st = LLVMBuildStore(g->b, v, p);
	LLVMSetAlignment(st, size >= 8 ? 8 : size);
}

LLVMValueRef cg_map_lookup(struct cg *g, LLVMValueRef map, LLVMValueRef key)
{
	LLVMValueRef args[] = {map, key};
	return cg_helper(g, BPF_FUNC_map_lookup_elem, g->ptr, args, 2);
}

LLVMValueRef cg_map_update(struct cg *g, LLVMValueRef map, LLVMValueRef key, LLVMValueRef val,
			   uint64_t flags)
{
	LLVMValueRef args[] = {map, key, val, cg_const(g, (int64_t)flags)};
	return cg_helper(g, BPF_FUNC_map_update_elem, g->i64, args, 4);
}

LLVMValueRef cg_map_delete(struct cg *g, LLVMValueRef map, LLVMValueRef key)
{
	LLVMValueRef args[] = {map, key};
	return cg_helper(g, BPF_FUNC_map_delete_elem, g->i64, args, 2);
}

LLVMBasicBlockRef cg_block(struct cg *g, const char *name)
{
	return LLVMAppendBasicBlockInContext(g->ctx, g->fn, name);
}

/* One key slot per function for every counter: each costs BPF stack. */
static LLVMValueRef stat_key_slot(struct cg *g)
{
	for (LLVMValueRef in = LLVMGetFirstInstruction(g->entry); in;
	     in = LLVMGetNextInstruction(in)) {
		size_t len;
		const char *name = LLVMGetValueName2(in, &len);
		if (LLVMIsAAllocaInst(in) && len == 8 && !memcmp(name, "stat_key", 8))
			return in;
	}
	/* shared by later statements: not a temporary */
	const struct node *stmt = g->stmt;
	g->stmt = NULL;
	LLVMValueRef a = cg_alloca(g, 4, "stat_key");
	g->stmt = stmt;
	return a;
}

void cg_stat_inc(struct cg *g, int stat)
{
	LLVMValueRef key = stat_key_slot(g);
	cg_store_int(g, key, cg_const(g, stat), 4);
	LLVMValueRef p = cg_map_lookup(g, g->stats, key);
	LLVMBasicBlockRef yes = cg_block(g, "stat_inc"), done = cg_block(g, "stat_done");
	LLVMValueRef isnull = LLVMBuildIsNull(g->b, p, "");
	LLVMBuildCondBr(g->b, isnull, done, yes);
	LLVMPositionBuilderAtEnd(g->b, yes);
	LLVMValueRef v = LLVMBuildLoad2(g->b, g->i64, p, "");
	LLVMBuildStore(g->b, LLVMBuildAdd(g->b, v, cg_const(g, 1), ""), p);
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, done);
}

void cg_store_as(struct cg *g, LLVMValueRef dst, struct cg_val v, const struct type *to)
{
	const struct type *t = v.t;

	switch (to->kind) {
	case T_INT:
	case T_BOOL:
	case T_PTR:
	case T_PROBE:
		cg_store_int(g, dst, v.v, to->size);
		return;
	case T_STRING:
	case T_BUFFER:
		if (t->size >= to->size) {
			cg_memcpy(g, dst, v.v, to->size);
		} else {
			cg_memcpy(g, dst, v.v, t->size);
			cg_memset0(g, cg_gep(g, dst, t->size), to->size - t->size);
		}
		return;
	case T_TUPLE:
		if (t == to) {
			cg_memcpy(g, dst, v.v, to->size);
			return;
		}
		cg_memset0(g, dst, to->size);
		for (int i = 0; i < to->nfields && i < t->nfields; i++) {
			struct cg_val f = cg_load_as(g, cg_gep(g, v.v, t->fields[i].offset),
						     t->fields[i].type);
			cg_store_as(g, cg_gep(g, dst, to->fields[i].offset), f, to->fields[i].type);
		}
		return;
	default:
		cg_memcpy(g, dst, v.v, to->size < t->size ? to->size : t->size);
		return;
	}
}

struct cg_val cg_load_as(struct cg *g, LLVMValueRef p, const struct type *t)
{
	struct cg_val v = {.t = t};

	switch (t->kind) {
	case T_INT:
	case T_BOOL:
	case T_PTR:
	case T_PROBE:
		v.v = cg_load_int(g, p, t->size, t->kind == T_INT && t->is_signed);
		return v;
	default:
		v.v = p;
		return v;
	}
}

void cg_loc(struct cg *g, const struct node *n)
{
	if (!g->di_sp || !n || n->loc.first_line <= 0)
		return;
	LLVMMetadataRef loc = LLVMDIBuilderCreateDebugLocation(
		g->ctx, (unsigned)n->loc.first_line, (unsigned)n->loc.first_column, g->di_sp, NULL);
	LLVMSetCurrentDebugLocation2(g->b, loc);
}
