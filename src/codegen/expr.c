// SPDX-License-Identifier: GPL-2.0
/* Expressions: one cg_val per node, following the typed AST. */
#include "codegen/cg.h"
#include "probes/provider.h"

#include <linux/bpf.h>
#include <string.h>

static struct cg_val scalar(LLVMValueRef v, const struct type *t)
{
	struct cg_val r = {.v = v, .t = t};
	return r;
}

static bool in_memory(const struct type *t)
{
	return t->kind == T_STRING || t->kind == T_TUPLE || t->kind == T_AGG ||
	       t->kind == T_BUFFER || t->kind == T_RECORD || t->kind == T_ARRAY;
}

static struct cg_val string_lit(struct cg *g, struct node *n)
{
	uint32_t size = n->type->size;
	LLVMValueRef buf = cg_alloca(g, size, "str");

	/* Store the bytes in 8-byte chunks: no global data needed. */
	for (uint32_t off = 0; off < size; off += 8) {
		uint64_t chunk = 0;
		uint32_t take = size - off < 8 ? size - off : 8;
		for (uint32_t i = 0; i < take; i++) {
			unsigned char c = off + i < n->len ? (unsigned char)n->str[off + i] : 0;
			chunk |= (uint64_t)c << (8 * i);
		}
		cg_store_int(g, cg_gep(g, buf, off), cg_const(g, (int64_t)chunk),
			     take == 8	 ? 8
			     : take >= 4 ? 4
			     : take >= 2 ? 2
					 : 1);
		if (take != 8 && take != 4 && take != 2 && take != 1) {
			/* odd tail: store byte by byte */
			for (uint32_t i = 0; i < take; i++)
				cg_store_int(g, cg_gep(g, buf, off + i),
					     cg_const(g, (int64_t)((chunk >> (8 * i)) & 0xff)), 1);
		}
	}
	return scalar(buf, n->type);
}

LLVMValueRef cg_cond(struct cg *g, struct node *n)
{
	struct cg_val v = cg_expr(g, n);
	return LLVMBuildICmp(g->b, LLVMIntNE, v.v, cg_const(g, 0), "cond");
}

LLVMValueRef cg_map_key(struct cg *g, struct node *map, uint32_t extra)
{
	struct map_desc *md = map->sema;
	uint32_t ksize = md->key ? md->key->size : 8;
	LLVMValueRef key = cg_alloca(g, ksize + extra, "key");

	if (!md->key) {
		cg_store_int(g, key, cg_const(g, 0), 8);
		return key;
	}
	struct cg_val k = cg_expr(g, map->a);
	cg_store_as(g, key, k, md->key);
	return key;
}

static LLVMValueRef map_global(struct cg *g, struct node *map)
{
	return g->map_globals[((struct map_desc *)map->sema)->id];
}

/* Read @m[k]: the value, or zero when the key is absent. */
static struct cg_val map_read(struct cg *g, struct node *n)
{
	struct map_desc *md = n->sema;
	LLVMValueRef key = cg_map_key(g, n, 0);
	LLVMValueRef p = cg_map_lookup(g, map_global(g, n), key);
	LLVMValueRef buf = cg_alloca(g, md->value_size, "mapval");

	cg_lookup_check(g, p, &n->loc);
	cg_memset0(g, buf, md->value_size);
	LLVMBasicBlockRef hit = cg_block(g, "map_hit"), done = cg_block(g, "map_done");
	LLVMBuildCondBr(g->b, LLVMBuildIsNull(g->b, p, ""), done, hit);
	LLVMPositionBuilderAtEnd(g->b, hit);
	cg_memcpy(g, buf, p, md->value_size);
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, done);
	return cg_load_as(g, buf, md->value);
}

static struct cg_val builtin(struct cg *g, struct node *n)
{
	LLVMValueRef v;

