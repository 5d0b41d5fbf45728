// SPDX-License-Identifier: GPL-2.0
/* Code for the functions of SEMA_FUNCS_MORE (see sema/funcs.c). */
#include "codegen/cg.h"

#include <arpa/inet.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>

static struct cg_val val(LLVMValueRef v, const struct type *t)
{
	struct cg_val r = {.v = v, .t = t};
	return r;
}

static LLVMValueRef byte_at(struct cg *g, struct cg_val s, uint32_t i)
{
	if (i >= s.t->size)
		return cg_const(g, 0);
	/* volatile: reload each byte where it is used, rather than keeping all live (spills) */
	LLVMValueRef l = LLVMBuildLoad2(g->b, g->i8, cg_gep(g, s.v, i), "");
	LLVMSetVolatile(l, 1);
	return LLVMBuildZExt(g->b, l, g->i64, "");
}

static LLVMValueRef is_zero(struct cg *g, LLVMValueRef v)
{
	return LLVMBuildICmp(g->b, LLVMIntEQ, v, cg_const(g, 0), "");
}

/*
 * The string helpers are loops, not unrolled code: strings are up to
 * max_strlen (1024) bytes, and the verifier bounds each loop by its
 * counter. A counter lives in a stack slot that mem2reg turns into a phi.
 */
struct sloop {
	LLVMValueRef i; /* slot */
	LLVMBasicBlockRef head, next;
};

/* for (i = from; i < lim; i++): leaves the builder in the body; `out` is the exit. */
static void sloop_begin(struct cg *g, struct sloop *l, LLVMValueRef from, LLVMValueRef lim,
			LLVMBasicBlockRef out)
{
	l->i = cg_alloca_stack(g, 8, "i");
	cg_store_int(g, l->i, from, 8);
	l->head = cg_block(g, "sloop");
	l->next = cg_block(g, "sloop_next");
	LLVMBuildBr(g->b, l->head);
	LLVMPositionBuilderAtEnd(g->b, l->head);
	LLVMValueRef i = cg_load_int(g, l->i, 8, false);
	LLVMBasicBlockRef body = cg_block(g, "sloop_body");
	LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntULT, i, lim, ""), body, out);
	LLVMPositionBuilderAtEnd(g->b, body);
}

static LLVMValueRef sloop_i(struct cg *g, struct sloop *l)
{
	return cg_load_int(g, l->i, 8, false);
}

/* End of the body: i++ and back to the head. */
static void sloop_end(struct cg *g, struct sloop *l)
{
	LLVMBuildBr(g->b, l->next);
	LLVMPositionBuilderAtEnd(g->b, l->next);
	cg_store_int(g, l->i, LLVMBuildAdd(g->b, sloop_i(g, l), cg_const(g, 1), ""), 8);
	LLVMBuildBr(g->b, l->head);
}

/* Byte i (an i64 known to be below the string's size) of s. */
static LLVMValueRef byte_var(struct cg *g, struct cg_val s, LLVMValueRef i)
{
	LLVMValueRef p = LLVMBuildGEP2(g->b, g->i8, s.v, &i, 1, "");
	return cg_load_int(g, p, 1, false);
}

/* Result slot plus the block every early exit jumps to. */
struct sres {
	LLVMValueRef slot;
	LLVMBasicBlockRef done;
};

static void sres_init(struct cg *g, struct sres *r, int64_t dflt)
{
	r->slot = cg_alloca_stack(g, 8, "res");
	cg_store_int(g, r->slot, cg_const(g, dflt), 8);
	r->done = cg_block(g, "str_done");
}

/* if (cond) { res = v; goto done; } */
static void sres_exit_if(struct cg *g, struct sres *r, LLVMValueRef cond, LLVMValueRef v)
{
	LLVMBasicBlockRef yes = cg_block(g, "str_exit"), no = cg_block(g, "str_cont");
	LLVMBuildCondBr(g->b, cond, yes, no);
	LLVMPositionBuilderAtEnd(g->b, yes);
	cg_store_int(g, r->slot, v, 8);
	LLVMBuildBr(g->b, r->done);
	LLVMPositionBuilderAtEnd(g->b, no);
}

static LLVMValueRef sres_end(struct cg *g, struct sres *r)
{
	LLVMPositionBuilderAtEnd(g->b, r->done);
	return cg_load_int(g, r->slot, 8, false);
}

