/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Semantic analysis: expands attach points through the providers, resolves
 * variables, maps and builtins, infers and checks types, and fills the
 * program contract (maps, events, programs). Every error of the pass is
 * reported with its location.
 *
 * After sema, codegen may rely on these annotations:
 *   N_PROBE       sema = struct prog_desc *
 *   N_VAR         sema = struct sema_var *
 *   N_MAP         sema = struct map_desc *
 *   N_IDENT       op = enum sema_builtin
 *   N_CALL        op = enum sema_func; id = event id when the call emits an event
 *   N_FIELD       on args: sema = struct arg_field *; on tuples: id = field index
 *   every expr    type = its value type
 */
#ifndef SONDE_SEMA_H
#define SONDE_SEMA_H

#include "ast/ast.h"
#include "prog/prog.h"

struct provider;

#define SEMA_BUILTINS(X)                                                                           \
	X(B_PID, "pid")                                                                            \
	X(B_TID, "tid")                                                                            \
	X(B_UID, "uid")                                                                            \
	X(B_GID, "gid")                                                                            \
	X(B_COMM, "comm")                                                                          \
	X(B_NSECS, "nsecs")                                                                        \
	X(B_ELAPSED, "elapsed")                                                                    \
	X(B_CPU, "cpu")                                                                            \
	X(B_CGROUP, "cgroup")                                                                      \
	X(B_RAND, "rand")                                                                          \
	X(B_PROBE, "probe")                                                                        \
	X(B_ARGS, "args")                                                                          \
	X(B_ARG0, "arg0")                                                                          \
	X(B_ARG1, "arg1")                                                                          \
	X(B_ARG2, "arg2")                                                                          \
	X(B_ARG3, "arg3")                                                                          \
	X(B_ARG4, "arg4")                                                                          \
	X(B_ARG5, "arg5")                                                                          \
	X(B_RETVAL, "retval")                                                                      \
	X(B_FUNC, "func")

enum sema_builtin {
	B_NONE,
#define X(e, s) e,
	SEMA_BUILTINS(X)
#undef X
};

#define SEMA_FUNCS(X)                                                                              \
	X(F_PRINTF, "printf")                                                                      \
	X(F_PRINT, "print")                                                                        \
	X(F_TIME, "time")                                                                          \
	X(F_EXIT, "exit")                                                                          \
	X(F_STR, "str")                                                                            \
	X(F_COUNT, "count")                                                                        \
	X(F_SUM, "sum")                                                                            \
	X(F_AVG, "avg")                                                                            \
	X(F_MIN, "min")                                                                            \
	X(F_MAX, "max")                                                                            \
	X(F_STATS, "stats")                                                                        \
	X(F_HIST, "hist")                                                                          \
	X(F_LHIST, "lhist")                                                                        \
	X(F_DELETE, "delete")                                                                      \
	X(F_CLEAR, "clear")                                                                        \
	X(F_ZERO, "zero")

enum sema_func {
	F_NONE,
#define X(e, s) e,
	SEMA_FUNCS(X)
#undef X
};

struct sema_var {
	const char *name;
	const struct type *type;
	int index; /* codegen slot */
};

struct sema_opts {
	const struct provider *(*find_provider)(const char *name);
	uint32_t max_strlen; /* str() capacity, including the NUL */
	/* Out: the args field tables (struct vec * of struct arg_field *) that the
	 * AST now points to; free them with sema_free_fields() after codegen. */
	struct vec field_sets;
};

void sema_free_fields(struct sema_opts *opts);

int sema_run(struct ast *ast, struct diag *d, struct program *prog, struct sema_opts *opts);

/* Names for messages and dumps. */
const char *sema_builtin_name(enum sema_builtin b);
const char *sema_func_name(enum sema_func f);

#endif