	switch ((enum sema_builtin)n->op) {
	case B_PID:
	case B_TID:
		v = cg_helper(g, BPF_FUNC_get_current_pid_tgid, g->i64, NULL, 0);
		if (n->op == B_PID)
			v = LLVMBuildLShr(g->b, v, cg_const(g, 32), "pid");
		else
			v = LLVMBuildAnd(g->b, v, cg_const(g, 0xffffffff), "tid");
		return scalar(v, n->type);
	case B_UID:
	case B_GID:
		v = cg_helper(g, BPF_FUNC_get_current_uid_gid, g->i64, NULL, 0);
		if (n->op == B_GID)
			v = LLVMBuildLShr(g->b, v, cg_const(g, 32), "gid");
		else
			v = LLVMBuildAnd(g->b, v, cg_const(g, 0xffffffff), "uid");
		return scalar(v, n->type);
	case B_COMM: {
		LLVMValueRef buf = cg_alloca(g, 16, "comm");
		LLVMValueRef args[] = {buf, cg_const(g, 16)};
		cg_memset0(g, buf, 16);
		cg_helper(g, BPF_FUNC_get_current_comm, g->i64, args, 2);
		return scalar(buf, n->type);
	}
	case B_NSECS:
		return scalar(cg_helper(g, BPF_FUNC_ktime_get_boot_ns, g->i64, NULL, 0), n->type);
	case B_ELAPSED: {
		LLVMValueRef now = cg_helper(g, BPF_FUNC_ktime_get_boot_ns, g->i64, NULL, 0);
		LLVMValueRef key = cg_alloca(g, 4, "cfg_key");
		cg_store_int(g, key, cg_const(g, 0), 4);
		LLVMValueRef p = cg_map_lookup(g, g->cfg, key);
		LLVMBasicBlockRef hit = cg_block(g, "cfg_hit"), done = cg_block(g, "cfg_done");
		LLVMBasicBlockRef from = LLVMGetInsertBlock(g->b);
		LLVMBuildCondBr(g->b, LLVMBuildIsNull(g->b, p, ""), done, hit);
		LLVMPositionBuilderAtEnd(g->b, hit);
		LLVMValueRef start = cg_load_int(g, p, 8, false);
		LLVMValueRef d = LLVMBuildSub(g->b, now, start, "elapsed");
		LLVMBuildBr(g->b, done);
		LLVMPositionBuilderAtEnd(g->b, done);
		LLVMValueRef phi = LLVMBuildPhi(g->b, g->i64, "");
		LLVMValueRef vals[] = {now, d};
		LLVMBasicBlockRef bbs[] = {from, hit};
		LLVMAddIncoming(phi, vals, bbs, 2);
		return scalar(phi, n->type);
	}
	case B_CPU:
		return scalar(cg_helper(g, BPF_FUNC_get_smp_processor_id, g->i64, NULL, 0),
			      n->type);
	case B_CGROUP:
		return scalar(cg_helper(g, BPF_FUNC_get_current_cgroup_id, g->i64, NULL, 0),
			      n->type);
	case B_RAND:
		v = cg_helper(g, BPF_FUNC_get_prandom_u32, g->i64, NULL, 0);
		return scalar(LLVMBuildAnd(g->b, v, cg_const(g, 0xffffffff), ""), n->type);
	case B_PROBE:
	case B_FUNC:
		/* The cookie: probe name index, and the function's in the high half. */
		if (g->cookie) {
			v = g->cookie;
		} else if (g->pd->targets.n == 1) {
			struct attach_target *t = g->pd->targets.v[0];
			v = cg_const(g, (int64_t)t->cookie);
		} else {
			LLVMValueRef args[] = {g->ctx_arg};
			v = cg_helper(g, BPF_FUNC_get_attach_cookie, g->i64, args, 1);
		}
		if (n->op == B_FUNC)
			return scalar(LLVMBuildLShr(g->b, v, cg_const(g, 32), ""), n->type);
		return scalar(LLVMBuildAnd(g->b, v, cg_const(g, 0xffffffff), ""), n->type);
	case B_ARG0:
	case B_ARG1:
	case B_ARG2:
	case B_ARG3:
	case B_ARG4:
	case B_ARG5:
		return scalar(cg_regs_builtin(g, n->op), n->type);
	case B_RETVAL: {
		LLVMValueRef rv = cg_regs_builtin(g, n->op);
		unsigned bits = 8 * n->type->size;

		/* fexit: a retval typed narrower than its slot is its low bytes. */
		if (n->type->kind == T_INT && bits < 64) {
			rv = LLVMBuildTrunc(g->b, rv, LLVMIntTypeInContext(g->ctx, bits), "");
			rv = n->type->is_signed ? LLVMBuildSExt(g->b, rv, g->i64, "")
						: LLVMBuildZExt(g->b, rv, g->i64, "");
		}
		return scalar(rv, n->type);
	}
	case B_KSTACK:
	case B_USTACK:
		return cg_stack_value(g, n);
	default:
		return cg_builtin_more(g, n);
	}
}