/* Length up to the first NUL. */
static LLVMValueRef str_len(struct cg *g, struct cg_val s)
{
	struct sres r;
	struct sloop l;

	sres_init(g, &r, s.t->size);
	sloop_begin(g, &l, cg_const(g, 0), cg_const(g, s.t->size), r.done);
	LLVMValueRef i = sloop_i(g, &l);
	sres_exit_if(g, &r, is_zero(g, byte_var(g, s, i)), i);
	sloop_end(g, &l);
	return sres_end(g, &r);
}

/* strncmp(a, b, n): 0 when the first n characters (up to a NUL) match, else 1. */
static LLVMValueRef str_ncmp(struct cg *g, struct cg_val a, struct cg_val b, uint32_t n)
{
	uint32_t m = a.t->size < b.t->size ? a.t->size : b.t->size;
	struct sres r;
	struct sloop l;

	if (n < m)
		m = n;
	sres_init(g, &r, 0);
	LLVMBasicBlockRef after = cg_block(g, "ncmp_after");
	sloop_begin(g, &l, cg_const(g, 0), cg_const(g, m), after);
	LLVMValueRef i = sloop_i(g, &l);
	LLVMValueRef ca = byte_var(g, a, i), cb = byte_var(g, b, i);
	sres_exit_if(g, &r, LLVMBuildICmp(g->b, LLVMIntNE, ca, cb, ""), cg_const(g, 1));
	sres_exit_if(g, &r, is_zero(g, ca), cg_const(g, 0));
	sloop_end(g, &l);
	/* Equal so far: past the shorter string it reads as a NUL. */
	LLVMPositionBuilderAtEnd(g->b, after);
	if (m < n && a.t->size != b.t->size) {
		struct cg_val lng = a.t->size > b.t->size ? a : b;
		LLVMValueRef c = byte_at(g, lng, m);
		cg_store_int(g, r.slot,
			     LLVMBuildZExt(g->b,
					   LLVMBuildICmp(g->b, LLVMIntNE, c, cg_const(g, 0), ""),
					   g->i64, ""),
			     8);
	}
	LLVMBuildBr(g->b, r.done);
	return sres_end(g, &r);
}

/*
 * str_find for a literal needle: at each start the needle's bytes are
 * compared as constants without branches (xor, or), so the verifier sees
 * three branches per start rather than several per byte. A match ends
 * before the haystack's NUL, so starts stop at hay.size - (len + 1).
 */
static LLVMValueRef str_find_lit(struct cg *g, struct cg_val hay, const struct node *lit,
				 bool index)
{
	uint32_t len = (uint32_t)strnlen(lit->str, lit->len);
	struct sres r;
	struct sloop l;

	sres_init(g, &r, index ? -1 : 0);
	sloop_begin(g, &l, cg_const(g, 0), cg_const(g, hay.t->size - len), r.done);
	LLVMValueRef i = sloop_i(g, &l);
	LLVMValueRef diff = cg_const(g, 0);
	for (uint32_t j = 0; j < len; j++) {
		LLVMValueRef k = LLVMBuildAdd(g->b, i, cg_const(g, j), "");
		LLVMValueRef c = cg_const(g, (unsigned char)lit->str[j]);
		diff = LLVMBuildOr(g->b, diff, LLVMBuildXor(g->b, byte_var(g, hay, k), c, ""), "");
	}
	sres_exit_if(g, &r, is_zero(g, diff), index ? i : cg_const(g, 1));
	sres_exit_if(g, &r, is_zero(g, byte_var(g, hay, i)), cg_const(g, index ? -1 : 0));
	sloop_end(g, &l);
	return sres_end(g, &r);
}

/*
 * Index of the first occurrence of needle in hay, or -1; without `index`,
 * 1 or 0: constant results let the verifier prune the paths after a match.
 */
