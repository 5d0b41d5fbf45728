// SPDX-License-Identifier: GPL-2.0
/*
 * -k: helper calls that can fail at run time (reads of memory, map
 * updates) report a failure as a ring-buffer event carrying the return
 * code; the event descriptor holds the call site, so the runtime prints a
 * located warning. Without -k nothing is emitted: no per-event cost.
 */
#include "codegen/cg.h"

#include <linux/bpf.h>

/* When `fail` holds, send the helper-error record carrying rc. */
static void helper_report(struct cg *g, LLVMValueRef fail, LLVMValueRef rc, int helper,
			  const struct span *loc)
{
	struct program *p = g->prog;
	struct event_desc *ev = arena_alloc(&p->arena, sizeof(*ev));
	ev->kind = EV_HELPER_ERROR;
	ev->id = (int)p->events.n;
	ev->map_id = -1;
	ev->top = helper;
	ev->loc = *loc;
	ev->size = 8;
	vec_push(&p->events, ev);
	p->source = g->d->src;

	LLVMBasicBlockRef bad = cg_block(g, "helper_err"), send = cg_block(g, "helper_err_send"),
			  ok = cg_block(g, "helper_ok");
	LLVMBuildCondBr(g->b, fail, bad, ok);
	LLVMPositionBuilderAtEnd(g->b, bad);
	/* Not cg_event_begin: this may run while another event is being filled. */
	LLVMValueRef args[] = {g->rb, cg_const(g, 16), cg_const(g, 0)};
	LLVMValueRef rec = cg_helper(g, BPF_FUNC_ringbuf_reserve, g->ptr, args, 3);
	LLVMBuildCondBr(g->b, LLVMBuildIsNull(g->b, rec, ""), ok, send);
	LLVMPositionBuilderAtEnd(g->b, send);
	cg_store_int(g, rec, cg_const(g, ev->id), 8);
	cg_store_int(g, cg_gep(g, rec, 8), rc, 8);
	LLVMValueRef sub[] = {rec, cg_const(g, 0)};
	cg_helper(g, BPF_FUNC_ringbuf_submit, g->vo, sub, 2);
	LLVMBuildBr(g->b, ok);
	LLVMPositionBuilderAtEnd(g->b, ok);
}

void cg_helper_check(struct cg *g, LLVMValueRef rc, int helper, const struct span *loc)
{
	if (!g->helper_errors || !loc)
		return;
	helper_report(g, LLVMBuildICmp(g->b, LLVMIntSLT, rc, cg_const(g, 0), ""), rc, helper, loc);
}

/* A map read that finds no element: bpftrace reports it with retcode 0. */
void cg_lookup_check(struct cg *g, LLVMValueRef ptr, const struct span *loc)
{
	if (!g->helper_errors || !loc)
		return;
	helper_report(g, LLVMBuildIsNull(g->b, ptr, ""), cg_const(g, 0), BPF_FUNC_map_lookup_elem,
		      loc);
}

void cg_runtime_error(struct cg *g, int err, const struct span *loc)
{
	struct program *p = g->prog;
	struct event_desc *ev = arena_alloc(&p->arena, sizeof(*ev));
	ev->kind = EV_RUNTIME_ERROR;
	ev->id = (int)p->events.n;
	ev->map_id = -1;
	ev->top = err;
	ev->loc = *loc;
	vec_push(&p->events, ev);
	p->source = g->d->src;

	LLVMBasicBlockRef send = cg_block(g, "rt_err_send"), done = cg_block(g, "rt_err_done");
	/* Not cg_event_begin: this may run while another event is being filled. */
	LLVMValueRef args[] = {g->rb, cg_const(g, 8), cg_const(g, 0)};
	LLVMValueRef rec = cg_helper(g, BPF_FUNC_ringbuf_reserve, g->ptr, args, 3);
	LLVMBuildCondBr(g->b, LLVMBuildIsNull(g->b, rec, ""), done, send);
	LLVMPositionBuilderAtEnd(g->b, send);
	cg_store_int(g, rec, cg_const(g, ev->id), 8);
	LLVMValueRef sub[] = {rec, cg_const(g, 0)};
	cg_helper(g, BPF_FUNC_ringbuf_submit, g->vo, sub, 2);
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, done);
}
