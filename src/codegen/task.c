// SPDX-License-Identifier: GPL-2.0
/*
 * comm(pid): the name of another task. The kfunc bpf_task_from_pid()
 * (Linux 6.1) takes a reference on the task with that pid; its comm is
 * copied and bpf_task_release() drops the reference. A pid with no task
 * gives "[Unknown]", as in bpftrace.
 */
#include "codegen/cg.h"

#include <linux/bpf.h>
#include <string.h>

/* An extern kfunc: declared in .ksyms with a BTF prototype that libbpf
 * matches against the kernel's. dret NULL: returns void. */
static LLVMValueRef kfunc(struct cg *g, const char *name, LLVMTypeRef fty, LLVMMetadataRef dret,
			  LLVMMetadataRef darg)
{
	LLVMValueRef fn = LLVMGetNamedFunction(g->mod, name);

	if (fn)
		return fn;
	fn = LLVMAddFunction(g->mod, name, fty);
	LLVMSetLinkage(fn, LLVMExternalLinkage);
	LLVMSetSection(fn, ".ksyms");
	LLVMMetadataRef types[] = {dret, darg};
	LLVMMetadataRef sty = LLVMDIBuilderCreateSubroutineType(g->di, g->di_file, types, 2, 0);
	LLVMMetadataRef sp = LLVMDIBuilderCreateFunction(g->di, g->di_file, name, strlen(name),
							 name, strlen(name), g->di_file, 0, sty, 0,
							 0, 0, LLVMDIFlagPrototyped, 1);
	LLVMSetSubprogram(fn, sp);
	LLVMDIBuilderFinalizeSubprogram(g->di, sp);
	return fn;
}

/* struct task_struct * for the prototypes (libbpf compares kinds, not members). */
static LLVMMetadataRef di_task_ptr(struct cg *g)
{
	LLVMMetadataRef st =
		LLVMDIBuilderCreateStructType(g->di, g->di_file, "task_struct", 11, g->di_file, 0,
					      0, 0, LLVMDIFlagZero, NULL, NULL, 0, 0, NULL, "", 0);
	return LLVMDIBuilderCreatePointerType(g->di, st, 64, 0, 0, "", 0);
}

struct cg_val cg_comm_of_pid(struct cg *g, struct node *n)
{
	static const char unknown[] = "[Unknown]";
	LLVMValueRef pid = LLVMBuildTrunc(g->b, cg_expr(g, n->a).v, g->i32, "");
	LLVMMetadataRef tp = di_task_ptr(g);
	LLVMTypeRef from_ty = LLVMFunctionType(g->ptr, &g->i32, 1, 0);
	LLVMTypeRef rel_ty = LLVMFunctionType(g->vo, &g->ptr, 1, 0);
	LLVMValueRef from = kfunc(g, "bpf_task_from_pid", from_ty, tp, g->di_int);
	LLVMValueRef rel = kfunc(g, "bpf_task_release", rel_ty, NULL, tp);
	LLVMValueRef buf = cg_alloca(g, 16, "comm_of");

	for (uint32_t i = 0; i < 16; i++)
		cg_store_int(g, cg_gep(g, buf, i),
			     cg_const(g, i < sizeof(unknown) ? (unsigned char)unknown[i] : 0), 1);
	LLVMValueRef task = LLVMBuildCall2(g->b, from_ty, from, &pid, 1, "task");
	LLVMBasicBlockRef found = cg_block(g, "task_found"), done = cg_block(g, "task_done");
	LLVMBuildCondBr(g->b, LLVMBuildIsNull(g->b, task, ""), done, found);
	LLVMPositionBuilderAtEnd(g->b, found);
	LLVMValueRef args[] = {
		buf, LLVMConstInt(g->i32, 16, 0),
		LLVMBuildGEP2(g->b, g->i8, task, (LLVMValueRef[]){cg_const(g, n->ival)}, 1, "")};
	cg_helper(g, BPF_FUNC_probe_read_kernel, g->i64, args, 3);
	LLVMBuildCall2(g->b, rel_ty, rel, &task, 1, "");
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, done);
	return (struct cg_val){buf, n->type};
}
