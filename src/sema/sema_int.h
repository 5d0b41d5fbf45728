/* SPDX-License-Identifier: GPL-2.0 */
/* Private to sema/: the pass context shared by its files. */
#ifndef SONDE_SEMA_INT_H
#define SONDE_SEMA_INT_H

#include "sema/sema.h"

struct scope {
	struct scope *up;
	struct vec vars; /* struct sema_var * */
};

struct sctx {
	struct ast *ast;
	struct diag *d;
	struct program *prog;
	const struct sema_opts *opts;
	bool quiet; /* first pass: learn map types, report nothing */
	struct prog_desc *pd;
	struct vec *fields; /* struct arg_field * of the probe's args, or NULL */
	struct scope *scope;
	int nvars;
	int nerr_quiet;
	int loop_depth;	       /* while/for loops around the current statement */
	int in_for_map;	       /* inside a for-over-map body (a BPF callback) */
	struct vec defines;    /* N_DEFINE with a value */
	struct vec map_decls;  /* struct map_decl * (toplevel.c) */
	uint32_t max_map_keys; /* from the config block, 0 if not set */
	struct vec macros;     /* N_MACRO */
	int macro_depth, macro_serial;
	int macro_args;	    /* probes.c: does a macro read args? 0 unknown, 1 no, 2 yes */
	struct vec fns;	    /* struct sema_fn * (fn.c) */
	struct sema_fn *fn; /* the function whose body is being typed */
	int fn_inlined;	    /* copies made by calls, both passes */
	bool fn_inlined_reported;
	int fn_for_depth;    /* for loops inside that body */
	bool mute;	     /* report nothing (a function body already reported) */
	int stack_mode;	     /* config stack_mode: enum stack_mode + 1, 0 if not set */
	struct vec includes; /* active N_INCLUDE, read lazily (hdrmacro.c) */
	struct hdr *hdr;
	size_t hdr_read;  /* includes read so far */
	bool *named_used; /* getopt.c: which named program arguments a getopt() read */
};

void sema_err(struct sctx *s, const struct node *n, const char *fmt, ...) PRINTF_LIKE(3, 4);
/* Like sema_err, at the span of the node's name only (a call's function name). */
void sema_err_name(struct sctx *s, const struct node *n, const char *fmt, ...) PRINTF_LIKE(3, 4);
void sema_unsupported(struct sctx *s, const struct node *n, const char *what);
/* Same, with the reason as the hint. */
void sema_unsupported_why(struct sctx *s, const struct node *n, const char *what, const char *why);
/* mapread.c: the value of a count/sum/min/max/avg map read in an expression. */
const struct type *sema_agg_read(struct sctx *s, struct node *n, const struct map_desc *md);
const struct type *sema_len(struct sctx *s, struct node *n);
/* tseries(v, interval, n[, agg]) of @m = ...: checks and records them in md (tseries.c) */
bool sema_tseries_args(struct sctx *s, struct node *call, struct map_desc *md);
/* delete(), has_key(), len() of a tseries() map: reported, true */
bool sema_tseries_refuse(struct sctx *s, struct node *m, const struct map_desc *md,
			 const char *what);
const struct type *sema_find(struct sctx *s, struct node *n);
/* hdrmacro.c: an identifier the included headers define as a constant
 * (macro or enumerator) becomes N_INT (true). sema_header_unknown reports
 * an identifier nobody knows, with what the headers say (true), when the
 * script included headers. */
bool sema_header_const(struct sctx *s, struct node *n);
bool sema_header_unknown(struct sctx *s, struct node *n);
void sema_header_free(struct sctx *s);
struct hdr *sema_hdr_get(struct sctx *s);
struct hdr *sema_hdr(struct sctx *s);
/* scriptcond.c: drop the top-level items in inactive #if/#ifdef branches
 * (BPFTRACE_HAVE_BTF is defined) and collect the active #includes. */