static LLVMValueRef str_find(struct cg *g, struct cg_val hay, struct cg_val needle, bool index)
{
	LLVMValueRef nlen = str_len(g, needle);
	LLVMValueRef nslot = cg_alloca_stack(g, 8, "nlen");
	struct sres r;
	struct sloop li, lj;

	cg_store_int(g, nslot, nlen, 8);
	sres_init(g, &r, index ? -1 : 0);
	sloop_begin(g, &li, cg_const(g, 0), cg_const(g, hay.t->size), r.done);
	LLVMValueRef i = sloop_i(g, &li);
	LLVMBasicBlockRef miss = cg_block(g, "find_miss"), all = cg_block(g, "find_all");
	sloop_begin(g, &lj, cg_const(g, 0), cg_const(g, needle.t->size), all);
	LLVMValueRef j = sloop_i(g, &lj);
	/* the whole needle matched at i */
	sres_exit_if(g, &r, LLVMBuildICmp(g->b, LLVMIntEQ, cg_load_int(g, nslot, 8, false), j, ""),
		     index ? i : cg_const(g, 1));
	LLVMValueRef k = LLVMBuildAdd(g->b, i, j, "");
	LLVMBasicBlockRef in = cg_block(g, "find_in");
	LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntULT, k, cg_const(g, hay.t->size), ""), in,
			miss);
	LLVMPositionBuilderAtEnd(g->b, in);
	LLVMValueRef ne =
		LLVMBuildICmp(g->b, LLVMIntNE, byte_var(g, hay, k), byte_var(g, needle, j), "");
	LLVMBasicBlockRef same = cg_block(g, "find_same");
	LLVMBuildCondBr(g->b, ne, miss, same);
	LLVMPositionBuilderAtEnd(g->b, same);
	sloop_end(g, &lj);
	/* the needle has no NUL and all of it matched */
	LLVMPositionBuilderAtEnd(g->b, all);
	cg_store_int(g, r.slot, index ? i : cg_const(g, 1), 8);
	LLVMBuildBr(g->b, r.done);
	LLVMPositionBuilderAtEnd(g->b, miss);
	/* the haystack ended: no later match */
	sres_exit_if(g, &r, is_zero(g, byte_var(g, hay, i)), cg_const(g, index ? -1 : 0));
	sloop_end(g, &li);
	return sres_end(g, &r);
}

static LLVMValueRef bswap(struct cg *g, LLVMValueRef v, uint32_t size)
{
	if (size == 1)
		return v;
	LLVMTypeRef ty = LLVMIntTypeInContext(g->ctx, size * 8);
	unsigned id = LLVMLookupIntrinsicID("llvm.bswap", 10);
	LLVMValueRef fn = LLVMGetIntrinsicDeclaration(g->mod, id, &ty, 1);
	LLVMValueRef arg = LLVMBuildTrunc(g->b, v, ty, "");
	LLVMValueRef r = LLVMBuildCall2(g->b, LLVMIntrinsicGetType(g->ctx, id, &ty, 1), fn, &arg, 1,
					"bswap");
	return LLVMBuildZExt(g->b, r, g->i64, "");
}

/* bpf_probe_read (the legacy helper reads kernel and user addresses on x86). */
static LLVMValueRef probe_read(struct cg *g, LLVMValueRef dst, LLVMValueRef len, LLVMValueRef addr)
{
	LLVMValueRef args[] = {dst, LLVMBuildTrunc(g->b, len, g->i32, ""),
			       LLVMBuildIntToPtr(g->b, addr, g->ptr, "")};
	return cg_helper(g, BPF_FUNC_probe_read, g->i64, args, 3);
}

static struct cg_val call_buf(struct cg *g, struct node *n)
{
	uint32_t cap = n->type->size - 4;
	LLVMValueRef out = cg_alloca(g, n->type->size, "buf");
	struct cg_val src = cg_expr(g, n->a);

	cg_memset0(g, out, n->type->size);
	if (src.t->kind == T_STRING) {
		uint32_t len = src.t->size < cap ? src.t->size : cap;
		cg_memcpy(g, cg_gep(g, out, 4), src.v, len);
		cg_store_int(g, out, cg_const(g, len), 4);
		return val(out, n->type);
	}
	LLVMValueRef len = cg_const(g, cap);
	if (n->a->next) {
		LLVMValueRef want = cg_expr(g, n->a->next).v;
		LLVMValueRef big = LLVMBuildICmp(g->b, LLVMIntUGT, want, len, "");
		len = LLVMBuildSelect(g->b, big, len, want, "");
	}
	cg_store_int(g, out, len, 4);
	probe_read(g, cg_gep(g, out, 4), len, src.v);
	return val(out, n->type);
}

static struct cg_val call_ntop(struct cg *g, struct node *n)
{
	LLVMValueRef out = cg_alloca(g, 24, "inet");
	struct node *an = n->a->next ? n->a->next : n->a;
	LLVMValueRef af = n->a->next ? cg_expr(g, n->a).v : NULL;
	struct cg_val a = cg_expr(g, an);