static struct cg_val args_field(struct cg *g, struct node *n)
{
	struct arg_field *f = n->sema;
	LLVMValueRef rec = g->args_base ? g->args_base : g->ctx_arg;
	LLVMValueRef p = cg_gep(g, rec, f->offset);

	switch (f->kind) {
	case ARGF_INT:
		return scalar(cg_load_int(g, p, f->size, f->is_signed), n->type);
	case ARGF_PTR:
		return scalar(cg_load_int(g, p, 8, false), n->type);
	case ARGF_DATA_LOC: {
		/* u32: high 16 bits length, low 16 bits offset from the record start */
		LLVMValueRef loc = cg_load_int(g, p, 4, false);
		LLVMValueRef off = LLVMBuildAnd(g->b, loc, cg_const(g, 0xffff), "");
		LLVMValueRef base = LLVMBuildPtrToInt(g->b, rec, g->i64, "");
		return scalar(LLVMBuildAdd(g->b, base, off, "data_loc"), n->type);
	}
	case ARGF_CHARS: {
		LLVMValueRef buf = cg_alloca(g, n->type->size, "chars");
		LLVMValueRef args[] = {buf, cg_const(g, n->type->size), p};
		LLVMValueRef rc = cg_helper(g, BPF_FUNC_probe_read_kernel, g->i64, args, 3);
		cg_helper_check(g, rc, BPF_FUNC_probe_read_kernel, &n->loc);
		return scalar(buf, n->type);
	}
	default:
		BUG("args field kind");
	}
}

/* Compare two strings up to their NULs (==). Returns i1. */
static LLVMValueRef str_eq(struct cg *g, struct cg_val a, struct cg_val b)
{
	uint32_t n = a.t->size < b.t->size ? a.t->size : b.t->size;
	LLVMBasicBlockRef done = cg_block(g, "streq_done");
	LLVMBasicBlockRef from[1024 + 2];
	LLVMValueRef vals[1024 + 2];
	unsigned nin = 0;

	for (uint32_t i = 0; i < n && i < 1024; i++) {
		LLVMValueRef ca = cg_load_int(g, cg_gep(g, a.v, i), 1, false);
		LLVMValueRef cb = cg_load_int(g, cg_gep(g, b.v, i), 1, false);
		LLVMValueRef ne = LLVMBuildICmp(g->b, LLVMIntNE, ca, cb, "");
		LLVMBasicBlockRef same = cg_block(g, "streq_same");
		from[nin] = LLVMGetInsertBlock(g->b);
		vals[nin++] = LLVMConstInt(LLVMInt1TypeInContext(g->ctx), 0, 0);
		LLVMBuildCondBr(g->b, ne, done, same);
		LLVMPositionBuilderAtEnd(g->b, same);
		LLVMValueRef z = LLVMBuildICmp(g->b, LLVMIntEQ, ca, cg_const(g, 0), "");
		LLVMBasicBlockRef next = cg_block(g, "streq_next");
		from[nin] = LLVMGetInsertBlock(g->b);
		vals[nin++] = LLVMConstInt(LLVMInt1TypeInContext(g->ctx), 1, 0);
		LLVMBuildCondBr(g->b, z, done, next);
		LLVMPositionBuilderAtEnd(g->b, next);
	}
	/* No NUL within the shorter one: equal iff the longer one ends here. */
	LLVMValueRef last;
	if (a.t->size != b.t->size) {
		struct cg_val lng = a.t->size > b.t->size ? a : b;
		LLVMValueRef c = cg_load_int(g, cg_gep(g, lng.v, n), 1, false);
		last = LLVMBuildICmp(g->b, LLVMIntEQ, c, cg_const(g, 0), "");
	} else {
		last = LLVMConstInt(LLVMInt1TypeInContext(g->ctx), 1, 0);
	}
	from[nin] = LLVMGetInsertBlock(g->b);
	vals[nin++] = last;
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, done);
	LLVMValueRef phi = LLVMBuildPhi(g->b, LLVMInt1TypeInContext(g->ctx), "streq");
	LLVMAddIncoming(phi, vals, from, nin);
	return phi;
}

