// SPDX-License-Identifier: GPL-2.0
/*
 * Code run before a probe's predicate: contexts that codegen must build
 * itself (syscall tracepoints served by one raw tracepoint) and filters.
 */
#include <stdio.h>
#include <string.h>

#include <bpf/bpf.h>

#include "codegen/cg.h"
#include "probes/provider.h"
#include "prog/prog.h"
#include "sema/sema.h"

void cg_return_unless(struct cg *g, LLVMValueRef cond)
{
	LLVMBasicBlockRef yes = cg_block(g, "go"), no = cg_block(g, "skip");

	LLVMBuildCondBr(g->b, cond, yes, no);
	LLVMPositionBuilderAtEnd(g->b, no);
	LLVMBuildRet(g->b, cg_const(g, 0));
	LLVMPositionBuilderAtEnd(g->b, yes);
}

/* x86-64 struct pt_regs offsets of the syscall argument registers. */
enum {
	PT_R10 = 56,
	PT_R9 = 64,
	PT_R8 = 72,
	PT_AX = 80,
	PT_CX = 88,
	PT_DX = 96,
	PT_SI = 104,
	PT_DI = 112,
	PT_ORIG_AX = 120,
};

/*
 * raw_tp sys_enter(regs, id) / sys_exit(regs, ret): look the syscall up
 * in the program's nr -> cookie map, then lay out the record exactly as
 * the syscalls:sys_{enter,exit}_* tracepoint would: __syscall_nr at 8,
 * then the six arguments (or ret) as u64 from 16.
 */
static void syscall_prologue(struct cg *g, bool exit)
{
	char name[64];
	LLVMValueRef regs = cg_load_int(g, cg_gep(g, g->ctx_arg, 0), 8, false);
	LLVMValueRef nr, key, slot, c, rec;

	snprintf(name, sizeof(name), PROG_SYSCALL_MAP_FMT, g->pd->func_name);
	LLVMValueRef map = LLVMGetNamedGlobal(g->mod, name); /* loop callbacks reuse it */

	if (!map)
		map = cg_define_map(g, name, BPF_MAP_TYPE_ARRAY, PROG_SYSCALL_MAX, 4, 8);

	if (exit) {
		LLVMValueRef buf = cg_alloca(g, 8, "orig_ax");
		LLVMValueRef args[] = {
			buf, cg_const(g, 8),
			LLVMBuildIntToPtr(g->b,
					  LLVMBuildAdd(g->b, regs, cg_const(g, PT_ORIG_AX), ""),
					  g->ptr, "")};
		cg_helper(g, BPF_FUNC_probe_read_kernel, g->i64, args, 3);
		nr = cg_load_int(g, buf, 8, false);
	} else {
		nr = cg_load_int(g, cg_gep(g, g->ctx_arg, 8), 8, false);
	}
	cg_return_unless(g, LLVMBuildICmp(g->b, LLVMIntULT, nr, cg_const(g, PROG_SYSCALL_MAX), ""));
	key = cg_alloca(g, 4, "sc_key");
	cg_store_int(g, key, nr, 4);
	slot = cg_map_lookup(g, map, key);
	cg_return_unless(g, LLVMBuildIsNotNull(g->b, slot, ""));
	c = LLVMBuildLoad2(g->b, g->i64, slot, "");
	cg_return_unless(g, LLVMBuildICmp(g->b, LLVMIntNE, c, cg_const(g, 0), ""));
	g->cookie = LLVMBuildSub(g->b, c, cg_const(g, 1), "cookie");

	rec = cg_alloca(g, 64, "sc_rec");
	cg_memset0(g, rec, 64);
	cg_store_int(g, cg_gep(g, rec, 8), nr, 4);
	if (exit) {
		cg_store_int(g, cg_gep(g, rec, 16),
			     cg_load_int(g, cg_gep(g, g->ctx_arg, 8), 8, false), 8);
	} else {
		static const uint32_t regoff[] = {PT_DI, PT_SI, PT_DX, PT_R10, PT_R8, PT_R9};
		LLVMValueRef buf = cg_alloca(g, PT_ORIG_AX - PT_R10, "sc_regs");
		LLVMValueRef args[] = {
			buf, cg_const(g, PT_ORIG_AX - PT_R10),
			LLVMBuildIntToPtr(g->b, LLVMBuildAdd(g->b, regs, cg_const(g, PT_R10), ""),
					  g->ptr, "")};
		cg_helper(g, BPF_FUNC_probe_read_kernel, g->i64, args, 3);
		for (unsigned i = 0; i < 6; i++)
			cg_store_int(g, cg_gep(g, rec, 16 + 8 * i),
				     cg_load_int(g, cg_gep(g, buf, regoff[i] - PT_R10), 8, false),
				     8);
	}
	g->args_base = rec;
}

