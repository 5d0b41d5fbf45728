// SPDX-License-Identifier: GPL-2.0
/*
 * C memory: p->f, p.f on pointers, *p, &p->f, p[i], arr[i] and pointer
 * arithmetic. A chain of field accesses only computes an address; memory
 * is read once, at the end, and just the bytes of the value wanted
 * (bpf_probe_read_kernel, or _user for user pointers). Structs already
 * in BPF memory (a variable holding *p) are read in place.
 */
#include "codegen/cg.h"

#include <linux/bpf.h>

/* Where a C lvalue lives: an i64 address in kernel/user memory (kern), or
 * a pointer into BPF stack memory. */
struct place {
	LLVMValueRef addr;
	bool kern;
	bool user;
};

static struct place place_of(struct cg *g, struct node *n);

static struct place offset(struct cg *g, struct place p, LLVMValueRef off)
{
	if (p.kern)
		p.addr = LLVMBuildAdd(g->b, p.addr, off, "");
	else
		p.addr = LLVMBuildGEP2(g->b, g->i8, p.addr, &off, 1, "");
	return p;
}

static struct place pointer_place(struct cg *g, struct node *ptr)
{
	struct cg_val v = cg_expr(g, ptr);
	struct place p = {.addr = v.v, .kern = true, .user = ptr->type->user};
	return p;
}

static LLVMValueRef index_offset(struct cg *g, struct node *n)
{
	const struct type *el = n->a->type->elem;
	struct cg_val i = cg_expr(g, n->b);
	return LLVMBuildMul(g->b, i.v, cg_const(g, el ? el->size : 1), "");
}

static struct place place_of(struct cg *g, struct node *n)
{
	const struct type *at = n->a ? n->a->type : NULL;

	if (n->kind == N_UNOP && n->op == '*')
		return pointer_place(g, n->a);
	if (n->kind == N_FIELD && n->op == SEMA_CFIELD) {
		struct place base = at->kind == T_PTR ? pointer_place(g, n->a) : place_of(g, n->a);
		return offset(g, base, cg_const(g, n->ival));
	}
	if (n->kind == N_INDEX && (at->kind == T_PTR || at->kind == T_ARRAY)) {
		struct place base = at->kind == T_PTR ? pointer_place(g, n->a) : place_of(g, n->a);
		return offset(g, base, index_offset(g, n));
	}
	struct cg_val v = cg_expr(g, n);
	struct place p = {.addr = v.v};
	return p;
}

/* Copy size bytes of C memory at p into dst. */
static void read_into(struct cg *g, LLVMValueRef dst, struct place p, uint32_t size,
		      const struct node *n)
{
	if (!p.kern) {
		cg_memcpy(g, dst, p.addr, size);
		return;
	}
	LLVMValueRef src = LLVMBuildIntToPtr(g->b, p.addr, g->ptr, "");
	LLVMValueRef args[] = {dst, cg_const(g, size), src};
	int helper = p.user ? BPF_FUNC_probe_read_user : BPF_FUNC_probe_read_kernel;
	cg_helper_check(g, cg_helper(g, helper, g->i64, args, 3), helper, &n->loc);
}

static struct cg_val bitfield(struct cg *g, struct place p, const struct node *n)
{
	const struct type_field *f = n->sema;
	const struct type *t = n->type;
	uint32_t nbytes = (f->bit_off + f->bit_size + 7u) / 8u;
	LLVMValueRef buf = cg_alloca(g, 8, "bits");
	struct cg_val r = {.t = t};

	cg_store_int(g, buf, cg_const(g, 0), 8);
	read_into(g, buf, p, nbytes > 8 ? 8 : nbytes, n);
	LLVMValueRef v = cg_load_int(g, buf, 8, false);
	/* move the field to the top bits, then back down with the right extension */
	unsigned top = 64u - f->bit_off - f->bit_size;
	v = LLVMBuildShl(g->b, v, cg_const(g, top), "");
	bool sig = t->kind == T_INT && t->is_signed;
	LLVMValueRef sh = cg_const(g, 64 - f->bit_size);
	r.v = sig ? LLVMBuildAShr(g->b, v, sh, "") : LLVMBuildLShr(g->b, v, sh, "");
	return r;
}

/* Largest C value sonde copies onto the 512-byte BPF stack. */
#define C_VALUE_MAX 256

static struct cg_val read_value(struct cg *g, struct node *n, struct place p)
{
	const struct type *t = n->type;

	if (n->kind == N_FIELD && ((const struct type_field *)n->sema)->bit_size)
		return bitfield(g, p, n);
	if (!p.kern)
		return cg_load_as(g, p.addr, t);
	if (t->size > C_VALUE_MAX) {
		diag_error_hint(g->d, &n->loc, "read a field of it instead",
				"reading a %s (%u bytes) as a whole is not supported yet",
				type_str(t), t->size);
		struct cg_val z = {.v = cg_alloca(g, 8, "big"), .t = t};
		return z;
	}
	LLVMValueRef buf = cg_alloca(g, t->size ? t->size : 1, "cval");
	read_into(g, buf, p, t->size ? t->size : 1, n);
	return cg_load_as(g, buf, t);
}

/* A loop callback may not store a pointer to its caller's stack (where the
 * probe's variables are) in that stack: copied by a helper, the address
 * becomes a plain number to the verifier. */
static LLVMValueRef launder(struct cg *g, LLVMValueRef ptr)
{
	LLVMValueRef slot = cg_alloca_stack(g, 8, "addr"), out = cg_alloca_stack(g, 8, "addr_n");
	LLVMBuildStore(g->b, ptr, slot);
	LLVMValueRef args[] = {out, LLVMConstInt(g->i32, 8, 0), slot};
	cg_helper(g, BPF_FUNC_probe_read_kernel, g->i64, args, 3);
	return LLVMBuildLoad2(g->b, g->i64, out, "");
}

struct cg_val cg_c_expr(struct cg *g, struct node *n)
{
	if (n->kind == N_UNOP && n->op == '&' && n->a->kind == N_VAR) {
		struct sema_var *v = n->a->sema;
		struct cg_val r = {LLVMBuildPtrToInt(g->b, g->vars[v->index], g->i64, ""), n->type};
		if (g->in_callback)
			r.v = launder(g, g->vars[v->index]);
		return r;
	}
	if (n->kind == N_UNOP && n->op == '&' && n->a->kind == N_MAP) {
		struct map_desc *md = n->a->sema;
		LLVMValueRef key = cg_map_key(g, n->a, 0);
		LLVMValueRef p = cg_map_lookup(g, g->map_globals[md->id], key);
		struct cg_val r = {LLVMBuildPtrToInt(g->b, p, g->i64, ""), n->type};
		return r;
	}
	if (n->kind == N_UNOP && n->op == '&') {
		struct place p = place_of(g, n->a);
		struct cg_val v = {.v = p.addr, .t = n->type};
		return v;
	}
	return read_value(g, n, place_of(g, n));
}

struct cg_val cg_ptr_arith(struct cg *g, struct node *n)
{
	struct cg_val a = cg_expr(g, n->a), b = cg_expr(g, n->b);
	bool pa = a.t->kind == T_PTR;
	const struct type *el = n->type->elem;
	uint32_t scale = el && el->size ? el->size : 1;
	LLVMValueRef off = LLVMBuildMul(g->b, pa ? b.v : a.v, cg_const(g, scale), "");
	struct cg_val r = {.t = n->type};

	if (n->op == '-')
		r.v = LLVMBuildSub(g->b, a.v, off, "");
	else
		r.v = LLVMBuildAdd(g->b, pa ? a.v : b.v, off, "");
	return r;
}
