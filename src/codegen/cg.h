/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private to codegen/: the context and the thin BPF verbs over LLVM-C.
 *
 * Values: scalars (ints, bool, pointers, probe ids) live in i64 SSA
 * registers, whatever their declared width; strings and tuples live in
 * stack memory and are passed around as pointers to it.
 */
#ifndef SONDE_CG_H
#define SONDE_CG_H

#include "codegen/codegen.h"
#include "sema/sema.h"

#include <llvm-c/Core.h>
#include <llvm-c/DebugInfo.h>

struct cg_val {
	LLVMValueRef v; /* i64 for scalars, ptr for in-memory values */
	const struct type *t;
};

struct cg {
	LLVMContextRef ctx;
	LLVMModuleRef mod;
	LLVMBuilderRef b;
	LLVMDIBuilderRef di;
	LLVMMetadataRef di_file, di_cu, di_int;
	LLVMTypeRef i8, i16, i32, i64, ptr, vo;
	struct program *prog;
	struct diag *d;
	LLVMValueRef *map_globals; /* by map id */
	LLVMValueRef rb, stats, cfg;
	/* current function */
	LLVMValueRef fn, ctx_arg;
	LLVMBasicBlockRef entry;
	struct prog_desc *pd;
	LLVMValueRef *vars; /* by sema_var index */
	int nvars;
	LLVMMetadataRef di_sp; /* current subprogram */
};

/* bpf.c: BPF verbs */
LLVMValueRef cg_helper(struct cg *g, int id, LLVMTypeRef ret, LLVMValueRef *args, unsigned n);
LLVMValueRef cg_alloca(struct cg *g, uint32_t size, const char *name);
void cg_memset0(struct cg *g, LLVMValueRef p, uint32_t size);
void cg_memcpy(struct cg *g, LLVMValueRef dst, LLVMValueRef src, uint32_t size);
LLVMValueRef cg_gep(struct cg *g, LLVMValueRef p, uint32_t off);
LLVMValueRef cg_const(struct cg *g, int64_t v);
/* Load an int of `size` bytes at p and widen it to i64. */
LLVMValueRef cg_load_int(struct cg *g, LLVMValueRef p, uint32_t size, bool is_signed);
/* Store the low `size` bytes of i64 v at p. */
void cg_store_int(struct cg *g, LLVMValueRef p, LLVMValueRef v, uint32_t size);
LLVMValueRef cg_map_lookup(struct cg *g, LLVMValueRef map, LLVMValueRef key);
LLVMValueRef cg_map_update(struct cg *g, LLVMValueRef map, LLVMValueRef key, LLVMValueRef val,
			   uint64_t flags);
LLVMValueRef cg_map_delete(struct cg *g, LLVMValueRef map, LLVMValueRef key);
/* Bump one of the per-CPU statistics counters (enum prog_stat). */
void cg_stat_inc(struct cg *g, int stat);
/* Count rc < 0 of a helper call at n in its own site counter (PROG_STAT_HELPER). */
void cg_count_failure(struct cg *g, LLVMValueRef rc, const struct node *n, const char *what);
/* Map update (BPF_ANY); a failure (the map is full) counts in PROG_STAT_MAP_FULL(md->id). */
void cg_update_counted(struct cg *g, const struct map_desc *md, LLVMValueRef key, LLVMValueRef val);
LLVMBasicBlockRef cg_block(struct cg *g, const char *name);
/* Write v (of type t) into memory at dst laid out as type `to` (normalising ints, padding strings). */
void cg_store_as(struct cg *g, LLVMValueRef dst, struct cg_val v, const struct type *to);
/* Read a value of type t stored at p. */
struct cg_val cg_load_as(struct cg *g, LLVMValueRef p, const struct type *t);
/* Set the debug location for following instructions. */
void cg_loc(struct cg *g, const struct node *n);

/* expr.c */
struct cg_val cg_expr(struct cg *g, struct node *n);
LLVMValueRef cg_cond(struct cg *g, struct node *n); /* i1 */
LLVMValueRef cg_map_key(struct cg *g, struct node *map, uint32_t extra);

/* stmt.c */
void cg_stmt(struct cg *g, struct node *n);
void cg_block_stmts(struct cg *g, struct node *blk);
void cg_call_stmt(struct cg *g, struct node *call);
void cg_agg_assign(struct cg *g, struct node *map, struct node *call);
/* Emit a ring-buffer event: id plus `size` payload bytes built by fill(). */
LLVMValueRef cg_event_begin(struct cg *g, int event_id, uint32_t payload);
void cg_event_end(struct cg *g, LLVMValueRef rec);

#endif
