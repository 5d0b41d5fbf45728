// SPDX-License-Identifier: GPL-2.0
/*
 * Stacks and symbols in BPF: kstack/ustack take a stack id from
 * bpf_get_stackid() into the shared STACK_TRACE map (identical stacks
 * share one id, so a map keyed by stacks stays small); ksym/usym keep the
 * address. Both carry the tgid for user symbols. Userspace symbolizes.
 */
#include "codegen/cg.h"

#include <linux/bpf.h>
#include <stdio.h>

struct cg_val cg_stack_value(struct cg *g, struct node *n)
{
	const struct type *t = n->type;
	bool user = t->kind == T_USTACK;
	LLVMValueRef buf = cg_alloca(g, sizeof(struct stack_val), "stack");
	LLVMValueRef id, pid = cg_const(g, 0);

	if (STACK_TYPE_MODE(t) == STACK_SYM) {
		id = cg_expr(g, n->a).v;
	} else {
		char name[32];
		snprintf(name, sizeof(name),
			 STACK_TYPE_MODE(t) == STACK_BUILD_ID ? PROG_BUILD_ID_STACK_MAP_FMT
							      : PROG_STACK_MAP_FMT,
			 STACK_TYPE_LIMIT(t));
		LLVMValueRef map = LLVMGetNamedGlobal(g->mod, name);
		LLVMValueRef args[] = {g->ctx_arg, map, cg_const(g, user ? BPF_F_USER_STACK : 0)};
		id = cg_helper(g, BPF_FUNC_get_stackid, g->i64, args, 3);
		/* The helper returns an int: keep its sign for the error check. */
		id = LLVMBuildSExt(g->b, LLVMBuildTrunc(g->b, id, g->i32, ""), g->i64, "stackid");
	}
	if (user) {
		pid = LLVMBuildLShr(g->b,
				    cg_helper(g, BPF_FUNC_get_current_pid_tgid, g->i64, NULL, 0),
				    cg_const(g, 32), "tgid");
		/* Tell userspace about the process so it records its mappings in time. */
		LLVMValueRef key = cg_alloca(g, 4, "pid_key"), one = cg_alloca(g, 8, "one");
		cg_store_int(g, key, pid, 4);
		cg_store_int(g, one, cg_const(g, 1), 8);
		cg_map_update(g, LLVMGetNamedGlobal(g->mod, PROG_PIDS_MAP), key, one, BPF_NOEXIST);
	}
	cg_store_int(g, buf, id, 8);
	cg_store_int(g, cg_gep(g, buf, 8), pid, 8);
	return (struct cg_val){.v = buf, .t = t};
}

struct cg_val cg_stack_len(struct cg *g, struct node *n)
{
	const struct type *t = n->a->type;
	uint32_t size = (uint32_t)STACK_TYPE_LIMIT(t) * 8u;
	LLVMValueRef buf = cg_alloca(g, size, "frames");
	uint64_t flags = t->kind == T_USTACK ? BPF_F_USER_STACK : 0;
	LLVMValueRef args[] = {g->ctx_arg, buf, cg_const(g, size), cg_const(g, (int64_t)flags)};
	LLVMValueRef rc = cg_helper(g, BPF_FUNC_get_stack, g->i64, args, 4);

	rc = LLVMBuildSExt(g->b, LLVMBuildTrunc(g->b, rc, g->i32, ""), g->i64, "");
	LLVMValueRef neg = LLVMBuildICmp(g->b, LLVMIntSLT, rc, cg_const(g, 0), "");
	rc = LLVMBuildSelect(g->b, neg, cg_const(g, 0), rc, "");
	return (struct cg_val){.v = LLVMBuildUDiv(g->b, rc, cg_const(g, 8), ""), .t = n->type};
}