static struct cg_val logical(struct cg *g, struct node *n)
{
	LLVMValueRef l = cg_cond(g, n->a);
	LLVMBasicBlockRef lhs_end = LLVMGetInsertBlock(g->b);
	LLVMBasicBlockRef rhs = cg_block(g, "logic_rhs"), done = cg_block(g, "logic_done");

	if (n->op == OP_LAND)
		LLVMBuildCondBr(g->b, l, rhs, done);
	else
		LLVMBuildCondBr(g->b, l, done, rhs);
	LLVMPositionBuilderAtEnd(g->b, rhs);
	LLVMValueRef r = cg_cond(g, n->b);
	LLVMBasicBlockRef rhs_end = LLVMGetInsertBlock(g->b);
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, done);
	LLVMValueRef phi = LLVMBuildPhi(g->b, LLVMInt1TypeInContext(g->ctx), "");
	LLVMValueRef vals[] = {LLVMConstInt(LLVMInt1TypeInContext(g->ctx), n->op == OP_LOR, 0), r};
	LLVMBasicBlockRef bbs[] = {lhs_end, rhs_end};
	LLVMAddIncoming(phi, vals, bbs, 2);
	return scalar(LLVMBuildZExt(g->b, phi, g->i64, ""), n->type);
}

static bool is_signed(const struct type *t)
{
	return t->kind == T_INT && t->is_signed;
}

/*
 * `/` and `%` by 0 give 1 and report a located runtime error, as in
 * bpftrace; on the hot path this costs one compare-and-branch (none for a
 * non-zero constant divisor). Returns the block that yields 1; the builder
 * is left where the division goes.
 */
/* bpftrace locates the error at the operator (`/=` too): find it between the operands. */
static struct span op_span(struct cg *g, const struct node *n)
{
	const struct source *src = g->d->src;
	int line = n->a->loc.last_line, col = n->a->loc.last_column;
	const char *p = diag_line_start(g->d, line);

	if (!p || !src || col < 1)
		return n->loc;
	const char *end = src->text + src->len;
	for (p += col - 1; p < end && *p != n->op; p++, col++)
		if (*p == '\n') {
			line++;
			col = 0;
		}
	const struct span *b = &n->b->loc;
	if (p >= end || line > b->first_line || (line == b->first_line && col >= b->first_column))
		return n->loc; /* not between the operands (a comment, a macro) */
	return (struct span){line, col, line, col + 1 + (p + 1 < end && p[1] == '=')};
}

static LLVMBasicBlockRef div_zero_check(struct cg *g, struct node *n, LLVMValueRef d)
{
	LLVMBasicBlockRef zero = cg_block(g, "div_zero"), ok = cg_block(g, "div_ok");
	struct span loc = op_span(g, n);

	LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntEQ, d, cg_const(g, 0), ""), zero, ok);
	LLVMPositionBuilderAtEnd(g->b, zero);
	cg_runtime_error(g, RT_ERR_DIV_ZERO, &loc);
	zero = LLVMGetInsertBlock(g->b);
	LLVMPositionBuilderAtEnd(g->b, ok);
	return zero;
}

static LLVMValueRef div_zero_join(struct cg *g, LLVMBasicBlockRef zero, LLVMValueRef r)
{
	if (!zero)
		return r;
	LLVMBasicBlockRef ok = LLVMGetInsertBlock(g->b), done = cg_block(g, "div_done");
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, zero);
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, done);
	LLVMValueRef phi = LLVMBuildPhi(g->b, g->i64, "");
	LLVMValueRef vals[] = {r, cg_const(g, 1)};
	LLVMBasicBlockRef from[] = {ok, zero};
	LLVMAddIncoming(phi, vals, from, 2);
	return phi;
}