	cg_memset0(g, out, 24);
	if (a.t->kind == T_STRING || a.t->kind == T_ARRAY) {
		cg_memcpy(g, cg_gep(g, out, 8), a.v, a.t->size);
		if (!af)
			af = cg_const(g, a.t->size == 16 ? AF_INET6 : AF_INET);
	} else {
		cg_store_int(g, cg_gep(g, out, 8), a.v, a.t->size < 8 ? a.t->size : 8);
		if (!af)
			af = cg_const(g, AF_INET);
	}
	cg_store_int(g, out, af, 8);
	return val(out, n->type);
}

static struct cg_val call_pton(struct cg *g, struct node *n)
{
	unsigned char a[16] = {0};
	LLVMValueRef out = cg_alloca(g, n->type->size, "pton");

	if (inet_pton(n->type->size == 16 ? AF_INET6 : AF_INET, n->a->str, a) != 1)
		BUG("pton of %s", n->a->str);
	for (uint32_t i = 0; i < n->type->size; i++)
		cg_store_int(g, cg_gep(g, out, i), cg_const(g, a[i]), 1);
	return val(out, n->type);
}

/* Store an i64 into a fresh 8-byte slot: the value of a printable u64 type. */
static struct cg_val boxed(struct cg *g, struct node *n, LLVMValueRef v, uint32_t size)
{
	LLVMValueRef out = cg_alloca(g, size, "boxed");

	cg_memset0(g, out, size);
	cg_store_int(g, out, v, 8);
	return val(out, n->type);
}

/* An event whose arguments are the call's arguments after the first (printf-like). */
static void fmt_event(struct cg *g, struct node *n)
{
	struct event_desc *ev = prog_event(g->prog, n->id);
	struct cg_val vals[ev->nargs > 0 ? ev->nargs : 1];
	int i = 0;

	for (struct node *a = n->a->next; a && i < ev->nargs; a = a->next)
		vals[i++] = cg_expr(g, a);
	LLVMValueRef rec = cg_event_begin(g, ev->id, ev->size);
	for (i = 0; i < ev->nargs; i++)
		cg_store_as(g, cg_gep(g, rec, 8 + ev->args[i].offset), vals[i], ev->args[i].type);
	cg_event_end(g, rec);
}

static void call_join(struct cg *g, struct node *n)
{
	struct event_desc *ev = prog_event(g->prog, n->id);
	LLVMValueRef arr = cg_expr(g, n->a).v;
	LLVMValueRef slot = cg_alloca(g, 8, "join_ptr");
	LLVMValueRef rec = cg_event_begin(g, ev->id, ev->size);

	for (int64_t i = 0; i < ev->top; i++) {
		LLVMValueRef dst = cg_gep(g, rec, 8 + (uint32_t)(i * ev->div));
		cg_store_int(g, slot, cg_const(g, 0), 8);
		probe_read(g, slot, cg_const(g, 8),
			   LLVMBuildAdd(g->b, arr, cg_const(g, i * 8), ""));
		/* a failed read zeroes dst: an empty string ends the list */
		LLVMValueRef args[] = {
			dst, LLVMConstInt(g->i32, (unsigned long long)ev->div, 0),
			LLVMBuildIntToPtr(g->b, cg_load_int(g, slot, 8, false), g->ptr, "")};
		cg_helper(g, BPF_FUNC_probe_read_str, g->i64, args, 3);
	}
	cg_event_end(g, rec);
}

static void call_debugf(struct cg *g, struct node *n)
{
	struct node *fmt = n->a;
	uint32_t size = (uint32_t)fmt->len + 1;
	LLVMValueRef buf = cg_alloca(g, size, "debugf_fmt");
	LLVMValueRef args[5];
	unsigned na = 2;

	for (uint32_t i = 0; i < size; i++)
		cg_store_int(g, cg_gep(g, buf, i),
			     cg_const(g, i < fmt->len ? (unsigned char)fmt->str[i] : 0), 1);
	args[0] = buf;
	args[1] = LLVMConstInt(g->i32, size, 0);
	for (struct node *a = fmt->next; a && na < 5; a = a->next)
		args[na++] = cg_expr(g, a).v;
	cg_helper(g, BPF_FUNC_trace_printk, g->i64, args, na);
}

static void call_assert(struct cg *g, struct node *n)
{
	LLVMValueRef c = cg_cond(g, n->a);
	LLVMBasicBlockRef bad = cg_block(g, "assert_fail"), ok = cg_block(g, "assert_ok");

	LLVMBuildCondBr(g->b, c, ok, bad);
	LLVMPositionBuilderAtEnd(g->b, bad);
	LLVMValueRef rec = cg_event_begin(g, n->id, 0);
	cg_event_end(g, rec);
	LLVMBuildRet(g->b, cg_const(g, 0));
	LLVMPositionBuilderAtEnd(g->b, ok);
}