void sema_script_cond(struct sctx *s);
/* deref.c: the type of a tracepoint pointer field, from its C type text. */
struct arg_field;
const struct type *sema_args_ptr(struct sctx *s, const struct arg_field *f);
/* uaddr.c */
const struct type *sema_uaddr(struct sctx *s, struct node *n);
/* getopt.c */
const struct type *sema_getopt(struct sctx *s, struct node *n);
/* An error naming the named program arguments no getopt() read. */
void sema_getopt_unused(struct sctx *s);

const struct type *sema_expr(struct sctx *s, struct node *n);
void sema_stmt(struct sctx *s, struct node *n);
void sema_block(struct sctx *s, struct node *n);

/* Scopes and variables (sema.c), for lang.c. */
struct sema_var *sema_var_find(struct sctx *s, const char *name);
struct sema_var *sema_var_new(struct sctx *s, const char *name, const struct type *t);
void sema_scope_push(struct sctx *s, struct scope *sc);
void sema_scope_pop(struct sctx *s);

/* Language constructs (lang.c): loops, let, block values, records, indexing. */
void sema_loop(struct sctx *s, struct node *n);
void sema_jump(struct sctx *s, struct node *n);
/* loops.c: report the while loops of a checked probe that the verifier cannot bound. */
void sema_check_loops(struct sctx *s, struct node *probe);
void sema_let(struct sctx *s, struct node *n);
const struct type *sema_block_value(struct sctx *s, struct node *n);
const struct type *sema_record(struct sctx *s, struct node *n);
const struct type *sema_index(struct sctx *s, struct node *n);
const struct type *sema_elvis(struct sctx *s, struct node *n);
const struct type *sema_if_value(struct sctx *s, struct node *n);
/* $N and $#: rewrite the node into the N_INT or N_STRING it stands for. */
void sema_positional(struct sctx *s, struct node *n);
/* str($N): the argument's text as a string literal. */
void sema_positional_str(struct sctx *s, struct node *call);
/* str($N + K): the parameter's text from offset K (a literal); false if not that form. */
bool sema_positional_offset(struct sctx *s, struct node *arg);
void sema_positional_args(struct sctx *s, struct node *call);
/* The attach point text with $N and $# replaced (xmalloc'd), or NULL after an error. */
char *sema_attach_subst(struct sctx *s, struct node *ap);
/* Top-level definitions (toplevel.c). */
void sema_toplevel(struct sctx *s, struct node *n);
void sema_toplevel_finish(struct sctx *s);
/* config.c: the environment's settings, then the config block's other
 * keys (true when key is one of them). */
void sema_config_env(struct sctx *s);
bool sema_config_more(struct sctx *s, struct node *it, const char *key);
/* Replace an identifier naming a #define by a copy of its value. */
bool sema_define_expand(struct sctx *s, struct node *ident);
/* Macros (macro.c): register a definition; expand a call or bare name into
 * its body and type it (true), or leave n alone (false). */
void sema_macro_define(struct sctx *s, struct node *n);
bool sema_macro_try(struct sctx *s, struct node *n, const struct type **t);
/* User-defined functions (fn.c): register a definition; type a call to
 * one (true) or leave n alone (false); `return` inside one. */
void sema_fn_define(struct sctx *s, struct node *n);
bool sema_fn_call(struct sctx *s, struct node *n, const struct type **t);
void sema_fn_return(struct sctx *s, struct node *n);
void sema_fn_check_uncalled(struct sctx *s);
/* A builtin that needs the probe, used in a function: reported, true. */
bool sema_fn_probe_builtin(struct sctx *s, struct node *n);
/* A type written in the program (N_TYPE) for let and casts; NULL if not one. */
const struct type *sema_type_node(struct sctx *s, struct node *ty);