/*
 * Buffers are equal when their lengths and bytes are: each is copied into
 * a zeroed area the size of the larger (buf() zero-fills past its length),
 * then compared 8 bytes at a time.
 */
static LLVMValueRef buf_eq(struct cg *g, struct cg_val a, struct cg_val b)
{
	uint32_t size = a.t->size > b.t->size ? a.t->size : b.t->size;
	LLVMValueRef x = cg_alloca(g, size, "beq_a"), y = cg_alloca(g, size, "beq_b");
	LLVMValueRef eq = LLVMConstInt(LLVMInt1TypeInContext(g->ctx), 1, 0);

	cg_memset0(g, x, size);
	cg_memset0(g, y, size);
	cg_memcpy(g, x, a.v, a.t->size);
	cg_memcpy(g, y, b.v, b.t->size);
	for (uint32_t off = 0; off < size;) {
		uint32_t left = size - off;
		uint32_t w = left >= 8 ? 8 : left >= 4 ? 4 : left >= 2 ? 2 : 1;
		LLVMValueRef p = cg_load_int(g, cg_gep(g, x, off), w, false);
		LLVMValueRef q = cg_load_int(g, cg_gep(g, y, off), w, false);
		eq = LLVMBuildAnd(g->b, eq, LLVMBuildICmp(g->b, LLVMIntEQ, p, q, ""), "");
		off += w;
	}
	return eq;
}

static struct cg_val binop(struct cg *g, struct node *n)
{
	if (n->op == OP_LAND || n->op == OP_LOR)
		return logical(g, n);
	if ((n->op == '+' || n->op == '-') && n->type->kind == T_PTR)
		return cg_ptr_arith(g, n);
	struct cg_val a = cg_expr(g, n->a), b = cg_expr(g, n->b);
	LLVMValueRef r;

