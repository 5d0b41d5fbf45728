// SPDX-License-Identifier: GPL-2.0
/*
 * percpu_kaddr("sym"[, cpu]): the variable is an extern in .ksyms with a
 * BTF type of the same shape as the kernel's; libbpf turns its address
 * into an ld_imm64 of the kernel's BTF id, which bpf_this_cpu_ptr() and
 * bpf_per_cpu_ptr() accept. The pointer is returned as a u64.
 */
#include "codegen/cg.h"

#include <bpf/btf.h>
#include <linux/bpf.h>
#include <string.h>

/* A debug type libbpf finds compatible with kernel type id: kinds must
 * match (names and members of structs do not), ints only by being ints. */
static LLVMMetadataRef di_like(struct cg *g, const struct btf *btf, uint32_t id, int depth)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	while (t && (btf_is_mod(t) || btf_is_typedef(t)))
		t = btf__type_by_id(btf, t->type);
	if (!t || btf_is_void(t) || depth > 8)
		return NULL;
	const char *name = btf__name_by_offset(btf, t->name_off);
	size_t len = name ? strlen(name) : 0;
	if (btf_is_int(t))
		return LLVMDIBuilderCreateBasicType(g->di, name, len, t->size * 8ull,
						    7 /* DW_ATE_unsigned */, LLVMDIFlagZero);
	if (btf_is_ptr(t))
		return LLVMDIBuilderCreatePointerType(g->di, di_like(g, btf, t->type, depth + 1),
						      64, 0, 0, "", 0);
	if (btf_is_array(t)) {
		const struct btf_array *a = btf_array(t);
		LLVMMetadataRef el = di_like(g, btf, a->type, depth + 1);
		LLVMMetadataRef sub = LLVMDIBuilderGetOrCreateSubrange(g->di, 0, a->nelems);
		return el ? LLVMDIBuilderCreateArrayType(g->di, 0, 8, el, &sub, 1) : NULL;
	}
	if (btf_is_enum(t)) /* no enumerators needed: libbpf matches the kind */
		return LLVMDIBuilderCreateEnumerationType(g->di, g->di_file, name, len, g->di_file,
							  0, t->size * 8ull, 32, NULL, 0,
							  g->di_int);
	if (btf_is_union(t))
		return LLVMDIBuilderCreateUnionType(g->di, g->di_file, name, len, g->di_file, 0,
						    t->size * 8ull, 8, LLVMDIFlagZero, NULL, 0, 0,
						    "", 0);
	/* structs, and anything else as an opaque struct (libbpf rejects a
	 * mismatch at load with the variable's name) */
	return LLVMDIBuilderCreateStructType(g->di, g->di_file, name, len, g->di_file, 0,
					     t->size * 8ull, 8, LLVMDIFlagZero, NULL, NULL, 0, 0,
					     NULL, "", 0);
}

static LLVMValueRef ksym_var(struct cg *g, const char *name, uint32_t var_id)
{
	LLVMValueRef gv = LLVMGetNamedGlobal(g->mod, name);
	const struct btf *btf = sema_vmlinux_btf();

	if (gv)
		return gv;
	gv = LLVMAddGlobal(g->mod, g->i8, name);
	LLVMSetLinkage(gv, LLVMExternalLinkage);
	LLVMSetSection(gv, ".ksyms");
	LLVMMetadataRef ty = di_like(g, btf, btf__type_by_id(btf, var_id)->type, 0);
	if (!ty)
		ty = g->di_int;
	LLVMMetadataRef expr = LLVMDIBuilderCreateExpression(g->di, NULL, 0);
	LLVMMetadataRef gve = LLVMDIBuilderCreateGlobalVariableExpression(
		g->di, g->di_cu, name, strlen(name), name, strlen(name), g->di_file, 0, ty, 0, expr,
		NULL, 8);
	LLVMGlobalSetMetadata(gv, LLVMGetMDKindIDInContext(g->ctx, "dbg", 3), gve);
	return gv;
}

struct cg_val cg_percpu_kaddr(struct cg *g, struct node *n)
{
	LLVMValueRef var = ksym_var(g, n->a->str, (uint32_t)n->ival);
	LLVMValueRef p;

	if (n->a->next) {
		LLVMValueRef args[] = {var, cg_expr(g, n->a->next).v};
		p = cg_helper(g, BPF_FUNC_per_cpu_ptr, g->ptr, args, 2);
	} else {
		p = cg_helper(g, BPF_FUNC_this_cpu_ptr, g->ptr, &var, 1);
	}
	return (struct cg_val){LLVMBuildPtrToInt(g->b, p, g->i64, "percpu"), n->type};
}