/* C types from BTF and the script (btf_types.c, cdecl.c, deref.c). */
bool sema_have_btf(void);
bool sema_record_complete(const struct type *rec);
const struct type *sema_c_type_named(const char *name);
/* typedefs written in the script (they win over the kernel's) */
void sema_c_typedef_add(const char *name, const struct type *t);
const struct type *sema_c_typedef_find(const char *name);
bool sema_btf_enum_value(const char *name, int64_t *val);
void sema_c_definition(struct sctx *s, struct node *n);
bool sema_place_user(const struct node *n);
const struct type *sema_ctype(struct sctx *s, struct node *ty);
const struct type *sema_cast_c(struct sctx *s, struct node *n, const struct type *a);
const struct type *sema_c_field(struct sctx *s, struct node *n, const struct type *a);
const struct type *sema_c_unop(struct sctx *s, struct node *n);
const struct type *sema_c_index(struct sctx *s, struct node *n, const struct type *a,
				const struct type *i);
const struct type *sema_ptr_arith(struct sctx *s, struct node *n, const struct type *a,
				  const struct type *b);
const struct type *sema_sizeof(struct sctx *s, struct node *n);
const struct type *sema_offsetof(struct sctx *s, struct node *n);

/* Map helpers (map.c). */
struct map_desc *sema_map_get(struct sctx *s, struct node *m);
const struct type *sema_norm(const struct type *t);
const struct type *sema_unify(const struct type *a, const struct type *b);
bool sema_map_key(struct sctx *s, struct node *m, struct map_desc *md);
bool sema_map_set_agg(struct sctx *s, struct node *m, struct map_desc *md, enum agg_kind agg);
bool sema_map_set_value(struct sctx *s, struct node *m, struct map_desc *md, const struct type *t);
void sema_map_finish(struct program *prog);

/* Events (calls.c). */
const struct type *sema_call(struct sctx *s, struct node *n, bool as_stmt);
bool sema_is_agg_call(const struct node *n, enum agg_kind *agg);
const struct type *sema_agg_assign(struct sctx *s, struct node *map, struct node *call);

/* Builtins (builtins.c): the newer builtin variables, and builtins called with (). */
const struct type *sema_comm_of_pid(struct sctx *s, struct node *n);
const struct type *sema_builtin_more(struct sctx *s, struct node *n, enum sema_builtin b);
bool sema_builtin_call(struct sctx *s, struct node *n, const struct type **t);
/* calls.c helpers shared with funcs.c. */
bool sema_nargs_ok(struct sctx *s, struct node *n, int min, int max);
struct node *sema_arg(struct node *n, int i);
bool sema_const_int(struct node *n, int64_t *v);
bool sema_int_arg(struct sctx *s, struct node *call, struct node *a, const char *what);
struct event_desc *sema_new_event(struct sctx *s, struct node *n, enum event_kind kind);
void sema_event_args(struct sctx *s, struct event_desc *ev, struct node *first, int n);
void sema_check_printf(struct sctx *s, struct node *call, const char *fmt, struct node *args);

/* The functions of funcs.c (SEMA_FUNCS_MORE). */
const struct type *sema_call_more(struct sctx *s, struct node *n, enum sema_func f, bool as_stmt);
/* Stacks and symbols (stacks.c). */
const struct type *sema_stack_builtin(struct sctx *s, bool user);
const struct type *sema_stack_call(struct sctx *s, struct node *n, bool user);
const struct type *sema_sym_call(struct sctx *s, struct node *n, bool user);

/*
 * probes.c: expand a probe's attach points into prog_descs, pushing the
 * probe onto probes; a probe whose targets need different contexts is
 * copied (inserted after it in the AST, pushed too), one program each.
 * Returns the last of them. And the typed args of a program.
 */
struct node *sema_expand_probe(struct sctx *s, struct node *probe, int index, struct vec *probes);
struct vec *sema_probe_fields(struct sctx *s, struct node *probe, struct prog_desc *pd);
/* The type of a pointer arg: typed from BTF where it can be. */
struct arg_field;
const struct type *sema_arg_ptr(struct sctx *s, const struct arg_field *f);
/* fexit: retval typed from the function's BTF; NULL to keep uint64. */
const struct type *sema_fexit_retval(struct sctx *s);

#endif
