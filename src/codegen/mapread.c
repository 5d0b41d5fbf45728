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

static LLVMValueRef phi2(struct cg *g, LLVMValueRef a, LLVMBasicBlockRef ba, const char *name)
{
	LLVMValueRef p = LLVMBuildPhi(g->b, g->i64, name);
	LLVMAddIncoming(p, &a, &ba, 1);
	return p;
}

/* Values kept in SSA registers (phis), so a read costs no stack. */
struct cg_val cg_agg_read(struct cg *g, struct node *n)
{
	struct map_desc *md = n->sema;
	int ncpus = libbpf_num_possible_cpus();
	LLVMValueRef key = cg_map_key(g, n, 0), zero = cg_const(g, 0);
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
	return (struct cg_val){r, n->type};
}
