// SPDX-License-Identifier: GPL-2.0
/*
 * @m[k] = tseries(v, interval, n[, agg]). Each interval is its own map
 * entry, keyed by the user key and the interval's epoch (boot-time ns /
 * interval), so an update is one lookup. The first value of an interval
 * also deletes the entry n intervals older, which keeps a map that is
 * written every interval at n entries per key; the reader ignores any
 * older ones left by gaps.
 */
#include "codegen/cg.h"

#include <linux/bpf.h>

void cg_tseries_assign(struct cg *g, struct node *map, struct node *call)
{
	struct map_desc *md = map->sema;
	uint32_t ukey = md->key_size - 8;
	LLVMValueRef x = cg_expr(g, call->a).v;
	LLVMValueRef now = cg_helper(g, BPF_FUNC_ktime_get_boot_ns, g->i64, NULL, 0);
	LLVMValueRef epoch = LLVMBuildUDiv(g->b, now, cg_const(g, md->ts_interval), "epoch");
	LLVMValueRef key = cg_alloca(g, ukey + 8, "tskey");
	LLVMValueRef mg = g->map_globals[md->id];

	if (md->key && md->key->size < ukey)
		cg_memset0(g, key, ukey); /* padding is part of the hash key */
	if (md->key)
		cg_store_as(g, key, cg_expr(g, map->a), md->key);
	cg_store_int(g, cg_gep(g, key, ukey), epoch, 8);

	LLVMValueRef p = cg_map_lookup(g, mg, key);
	LLVMBasicBlockRef hit = cg_block(g, "ts_hit"), miss = cg_block(g, "ts_miss"),
			  done = cg_block(g, "ts_done");
	LLVMBuildCondBr(g->b, LLVMBuildIsNull(g->b, p, ""), miss, hit);

	LLVMPositionBuilderAtEnd(g->b, hit);
	LLVMValueRef cur = cg_load_int(g, p, 8, true);
	LLVMValueRef cp = cg_gep(g, p, 8);
	LLVMValueRef cnt = cg_load_int(g, cp, 8, false);
	LLVMValueRef nv = x;
	switch (md->ts_agg) {
	case TS_LAST:
		break;
	case TS_AVG:
	case TS_SUM:
		nv = LLVMBuildAdd(g->b, cur, x, "");
		break;
	case TS_COUNT:
		nv = LLVMBuildAdd(g->b, cur, cg_const(g, 1), "");
		break;
	case TS_MIN:
	case TS_MAX: {
		LLVMValueRef better = LLVMBuildICmp(
			g->b, md->ts_agg == TS_MIN ? LLVMIntSLT : LLVMIntSGT, x, cur, "");
		LLVMValueRef unset = LLVMBuildICmp(g->b, LLVMIntEQ, cnt, cg_const(g, 0), "");
		nv = LLVMBuildSelect(g->b, LLVMBuildOr(g->b, better, unset, ""), x, cur, "");
		break;
	}
	}
	cg_store_int(g, p, nv, 8);
	cg_store_int(g, cp, LLVMBuildAdd(g->b, cnt, cg_const(g, 1), ""), 8);
	LLVMBuildBr(g->b, done);

	LLVMPositionBuilderAtEnd(g->b, miss);
	LLVMValueRef init = cg_alloca(g, sizeof(struct agg_tseries), "ts_init");
	cg_store_int(g, init, md->ts_agg == TS_COUNT ? cg_const(g, 1) : x, 8);
	cg_store_int(g, cg_gep(g, init, 8), cg_const(g, 1), 8);
	struct span site = map->loc;
	site.last_line = call->loc.last_line;
	site.last_column = call->loc.last_column;
	cg_update_counted(g, md, key, init, &site);
	/* the interval n epochs back has left the window */
	cg_store_int(g, cg_gep(g, key, ukey),
		     LLVMBuildSub(g->b, epoch, cg_const(g, md->ts_num), ""), 8);
	cg_map_delete(g, mg, key);
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, done);
}
