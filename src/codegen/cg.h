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
	/* loops (loops.c) */
	LLVMBasicBlockRef loop_break, loop_cont; /* innermost plain loop, or NULL */
	bool in_callback;			 /* emitting a loop body callback */
	LLVMValueRef frame;			 /* variable frame, when the probe has callbacks */
	uint32_t *var_off;			 /* frame offset of each variable */
	int ncallbacks;
	/* Set by cg_prologue when args/cookie do not come from ctx (NULL: native). */
	LLVMValueRef args_base, cookie;
	/* per-CPU scratch space for big values (scratch.c) */
	LLVMValueRef scratch_map;     /* placeholder until the size is known */
	LLVMValueRef scratch;	      /* this function's scratch entry, or NULL */
	LLVMBasicBlockRef scratch_ok; /* after the entry's lookup: slot addresses */
	uint32_t scratch_off;	      /* next free offset in this probe's layout */
	uint32_t scratch_max;	      /* largest layout of any probe */
	bool helper_errors;	      /* -k */
	/* stack bytes by statement, to say where a probe exceeds 512 (codegen.c) */
	const struct node *stmt; /* the statement being emitted, or NULL */
	struct vec stack_use;	 /* struct cg_stack_use * */
	/* stack temporaries: a statement's are free for the next ones (bpf.c) */
	struct vec slots_busy, slots_free; /* struct cg_slot * */
	/* the inlined user function being emitted (fn.c), or fn_ret NULL */
	LLVMBasicBlockRef fn_ret;
	LLVMValueRef fn_slot;
	const struct type *fn_type;
};

struct cg_slot {
	LLVMValueRef fn, a;
	const struct node *stmt;
	uint32_t size;
};
/* The statement n is emitted: its stack temporaries may serve later statements. */
void cg_stack_release(struct cg *g, const struct node *n);
void cg_stack_free_all(struct cg *g);

struct cg_stack_use {
	LLVMValueRef fn;
	const struct node *stmt;
	uint32_t bytes;
};
/* Count size bytes of stack for the current statement. */
void cg_stack_note(struct cg *g, uint32_t size);

/* scratch.c: values larger than this live in per-CPU scratch space, not on the stack */
#define CG_SCRATCH_MIN 64
struct cg_scratch_save {
	LLVMValueRef scratch;
	LLVMBasicBlockRef ok;
};
LLVMValueRef cg_scratch_alloc(struct cg *g, uint32_t size);
uint32_t cg_scratch_reserve(struct cg *g, uint32_t size);
LLVMValueRef cg_scratch_at(struct cg *g, uint32_t off);
/* The block where per-function set-up code (zeroing slots) goes, before its terminator. */
LLVMBasicBlockRef cg_setup_block(struct cg *g);
void cg_scratch_func_begin(struct cg *g, struct cg_scratch_save *sv);
void cg_scratch_func_end(struct cg *g, const struct cg_scratch_save *sv);
/* After all probes: define the scratch map with its final size. */
void cg_scratch_finish(struct cg *g, LLVMValueRef (*define)(struct cg *, uint32_t));

/* bpf.c: BPF verbs */
/* prologue.c: context set-up and filters before the probe body. */
void cg_prologue(struct cg *g);
/* The same context set-up at the start of a loop callback (no filters). */
void cg_prologue_callback(struct cg *g);
LLVMValueRef cg_define_map(struct cg *g, const char *name, uint32_t type, uint32_t max,
			   uint32_t key_size, uint32_t value_size);
/* Return 0 from the program unless cond (i1) holds; continues in a new block. */
void cg_return_unless(struct cg *g, LLVMValueRef cond);
/* argN / retval (enum sema_builtin b) from the pt_regs context. */
LLVMValueRef cg_regs_builtin(struct cg *g, int b);
/* usdt.c: argument idx of a usdt probe, through its targets' specs. */
LLVMValueRef cg_usdt_arg(struct cg *g, int idx);

LLVMValueRef cg_helper(struct cg *g, int id, LLVMTypeRef ret, LLVMValueRef *args, unsigned n);
/* A slot for `size` bytes: on the stack, or in scratch space when big. */
LLVMValueRef cg_alloca(struct cg *g, uint32_t size, const char *name);
/* The largest value kept on the stack: config on_stack_limit, else CG_SCRATCH_MIN. */
uint32_t cg_on_stack_limit(const struct cg *g);
/* A slot that must be on the stack (a helper's callback context). */
LLVMValueRef cg_alloca_stack(struct cg *g, uint32_t size, const char *name);
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
/* Map update (BPF_ANY); a failure (the map is full) counts in PROG_STAT_MAP_FULL(md->id). */
void cg_update_counted(struct cg *g, const struct map_desc *md, LLVMValueRef key, LLVMValueRef val,
		       const struct span *loc);