struct cg_val cg_call_more(struct cg *g, struct node *n)
{
	struct cg_val none = val(cg_const(g, 0), n->type);

	switch ((enum sema_func)n->op) {
	case F_COMM:
		return cg_comm_of_pid(g, n);
	case F_STRLEN:
		return val(str_len(g, cg_expr(g, n->a)), n->type);
	case F_STRNCMP: {
		struct cg_val a = cg_expr(g, n->a), b = cg_expr(g, n->a->next);
		return val(str_ncmp(g, a, b, (uint32_t)n->a->next->next->ival), n->type);
	}
	case F_STRCONTAINS:
	case F_STRSTR: {
		struct cg_val h = cg_expr(g, n->a);
		const struct node *lit = n->a->next;
		if (lit->kind == N_STRING && h.t->size > strnlen(lit->str, lit->len))
			return val(str_find_lit(g, h, lit, n->op != F_STRCONTAINS), n->type);
		struct cg_val nd = cg_expr(g, n->a->next);
		return val(str_find(g, h, nd, n->op != F_STRCONTAINS), n->type);
	}
	case F_BSWAP: {
		struct cg_val a = cg_expr(g, n->a);
		return val(bswap(g, a.v, a.t->size), n->type);
	}
	case F_PERCPU_KADDR:
		return cg_percpu_kaddr(g, n);
	case F_REG: /* sema: the register's offset in pt_regs */
		return val(cg_load_int(g, cg_gep(g, g->ctx_arg, (uint32_t)n->ival), 8, false),
			   n->type);
	case F_KADDR:
	case F_CGROUPID:
		return val(cg_const(g, n->ival), n->type);
	case F_PTON:
		return call_pton(g, n);
	case F_NTOP:
		return call_ntop(g, n);
	case F_MACADDR: {
		struct cg_val a = cg_expr(g, n->a);
		LLVMValueRef out = cg_alloca(g, 8, "mac");
		cg_memset0(g, out, 8);
		if (a.t->kind == T_STRING)
			cg_memcpy(g, out, a.v, 6);
		else
			probe_read(g, out, cg_const(g, 6), a.v);
		return val(out, n->type);
	}
	case F_BUF:
		return call_buf(g, n);
	case F_STRERROR:
	case F_CGROUP_PATH:
		return boxed(g, n, cg_expr(g, n->a).v, 8);
	case F_STRFTIME: {
		struct cg_val ns = cg_expr(g, n->a->next);
		struct cg_val r = boxed(g, n, ns.v, 16);
		cg_store_int(g, cg_gep(g, r.v, 8), cg_const(g, n->ival), 8);
		return r;
	}
	case F_HAS_KEY: {
		struct map_desc *md = n->a->sema;
		LLVMValueRef key = cg_alloca(g, md->key->size, "hk_key");
		cg_store_as(g, key, cg_expr(g, n->a->next), md->key);
		LLVMValueRef p = cg_map_lookup(g, g->map_globals[md->id], key);
		return val(LLVMBuildZExt(g->b, LLVMBuildIsNotNull(g->b, p, ""), g->i64, ""),
			   n->type);
	}
	case F_LEN:
		return cg_len(g, n);
	case F_UADDR: /* sema resolved the symbol */
		return val(cg_const(g, (int64_t)n->uval), n->type);
	case F_FIND:
		return cg_find(g, n);
	case F_SIGNAL: {
		LLVMValueRef sig = n->ival > 0 ? cg_const(g, n->ival) : cg_expr(g, n->a).v;
		LLVMValueRef args[] = {LLVMBuildTrunc(g->b, sig, g->i32, "")};
		cg_helper(g, BPF_FUNC_send_signal, g->i64, args, 1);
		return none;
	}
	case F_SYSTEM:
	case F_CAT:
	case F_ERRORF:
	case F_WARNF:
		fmt_event(g, n);
		return none;
	case F_JOIN:
		call_join(g, n);
		return none;
	case F_DEBUGF:
		call_debugf(g, n);
		return none;
	case F_ASSERT:
		call_assert(g, n);
		return none;
	case F_STATIC_ASSERT:
	case F_FAIL:
		return none;
	default:
		BUG("call %s in codegen", n->str);
	}
}
