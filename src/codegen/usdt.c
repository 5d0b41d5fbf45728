// SPDX-License-Identifier: GPL-2.0
/*
 * usdt argN. Each note says where its arguments are at its pc ("-4@%edi",
 * "8@-8(%rbp)", "4@$5"). When every target of the probe has the same
 * specs, the read is emitted inline with constant offsets; otherwise the
 * cookie's high half numbers the distinct specs (usdt_prepare) and a
 * switch picks the inline read of that spec: no spec map to look up, and
 * each case is as cheap as the single-spec form.
 */
#include <bpf/bpf.h>

#include "codegen/cg.h"
#include "probes/provider.h"
#include "prog/usdt.h"

static LLVMValueRef extend(struct cg *g, LLVMValueRef v, const struct usdt_arg *a)
{
	LLVMTypeRef ty;

	if (a->size == 8)
		return v;
	ty = LLVMIntTypeInContext(g->ctx, a->size * 8);
	v = LLVMBuildTrunc(g->b, v, ty, "");
	return a->is_signed ? LLVMBuildSExt(g->b, v, g->i64, "")
			    : LLVMBuildZExt(g->b, v, g->i64, "");
}

static LLVMValueRef reg(struct cg *g, int off)
{
	return cg_load_int(g, cg_gep(g, g->ctx_arg, (uint32_t)off), 8, false);
}

static LLVMValueRef read_arg(struct cg *g, const struct usdt_arg *a)
{
	LLVMValueRef addr, buf;

	switch (a->kind) {
	case USDT_ARG_CONST:
		return cg_const(g, a->val);
	case USDT_ARG_REG:
		return extend(g, reg(g, a->reg_off), a);
	case USDT_ARG_MEM:
		break;
	}
	addr = LLVMBuildAdd(g->b, reg(g, a->reg_off), cg_const(g, a->val), "");
	if (a->idx_off >= 0)
		addr = LLVMBuildAdd(
			g->b, addr,
			LLVMBuildMul(g->b, reg(g, a->idx_off), cg_const(g, a->scale), ""), "");
	buf = cg_alloca(g, 8, "usdt_mem");
	cg_store_int(g, buf, cg_const(g, 0), 8);
	LLVMValueRef args[] = {buf, cg_const(g, a->size),
			       LLVMBuildIntToPtr(g->b, addr, g->ptr, "")};
	cg_helper(g, BPF_FUNC_probe_read_user, g->i64, args, 3);
	return extend(g, cg_load_int(g, buf, 8, false), a);
}

/* The spec of argument idx in target t; sema checked that it parses. */
static struct usdt_arg target_arg(const struct attach_target *t, int idx)
{
	struct usdt_arg args[USDT_MAX_ARGS] = {0};
	struct strbuf err;

	sb_init(&err);
	if (usdt_parse_args(t->usdt_args, args, USDT_MAX_ARGS, &err) <= idx)
		BUG("usdt arg %d of %s: %s", idx, t->name, err.buf ? err.buf : "missing");
	sb_free(&err);
	return args[idx];
}

LLVMValueRef cg_usdt_arg(struct cg *g, int idx)
{
	struct vec *ts = &g->pd->targets;
	LLVMValueRef cookie, slot, sw;
	LLVMBasicBlockRef done;
	uint64_t nspecs = 0;

	for (size_t i = 0; i < ts->n; i++) {
		uint64_t k = ((struct attach_target *)ts->v[i])->cookie >> 32;

		nspecs = k + 1 > nspecs ? k + 1 : nspecs;
	}
	if (nspecs <= 1) {
		struct usdt_arg a = target_arg(ts->v[0], idx);

		return read_arg(g, &a);
	}
	if (g->cookie) {
		cookie = g->cookie;
	} else {
		LLVMValueRef args[] = {g->ctx_arg};

		cookie = cg_helper(g, BPF_FUNC_get_attach_cookie, g->i64, args, 1);
	}
	slot = cg_alloca(g, 8, "usdt_arg");
	cg_store_int(g, slot, cg_const(g, 0), 8);
	done = cg_block(g, "usdt_done");
	sw = LLVMBuildSwitch(g->b, LLVMBuildLShr(g->b, cookie, cg_const(g, 32), ""), done,
			     (unsigned)nspecs);
	for (uint64_t k = 0; k < nspecs; k++) {
		LLVMBasicBlockRef bb = cg_block(g, "usdt_spec");
		struct usdt_arg a;
		size_t i = 0;

		while (((struct attach_target *)ts->v[i])->cookie >> 32 != k)
			i++;
		a = target_arg(ts->v[i], idx);
		LLVMAddCase(sw, cg_const(g, (int64_t)k), bb);
		LLVMPositionBuilderAtEnd(g->b, bb);
		cg_store_int(g, slot, read_arg(g, &a), 8);
		LLVMBuildBr(g->b, done);
	}
	LLVMPositionBuilderAtEnd(g->b, done);
	return cg_load_int(g, slot, 8, false);
}