LLVMBasicBlockRef cg_block(struct cg *g, const char *name);
/* Write v (of type t) into memory at dst laid out as type `to` (normalising ints, padding strings).
 */
void cg_store_as(struct cg *g, LLVMValueRef dst, struct cg_val v, const struct type *to);
/* Read a value of type t stored at p. */
struct cg_val cg_load_as(struct cg *g, LLVMValueRef p, const struct type *t);
/* Set the debug location for following instructions. */
void cg_loc(struct cg *g, const struct node *n);

/* helpererr.c: under -k, a helper's rc < 0 sends a located EV_HELPER_ERROR
 * event (one event descriptor per call site); without -k it emits nothing. */
void cg_helper_check(struct cg *g, LLVMValueRef rc, int helper, const struct span *loc);
/* Under -k, a NULL map_lookup_elem result (a read of a missing key) is reported. */
void cg_lookup_check(struct cg *g, LLVMValueRef ptr, const struct span *loc);
/* Send a located EV_RUNTIME_ERROR (enum rt_error) from the current block,
 * which should be a rarely taken one; always emitted (not gated by -k). */
void cg_runtime_error(struct cg *g, int err, const struct span *loc);

/* expr.c */
struct cg_val cg_expr(struct cg *g, struct node *n);
LLVMValueRef cg_cond(struct cg *g, struct node *n); /* i1 */
LLVMValueRef cg_map_key(struct cg *g, struct node *map, uint32_t extra);

/* loops.c: loops, jumps, and the variable frame that loop callbacks share */
bool cg_needs_frame(const struct node *n);
void cg_frame_vars(struct cg *g, struct node *probe);
void cg_frame_free(struct cg *g);
void cg_loop(struct cg *g, struct node *n);
void cg_jump(struct cg *g, struct node *n);

/* lang.c: block values, records, indexing, ?:, tuple comparison */
struct cg_val cg_lang_expr(struct cg *g, struct node *n);
LLVMValueRef cg_tuple_eq(struct cg *g, struct cg_val a, struct cg_val b); /* i1 */
/* builtins.c: the builtins of SEMA_BUILTINS_MORE. */
struct cg_val cg_builtin_more(struct cg *g, struct node *n);
/* funcs.c: the functions of SEMA_FUNCS_MORE, as values and as statements. */
struct cg_val cg_call_more(struct cg *g, struct node *n);
/* stack.c: kstack, ustack, kstack(...), ustack(...), ksym(), usym() */
struct cg_val cg_stack_value(struct cg *g, struct node *n);
/* len(kstack), len(ustack): frames that bpf_get_stack() copies (limit bounded) */
struct cg_val cg_stack_len(struct cg *g, struct node *n);

/* deref.c: C memory (struct fields, *p, &, p[i], pointer arithmetic) */
struct cg_val cg_c_expr(struct cg *g, struct node *n);
/* mapread.c: a count/sum/min/max/avg map's value, combined over the CPUs */
struct cg_val cg_agg_read(struct cg *g, struct node *n);
LLVMValueRef cg_agg_read_key(struct cg *g, struct map_desc *md, LLVMValueRef key);
struct cg_val cg_delete_value(struct cg *g, struct node *n);
struct cg_val cg_len(struct cg *g, struct node *n);
struct cg_val cg_find(struct cg *g, struct node *n);
struct cg_val cg_ptr_arith(struct cg *g, struct node *n);

/* fn.c: a call of a user-defined function (N_CALL with c set), inlined;
 * `return` inside one. */
struct cg_val cg_fn_call(struct cg *g, struct node *n);
void cg_fn_return(struct cg *g, struct node *n);

/* task.c: comm(pid) (N_CALL F_COMM, ival = offset of task_struct.comm) */
struct cg_val cg_comm_of_pid(struct cg *g, struct node *n);
struct cg_val cg_percpu_kaddr(struct cg *g, struct node *n);		   /* percpu.c */
void cg_tseries_assign(struct cg *g, struct node *map, struct node *call); /* tseries.c */

/* stmt.c */
void cg_stmt(struct cg *g, struct node *n);
void cg_block_stmts(struct cg *g, struct node *blk);
void cg_call_stmt(struct cg *g, struct node *call);
void cg_agg_assign(struct cg *g, struct node *map, struct node *call);
/* Emit a ring-buffer event: id plus `size` payload bytes built by fill(). */
LLVMValueRef cg_event_begin(struct cg *g, int event_id, uint32_t payload);
void cg_event_end(struct cg *g, LLVMValueRef rec);

#endif