	if (a.t->kind == T_STRING || a.t->kind == T_TUPLE || a.t->kind == T_BUFFER ||
	    a.t->kind == T_USERNAME) {
		r = a.t->kind == T_STRING  ? str_eq(g, a, b)
		    : a.t->kind == T_TUPLE ? cg_tuple_eq(g, a, b)
					   : buf_eq(g, a, b); /* buffer, username */
		if (n->op == OP_NE)
			r = LLVMBuildNot(g->b, r, "");
		return scalar(LLVMBuildZExt(g->b, r, g->i64, ""), n->type);
	}
	bool sig = is_signed(a.t) || is_signed(b.t);
	LLVMIntPredicate pred;
	switch (n->op) {
	case OP_EQ:
		pred = LLVMIntEQ;
		goto cmp;
	case OP_NE:
		pred = LLVMIntNE;
		goto cmp;
	case '<':
		pred = sig ? LLVMIntSLT : LLVMIntULT;
		goto cmp;
	case '>':
		pred = sig ? LLVMIntSGT : LLVMIntUGT;
		goto cmp;
	case OP_LE:
		pred = sig ? LLVMIntSLE : LLVMIntULE;
		goto cmp;
	case OP_GE:
		pred = sig ? LLVMIntSGE : LLVMIntUGE;
		goto cmp;
	case '+':
		r = LLVMBuildAdd(g->b, a.v, b.v, "");
		break;
	case '-':
		r = LLVMBuildSub(g->b, a.v, b.v, "");
		break;
	case '*':
		r = LLVMBuildMul(g->b, a.v, b.v, "");
		break;
	case '/':
	case '%': {
		LLVMBasicBlockRef zero_end = NULL;
		if (!LLVMIsAConstantInt(b.v) || !LLVMConstIntGetZExtValue(b.v))
			zero_end = div_zero_check(g, n, b.v);
		/* BPF has no signed division before v4: divide magnitudes, fix the sign. */
		if (!sig) {
			r = n->op == '/' ? LLVMBuildUDiv(g->b, a.v, b.v, "")
					 : LLVMBuildURem(g->b, a.v, b.v, "");
			r = div_zero_join(g, zero_end, r);
			break;
		}
		LLVMValueRef zero = cg_const(g, 0);
		LLVMValueRef an = LLVMBuildICmp(g->b, LLVMIntSLT, a.v, zero, "");
		LLVMValueRef bn = LLVMBuildICmp(g->b, LLVMIntSLT, b.v, zero, "");
		LLVMValueRef aa = LLVMBuildSelect(g->b, an, LLVMBuildNeg(g->b, a.v, ""), a.v, "");
		LLVMValueRef ba = LLVMBuildSelect(g->b, bn, LLVMBuildNeg(g->b, b.v, ""), b.v, "");
		LLVMValueRef q = n->op == '/' ? LLVMBuildUDiv(g->b, aa, ba, "")
					      : LLVMBuildURem(g->b, aa, ba, "");
		LLVMValueRef neg = n->op == '/' ? LLVMBuildXor(g->b, an, bn, "") : an;
		r = LLVMBuildSelect(g->b, neg, LLVMBuildNeg(g->b, q, ""), q, "");
		r = div_zero_join(g, zero_end, r);
		break;
	}
	case '&':
		r = LLVMBuildAnd(g->b, a.v, b.v, "");
		break;
	case '|':
		r = LLVMBuildOr(g->b, a.v, b.v, "");
		break;
	case '^':
		r = LLVMBuildXor(g->b, a.v, b.v, "");
		break;
	case OP_SHL:
		r = LLVMBuildShl(g->b, a.v, b.v, "");
		break;
	case OP_SHR:
		r = is_signed(a.t) ? LLVMBuildAShr(g->b, a.v, b.v, "")
				   : LLVMBuildLShr(g->b, a.v, b.v, "");
		break;
	default:
		BUG("binop %d", n->op);
	}
	return scalar(r, n->type);
cmp:
	r = LLVMBuildICmp(g->b, pred, a.v, b.v, "");
	return scalar(LLVMBuildZExt(g->b, r, g->i64, ""), n->type);
}

/* Truncate/extend an i64 to the width and signedness of t. */
static LLVMValueRef fit(struct cg *g, LLVMValueRef v, const struct type *t)
{
	if (t->kind == T_BOOL)
		return LLVMBuildZExt(g->b, LLVMBuildICmp(g->b, LLVMIntNE, v, cg_const(g, 0), ""),
				     g->i64, "");
	if (t->kind != T_INT || t->size >= 8)
		return v;
	LLVMTypeRef nt = LLVMIntTypeInContext(g->ctx, t->size * 8);
	LLVMValueRef tr = LLVMBuildTrunc(g->b, v, nt, "");
	return t->is_signed ? LLVMBuildSExt(g->b, tr, g->i64, "")
			    : LLVMBuildZExt(g->b, tr, g->i64, "");
}

static struct cg_val incdec(struct cg *g, struct node *n)
{
	struct node *lv = n->a;
	LLVMValueRef delta = cg_const(g, n->op == OP_INC ? 1 : -1);

