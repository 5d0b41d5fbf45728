// SPDX-License-Identifier: GPL-2.0
/*
 * Aggregation maps read as values. Their storage is per CPU, so the
 * value is combined in BPF over every possible CPU with
 * bpf_map_lookup_percpu_elem() in a loop bounded by the CPU count known
 * at load time.
 */
#include "codegen/cg.h"

#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <string.h>

static LLVMValueRef phi2(struct cg *g, LLVMValueRef a, LLVMBasicBlockRef ba, const char *name)
{
	LLVMValueRef p = LLVMBuildPhi(g->b, g->i64, name);
	LLVMAddIncoming(p, &a, &ba, 1);
	return p;
}

/* Values kept in SSA registers (phis), so a read costs no stack. */
struct cg_val cg_agg_read(struct cg *g, struct node *n)
{
	return (struct cg_val){cg_agg_read_key(g, n->sema, cg_map_key(g, n, 0)), n->type};
}

/* The value of an aggregation at key (a pointer) over every CPU. */
LLVMValueRef cg_agg_read_key(struct cg *g, struct map_desc *md, LLVMValueRef key)
{
	int ncpus = libbpf_num_possible_cpus();
	LLVMValueRef zero = cg_const(g, 0);
	LLVMBasicBlockRef pre = LLVMGetInsertBlock(g->b);
	LLVMBasicBlockRef cond = cg_block(g, "agg_cpu"), body = cg_block(g, "agg_body"),
			  hit = cg_block(g, "agg_hit"), next = cg_block(g, "agg_next"),
			  done = cg_block(g, "agg_done");

	LLVMBuildBr(g->b, cond);
	LLVMPositionBuilderAtEnd(g->b, cond);
	/* acc: the sum, minimum or maximum; cnt: avg's count, or min/max "any set" */
	LLVMValueRef i = phi2(g, zero, pre, "cpu"), acc = phi2(g, zero, pre, "acc"),
		     cnt = phi2(g, zero, pre, "cnt");
	LLVMBuildCondBr(g->b,
			LLVMBuildICmp(g->b, LLVMIntULT, i, cg_const(g, ncpus > 0 ? ncpus : 1), ""),
			body, done);

	LLVMPositionBuilderAtEnd(g->b, body);
	LLVMValueRef args[] = {g->map_globals[md->id], key, LLVMBuildTrunc(g->b, i, g->i32, "")};
	LLVMValueRef p = cg_helper(g, BPF_FUNC_map_lookup_percpu_elem, g->ptr, args, 3);
	LLVMBuildCondBr(g->b, LLVMBuildIsNull(g->b, p, ""), next, hit);

	LLVMPositionBuilderAtEnd(g->b, hit);
	LLVMValueRef v = cg_load_int(g, p, 8, true), nacc, ncnt = cnt;
	if (md->agg == AGG_MIN || md->agg == AGG_MAX) {
		/* struct agg_minmax: take v when this CPU has a value and it wins. */
		LLVMValueRef set =
			LLVMBuildIsNotNull(g->b, cg_load_int(g, cg_gep(g, p, 8), 8, false), "");
		LLVMValueRef wins = LLVMBuildICmp(
			g->b, md->agg == AGG_MIN ? LLVMIntSLT : LLVMIntSGT, v, acc, "");
		LLVMValueRef first = LLVMBuildIsNull(g->b, cnt, "");
		LLVMValueRef take = LLVMBuildAnd(g->b, set, LLVMBuildOr(g->b, first, wins, ""), "");
		nacc = LLVMBuildSelect(g->b, take, v, acc, "");
		ncnt = LLVMBuildSelect(g->b, set, cg_const(g, 1), cnt, "");
	} else {
		nacc = LLVMBuildAdd(g->b, acc, v, "");
		if (md->agg == AGG_AVG)
			ncnt = LLVMBuildAdd(g->b, cnt, cg_load_int(g, cg_gep(g, p, 8), 8, false),
					    "");
	}
	LLVMBasicBlockRef hit_end = LLVMGetInsertBlock(g->b);
	LLVMBuildBr(g->b, next);

	LLVMPositionBuilderAtEnd(g->b, next);
	LLVMValueRef macc = phi2(g, acc, body, ""), mcnt = phi2(g, cnt, body, "");
	LLVMAddIncoming(macc, &nacc, &hit_end, 1);
	LLVMAddIncoming(mcnt, &ncnt, &hit_end, 1);
	LLVMValueRef ni = LLVMBuildAdd(g->b, i, cg_const(g, 1), "");
	LLVMBuildBr(g->b, cond);
	LLVMAddIncoming(i, &ni, &next, 1);
	LLVMAddIncoming(acc, &macc, &next, 1);
	LLVMAddIncoming(cnt, &mcnt, &next, 1);

	LLVMPositionBuilderAtEnd(g->b, done);
	LLVMValueRef r = acc;
	if (md->agg == AGG_AVG) {
		/* Divide by a count that is never 0, then give 0 for no values. */
		LLVMValueRef none = LLVMBuildIsNull(g->b, cnt, "");
		/* BPF has no signed division: divide the magnitude. */
		LLVMValueRef neg = LLVMBuildICmp(g->b, LLVMIntSLT, r, zero, "");
		LLVMValueRef mag = LLVMBuildSelect(g->b, neg, LLVMBuildNeg(g->b, r, ""), r, "");
		LLVMValueRef q = LLVMBuildUDiv(
			g->b, mag, LLVMBuildSelect(g->b, none, cg_const(g, 1), cnt, ""), "");
		q = LLVMBuildSelect(g->b, neg, LLVMBuildNeg(g->b, q, ""), q, "");
		r = LLVMBuildSelect(g->b, none, zero, q, "avg");
	}
	return r;
}