LLVMValueRef cg_regs_builtin(struct cg *g, int b)
{
	/* x86-64 SysV: arguments in di, si, dx, cx, r8, r9; the result in ax. */
	static const uint32_t argoff[] = {PT_DI, PT_SI, PT_DX, PT_CX, PT_R8, PT_R9};
	uint32_t off = b == B_RETVAL ? PT_AX : argoff[b - B_ARG0];

	if (g->pd->ctx_kind == PROG_CTX_USDT)
		return cg_usdt_arg(g, b - B_ARG0);
	if (b == B_RETVAL && g->pd->section && !strncmp(g->pd->section, "fexit/", 6)) {
		/* fexit: the slot after the arguments (fe_expand keeps its offset). */
		const struct attach_target *t = g->pd->targets.v[0];

		return cg_load_int(g, cg_gep(g, g->ctx_arg, (uint32_t)t->offset), 8, false);
	}
	if (g->pd->prov && g->pd->prov->ctx_regs == PROVIDER_REGS_RAW_ARGS)
		return cg_load_int(g, cg_gep(g, g->ctx_arg, 8 * (uint32_t)(b - B_ARG0)), 8, false);

	return cg_load_int(g, cg_gep(g, g->ctx_arg, off), 8, false);
}

/*
 * -p/-c: every probe but BEGIN/END fires only in the target process, as in
 * bpftrace. Uprobes and usdt need no check: the kernel filters them.
 * interval probes are timers with no process of their own: they stay
 * unfiltered (bpftrace filters them too, so `interval:s:1 { exit(); }`
 * never fires there: its issue 4497).
 */
static void pid_filter(struct cg *g)
{
	const char *sec = g->pd->section;
	LLVMValueRef tgid;

	if (!g->prog->target_pid || g->pd->is_begin || g->pd->is_end || !sec ||
	    !strcmp(sec, "uprobe") || !strcmp(sec, "uretprobe") || !strcmp(sec, "usdt") ||
	    (g->pd->prov && !strcmp(g->pd->prov->name, "interval")))
		return;
	tgid = LLVMBuildLShr(g->b, cg_helper(g, BPF_FUNC_get_current_pid_tgid, g->i64, NULL, 0),
			     cg_const(g, 32), "tgid");
	cg_return_unless(
		g, LLVMBuildICmp(g->b, LLVMIntEQ, tgid, cg_const(g, g->prog->target_pid), ""));
}

void cg_prologue(struct cg *g)
{
	pid_filter(g);
	switch (g->pd->ctx_kind) {
	case PROG_CTX_SYSCALL_ENTER:
		syscall_prologue(g, false);
		break;
	case PROG_CTX_SYSCALL_EXIT:
		syscall_prologue(g, true);
		break;
	case PROG_CTX_ITER:
		/* The walk's end: one last call with no task. */
		cg_return_unless(g,
				 LLVMBuildICmp(g->b, LLVMIntNE,
					       cg_load_int(g, cg_gep(g, g->ctx_arg, 8), 8, false),
					       cg_const(g, 0), ""));
		break;
	default:
		break;
	}
}

void cg_prologue_callback(struct cg *g)
{
	if (g->pd->ctx_kind == PROG_CTX_SYSCALL_ENTER || g->pd->ctx_kind == PROG_CTX_SYSCALL_EXIT)
		syscall_prologue(g, g->pd->ctx_kind == PROG_CTX_SYSCALL_EXIT);
}