	if (lv->kind == N_VAR) {
		struct sema_var *v = lv->sema;
		LLVMValueRef slot = g->vars[v->index];
		LLVMValueRef old = cg_load_int(g, slot, v->type->size, is_signed(v->type));
		LLVMValueRef nw = fit(g, LLVMBuildAdd(g->b, old, delta, ""), v->type);
		cg_store_int(g, slot, nw, v->type->size);
		return scalar(n->flags & AST_POSTFIX ? old : nw, n->type);
	}
	/* map: read-modify-write in place, insert when absent */
	struct map_desc *md = lv->sema;
	LLVMValueRef key = cg_map_key(g, lv, 0);
	LLVMValueRef map = map_global(g, lv);
	LLVMValueRef p = cg_map_lookup(g, map, key);
	LLVMBasicBlockRef hit = cg_block(g, "rmw_hit"), miss = cg_block(g, "rmw_miss"),
			  done = cg_block(g, "rmw_done");
	LLVMBuildCondBr(g->b, LLVMBuildIsNull(g->b, p, ""), miss, hit);
	LLVMPositionBuilderAtEnd(g->b, hit);
	LLVMValueRef old_hit = cg_load_int(g, p, 8, true);
	cg_store_int(g, p, LLVMBuildAdd(g->b, old_hit, delta, ""), 8);
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, miss);
	LLVMValueRef val = cg_alloca(g, md->value_size, "rmw_val");
	cg_store_int(g, val, delta, 8);
	cg_update_counted(g, md, key, val, &n->loc);
	miss = LLVMGetInsertBlock(g->b); /* the phi's predecessor after the update's blocks */
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, done);
	LLVMValueRef old = LLVMBuildPhi(g->b, g->i64, "");
	LLVMValueRef vals[] = {old_hit, cg_const(g, 0)};
	LLVMBasicBlockRef bbs[] = {hit, miss};
	LLVMAddIncoming(old, vals, bbs, 2);
	LLVMValueRef nw = LLVMBuildAdd(g->b, old, delta, "");
	return scalar(n->flags & AST_POSTFIX ? old : nw, n->type);
}

static struct cg_val ternary(struct cg *g, struct node *n)
{
	LLVMValueRef c = cg_cond(g, n->a);
	LLVMBasicBlockRef tb = cg_block(g, "tern_then"), eb = cg_block(g, "tern_else"),
			  done = cg_block(g, "tern_done");
	bool mem = in_memory(n->type);
	LLVMValueRef res = mem ? cg_alloca(g, n->type->size, "tern") : NULL;

	LLVMBuildCondBr(g->b, c, tb, eb);
	LLVMPositionBuilderAtEnd(g->b, tb);
	struct cg_val a = cg_expr(g, n->b);
	if (mem)
		cg_store_as(g, res, a, n->type);
	LLVMBasicBlockRef tend = LLVMGetInsertBlock(g->b);
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, eb);
	struct cg_val b = cg_expr(g, n->c);
	if (mem)
		cg_store_as(g, res, b, n->type);
	LLVMBasicBlockRef eend = LLVMGetInsertBlock(g->b);
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, done);
	if (mem)
		return scalar(res, n->type);
	LLVMValueRef phi = LLVMBuildPhi(g->b, g->i64, "");
	LLVMValueRef vals[] = {a.v, b.v};
	LLVMBasicBlockRef bbs[] = {tend, eend};
	LLVMAddIncoming(phi, vals, bbs, 2);
	return scalar(phi, n->type);
}

static struct cg_val call_str(struct cg *g, struct node *n)
{
	struct cg_val src = cg_expr(g, n->a);
	uint32_t size = n->type->size;

	if (src.t->kind == T_STRING)
		return src;
	LLVMValueRef buf = cg_alloca(g, size, "strbuf");
	LLVMValueRef len = cg_const(g, size);
	cg_memset0(g, buf, size);
	if (n->a->next) {
		struct cg_val l = cg_expr(g, n->a->next);
		LLVMValueRef want = LLVMBuildAdd(g->b, l.v, cg_const(g, 1), "");
		LLVMValueRef big = LLVMBuildICmp(g->b, LLVMIntUGT, want, len, "");
		len = LLVMBuildSelect(g->b, big, len, want, "");
		/* zero length reads nothing: keep the verifier's range at >= 1 */
		LLVMValueRef z = LLVMBuildICmp(g->b, LLVMIntEQ, len, cg_const(g, 0), "");
		len = LLVMBuildSelect(g->b, z, cg_const(g, 1), len, "");
	}
	LLVMValueRef ptr = LLVMBuildIntToPtr(g->b, src.v, g->ptr, "");
	LLVMValueRef args[] = {buf, LLVMBuildTrunc(g->b, len, g->i32, ""), ptr};
	LLVMValueRef rc = cg_helper(g, BPF_FUNC_probe_read_str, g->i64, args, 3);
	cg_helper_check(g, rc, BPF_FUNC_probe_read_str, &n->loc);
	return scalar(buf, n->type);
}