/* delete() as a value: true when the key was there. */
struct cg_val cg_delete_value(struct cg *g, struct node *n)
{
	struct node *m = n->a;
	LLVMValueRef key = cg_map_key(g, m, 0);
	LLVMValueRef rc = cg_map_delete(g, g->map_globals[((struct map_desc *)m->sema)->id], key);
	LLVMValueRef ok = LLVMBuildICmp(g->b, LLVMIntEQ, rc, cg_const(g, 0), "");
	return (struct cg_val){LLVMBuildZExt(g->b, ok, g->i64, ""), n->type};
}

/* The callback of len(): counts the elements into *ctx. One per program. */
static LLVMValueRef count_cb(struct cg *g)
{
	static const char name[] = "sonde_len_cb";
	LLVMValueRef fn = LLVMGetNamedFunction(g->mod, name);

	if (fn)
		return fn;
	LLVMTypeRef params[] = {g->ptr, g->ptr, g->ptr, g->ptr};
	fn = LLVMAddFunction(g->mod, name, LLVMFunctionType(g->i64, params, 4, 0));
	LLVMSetLinkage(fn, LLVMInternalLinkage);
	LLVMSetSection(fn, ".text");
	/* BTF func info (the verifier checks callbacks against it) */
	LLVMMetadataRef dparams[] = {g->di_int, g->di_int, g->di_int, g->di_int, g->di_int};
	LLVMMetadataRef sty = LLVMDIBuilderCreateSubroutineType(g->di, g->di_file, dparams, 5, 0);
	LLVMMetadataRef sp = LLVMDIBuilderCreateFunction(g->di, g->di_file, name, strlen(name),
							 name, strlen(name), g->di_file, 1, sty, 1,
							 1, 1, LLVMDIFlagPrototyped, 1);
	LLVMSetSubprogram(fn, sp);
	for (unsigned i = 0; i < 4; i++) {
		char pname[4] = {'a', (char)('0' + i), 0};
		LLVMDIBuilderCreateParameterVariable(g->di, sp, pname, 2, i + 1, g->di_file, 1,
						     g->di_int, 1, 0);
	}
	LLVMBuilderRef b = LLVMCreateBuilderInContext(g->ctx);
	LLVMPositionBuilderAtEnd(b, LLVMAppendBasicBlockInContext(g->ctx, fn, "entry"));
	LLVMValueRef ctx = LLVMGetParam(fn, 3);
	LLVMValueRef v = LLVMBuildLoad2(b, g->i64, ctx, "");
	LLVMBuildStore(b, LLVMBuildAdd(b, v, cg_const(g, 1), ""), ctx);
	LLVMBuildRet(b, cg_const(g, 0));
	LLVMDisposeBuilder(b);
	return fn;
}

struct cg_val cg_len(struct cg *g, struct node *n)
{
	if (n->a->kind != N_MAP)
		return cg_stack_len(g, n);
	struct map_desc *md = n->a->sema;
	LLVMValueRef cnt = cg_alloca_stack(g, 8, "len");

	cg_store_int(g, cnt, cg_const(g, 0), 8);
	LLVMValueRef args[] = {g->map_globals[md->id], count_cb(g), cnt, cg_const(g, 0)};
	cg_helper(g, BPF_FUNC_for_each_map_elem, g->i64, args, 4);
	return (struct cg_val){cg_load_int(g, cnt, 8, true), n->type};
}

/* find(@m, key, $out) */
struct cg_val cg_find(struct cg *g, struct node *n)
{
	struct map_desc *md = n->a->sema;
	struct node *k = n->a->next, *out = k->next;
	struct sema_var *v = out->sema;
	LLVMValueRef key = cg_alloca(g, md->key ? md->key->size : 8, "find_key");

	if (md->key)
		cg_store_as(g, key, cg_expr(g, k), md->key);
	else
		cg_store_int(g, key, cg_const(g, 0), 8);
	LLVMValueRef p = cg_map_lookup(g, g->map_globals[md->id], key);
	LLVMBasicBlockRef hit = cg_block(g, "find_hit"), done = cg_block(g, "find_done");
	LLVMValueRef found = LLVMBuildIsNotNull(g->b, p, "");
	LLVMBuildCondBr(g->b, found, hit, done);
	LLVMPositionBuilderAtEnd(g->b, hit);
	cg_store_as(g, g->vars[v->index], cg_load_as(g, p, md->value), v->type);
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, done);
	return (struct cg_val){LLVMBuildZExt(g->b, found, g->i64, ""), n->type};
}
