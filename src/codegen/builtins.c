// SPDX-License-Identifier: GPL-2.0
/* Code for the builtins of SEMA_BUILTINS_MORE (see sema/builtins.c). */
#include "codegen/cg.h"

#include <linux/bpf.h>
#include <string.h>
#include <time.h>

static struct cg_val val(LLVMValueRef v, const struct type *t)
{
	struct cg_val r = {.v = v, .t = t};
	return r;
}

/* bpf_probe_read_kernel(dst, size, src + off) from an i64 kernel address. */
static void read_kernel(struct cg *g, LLVMValueRef dst, uint32_t size, LLVMValueRef addr,
			uint32_t off)
{
	LLVMValueRef src = LLVMBuildAdd(g->b, addr, cg_const(g, off), "");
	LLVMValueRef args[] = {dst, LLVMConstInt(g->i32, size, 0),
			       LLVMBuildIntToPtr(g->b, src, g->ptr, "")};
	cg_helper(g, BPF_FUNC_probe_read_kernel, g->i64, args, 3);
}

/* current->real_parent, as an i64 address. */
static LLVMValueRef parent_task(struct cg *g, uint32_t off)
{
	LLVMValueRef task = cg_helper(g, BPF_FUNC_get_current_task, g->i64, NULL, 0);
	LLVMValueRef slot = cg_alloca(g, 8, "parent");

	cg_store_int(g, slot, cg_const(g, 0), 8);
	read_kernel(g, slot, 8, task, off);
	return cg_load_int(g, slot, 8, false);
}

static struct cg_val string_const(struct cg *g, const char *s, const struct type *t)
{
	LLVMValueRef buf = cg_alloca(g, t->size, "strc");
	size_t len = strlen(s);

	for (uint32_t i = 0; i < t->size; i++)
		cg_store_int(g, cg_gep(g, buf, i), cg_const(g, i < len ? (unsigned char)s[i] : 0),
			     1);
	return val(buf, t);
}

static int64_t clock_offset(clockid_t to)
{
	struct timespec a, b;

	clock_gettime(to, &a);
	clock_gettime(CLOCK_BOOTTIME, &b);
	return ((int64_t)a.tv_sec - b.tv_sec) * 1000000000ll + (a.tv_nsec - b.tv_nsec);
}

struct cg_val cg_builtin_more(struct cg *g, struct node *n)
{
	uint32_t hi = (uint32_t)((uint64_t)n->ival >> 32), lo = (uint32_t)n->ival;

	switch ((enum sema_builtin)n->op) {
	case B_PPID: {
		LLVMValueRef p = parent_task(g, hi);
		LLVMValueRef slot = cg_alloca(g, 8, "ppid");
		cg_store_int(g, slot, cg_const(g, 0), 8);
		read_kernel(g, slot, 4, p, lo);
		return val(cg_load_int(g, slot, 4, false), n->type);
	}
	case B_PCOMM: {
		LLVMValueRef p = parent_task(g, hi);
		LLVMValueRef buf = cg_alloca(g, 16, "pcomm");
		cg_memset0(g, buf, 16);
		read_kernel(g, buf, 16, p, lo);
		return val(buf, n->type);
	}
	case B_CURTASK:
		return val(cg_helper(g, BPF_FUNC_get_current_task, g->i64, NULL, 0), n->type);
	case B_JIFFIES:
		return val(cg_helper(g, BPF_FUNC_jiffies64, g->i64, NULL, 0), n->type);
	case B_NCPUS:
	case B_CPID:
		return val(cg_const(g, n->ival), n->type);
	case B_NUMAID:
		return val(cg_helper(g, BPF_FUNC_get_numa_node_id, g->i64, NULL, 0), n->type);
	case B_USERMODE: {
		if (g->pd && (g->pd->is_begin || g->pd->is_end))
			return val(cg_const(g, 1), n->type);
		/* x86-64 pt_regs.cs (slot 17): user mode when the RPL bits are 3. */
		LLVMValueRef cs = cg_load_int(g, cg_gep(g, g->ctx_arg, 17 * 8), 8, false);
		LLVMSetVolatile(cs, 1); /* keep the 8-byte context access the verifier wants */
		LLVMSetAlignment(cs, 8);
		LLVMValueRef rpl = LLVMBuildAnd(g->b, cs, cg_const(g, 3), "");
		LLVMValueRef um = LLVMBuildICmp(g->b, LLVMIntEQ, rpl, cg_const(g, 3), "");
		return val(LLVMBuildZExt(g->b, um, g->i64, "usermode"), n->type);
	}
	case B_USERNAME: {
		LLVMValueRef v = cg_helper(g, BPF_FUNC_get_current_uid_gid, g->i64, NULL, 0);
		LLVMValueRef buf = cg_alloca(g, 8, "username");
		cg_store_int(g, buf, LLVMBuildAnd(g->b, v, cg_const(g, 0xffffffff), ""), 8);
		return val(buf, n->type);
	}
	case B_PROBETYPE:
		return string_const(g, n->str2, n->type);
	case B_CTX:
		return val(LLVMBuildPtrToInt(g->b, g->ctx_arg, g->i64, "ctx"), n->type);
	case B_NSECS_CLOCK:
		switch ((enum sema_clock)n->ival) {
		case CLOCK_MONO_NS:
			return val(cg_helper(g, BPF_FUNC_ktime_get_ns, g->i64, NULL, 0), n->type);
		case CLOCK_TAI_NS:
			return val(cg_helper(g, BPF_FUNC_ktime_get_tai_ns, g->i64, NULL, 0),
				   n->type);
		case CLOCK_SW_TAI_NS: {
			/* boot clock plus the TAI offset measured now, as bpftrace does */
			LLVMValueRef b = cg_helper(g, BPF_FUNC_ktime_get_boot_ns, g->i64, NULL, 0);
			return val(LLVMBuildAdd(g->b, b, cg_const(g, clock_offset(CLOCK_TAI)), ""),
				   n->type);
		}
		default:
			return val(cg_helper(g, BPF_FUNC_ktime_get_boot_ns, g->i64, NULL, 0),
				   n->type);
		}
	default:
		BUG("builtin %s in codegen", n->str);
	}
}