struct cg_val cg_expr(struct cg *g, struct node *n)
{
	cg_loc(g, n);
	switch (n->kind) {
	case N_INT:
		return scalar(cg_const(g, n->ival), n->type);
	case N_BOOL:
		return scalar(cg_const(g, n->ival ? 1 : 0), n->type);
	case N_STRING:
		return string_lit(g, n);
	case N_VAR: {
		struct sema_var *v = n->sema;
		return cg_load_as(g, g->vars[v->index], v->type);
	}
	case N_MAP:
		if (((struct map_desc *)n->sema)->agg != AGG_NONE)
			return cg_agg_read(g, n);
		return map_read(g, n);
	case N_IDENT:
		return builtin(g, n);
	case N_CALL:
		if (n->c)
			return cg_fn_call(g, n);
		if (n->op == F_STR)
			return call_str(g, n);
		if (n->op == F_KSTACK || n->op == F_USTACK || n->op == F_KSYM || n->op == F_USYM)
			return cg_stack_value(g, n);
		if (n->op > F_ZERO)
			return cg_call_more(g, n);
		if (n->op == F_DELETE)
			return cg_delete_value(g, n);
		cg_call_stmt(g, n);
		return scalar(cg_const(g, 0), n->type);
	case N_BINOP:
		return binop(g, n);
	case N_UNOP: {
		if (n->op == '*' || n->op == '&')
			return cg_c_expr(g, n);
		struct cg_val a = cg_expr(g, n->a);
		switch (n->op) {
		case '-':
			return scalar(LLVMBuildNeg(g->b, a.v, ""), n->type);
		case '!':
			return scalar(LLVMBuildZExt(g->b,
						    LLVMBuildICmp(g->b, LLVMIntEQ, a.v,
								  cg_const(g, 0), ""),
						    g->i64, ""),
				      n->type);
		case '~':
			return scalar(fit(g, LLVMBuildNot(g->b, a.v, ""), n->type), n->type);
		default:
			return a;
		}
	}
	case N_INCDEC:
		return incdec(g, n);
	case N_TERNARY:
		if (!n->b)
			return cg_lang_expr(g, n);
		return ternary(g, n);
	case N_BLOCK:
	case N_RECORD:
	case N_INDEX:
	case N_IF:
		if (n->kind == N_INDEX &&
		    (n->a->type->kind == T_PTR || n->a->type->kind == T_ARRAY))
			return cg_c_expr(g, n);
		return cg_lang_expr(g, n);
	case N_FIELD: {
		if (n->a->kind == N_IDENT && n->a->op == B_ARGS)
			return args_field(g, n);
		if (n->op == SEMA_CFIELD)
			return cg_c_expr(g, n);
		struct cg_val a = cg_expr(g, n->a);
		const struct type_field *f = &a.t->fields[n->id];
		return cg_load_as(g, cg_gep(g, a.v, f->offset), f->type);
	}
	case N_TUPLE: {
		const struct type *t = n->type;
		LLVMValueRef buf = cg_alloca(g, t->size, "tuple");
		int i = 0;
		cg_memset0(g, buf, t->size);
		for (struct node *e = n->a; e; e = e->next, i++) {
			struct cg_val v = cg_expr(g, e);
			cg_store_as(g, cg_gep(g, buf, t->fields[i].offset), v, t->fields[i].type);
		}
		return scalar(buf, t);
	}
	case N_CAST: {
		struct cg_val a = cg_expr(g, n->b);
		if (n->type->kind == T_ARRAY) { /* the integer's bytes */
			LLVMValueRef buf = cg_alloca(g, n->type->size, "int_array");
			cg_store_int(g, buf, a.v, n->type->size);
			return scalar(buf, n->type);
		}
		if (a.t->kind == T_ARRAY)
			return scalar(cg_load_int(g, a.v, n->type->size, n->type->is_signed),
				      n->type);
		if (a.t->kind == T_STRING) /* (bool)str: its first byte is not NUL */
			return scalar(fit(g, cg_load_int(g, a.v, 1, false), n->type), n->type);
		return scalar(fit(g, a.v, n->type), n->type);
	}
	default:
		BUG("expression kind %s in codegen", ast_kind_name(n->kind));
	}
}
