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
 *   N_IDENT       op = enum sema_builtin; ival = its argument (nsecs(clock):
 *                 enum sema_clock; ppid/pcomm: task_struct offsets
 *                 real_parent << 32 | tgid or comm; ncpus: the count);
 *                 str2 = probetype's value
 *   N_CALL        op = enum sema_func; id = event id when the call emits an event;
 *                 a call of a user fn: c = its inlined copy (N_FN: a = N_LET params
 *                 with a->sema = struct sema_var *, c = body, type = return type)
 *   N_FIELD       on args: sema = struct arg_field *; on tuples: id = field index;
 *                 on C structs (through a pointer when a's type is T_PTR):
 *                 op = SEMA_CFIELD, ival = byte offset, sema = struct type_field *
 *   N_UNOP *, &, N_INDEX on T_PTR/T_ARRAY, + and - with a T_PTR type: C memory
 *                 (sema_place_user() says whether it is user memory)
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
	X(B_KSTACK, "kstack")                                                                      \
	X(B_USTACK, "ustack")                                                                      \
	X(B_ARG0, "arg0")                                                                          \
	X(B_ARG1, "arg1")                                                                          \
	X(B_ARG2, "arg2")                                                                          \
	X(B_ARG3, "arg3")                                                                          \
	X(B_ARG4, "arg4")                                                                          \
	X(B_ARG5, "arg5")                                                                          \
	X(B_RETVAL, "retval")                                                                      \
	X(B_FUNC, "func")                                                                          \
	SEMA_BUILTINS_MORE(X)

/* Builtins of sema/builtins.c and codegen/builtins.c. */
#define SEMA_BUILTINS_MORE(X)                                                                      \
	X(B_PPID, "ppid")                                                                          \
	X(B_PCOMM, "pcomm")                                                                        \
	X(B_CURTASK, "curtask")                                                                    \
	X(B_JIFFIES, "jiffies")                                                                    \
	X(B_NCPUS, "ncpus")                                                                        \
	X(B_NUMAID, "numaid")                                                                      \
	X(B_USERMODE, "usermode")                                                                  \
	X(B_USERNAME, "username")                                                                  \
	X(B_CPID, "cpid")                                                                          \
	X(B_PROBETYPE, "probetype")                                                                \
	X(B_CTX, "ctx")                                                                            \
	X(B_NSECS_CLOCK, "nsecs()") /* nsecs(clock): never an identifier */

enum { SEMA_CFIELD = 1 }; /* N_FIELD.op of a C struct field */

enum sema_clock { CLOCK_BOOT_NS, CLOCK_MONO_NS, CLOCK_TAI_NS, CLOCK_SW_TAI_NS };

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
	X(F_ZERO, "zero")                                                                          \
	X(F_KSTACK, "kstack")                                                                      \
	X(F_USTACK, "ustack")                                                                      \
	X(F_KSYM, "ksym")                                                                          \
	X(F_USYM, "usym")                                                                          \
	SEMA_FUNCS_MORE(X)

/* Functions of sema/funcs.c and codegen/funcs.c. */
#define SEMA_FUNCS_MORE(X)                                                                         \
	X(F_STRLEN, "strlen")                                                                      \
	X(F_STRNCMP, "strncmp")                                                                    \
	X(F_STRCONTAINS, "strcontains")                                                            \
	X(F_STRSTR, "strstr")                                                                      \
	X(F_BSWAP, "bswap")                                                                        \
	X(F_KADDR, "kaddr")                                                                        \
	X(F_PERCPU_KADDR, "percpu_kaddr")                                                          \
	X(F_UADDR, "uaddr")                                                                        \
	X(F_PTON, "pton")                                                                          \
	X(F_NTOP, "ntop")                                                                          \
	X(F_MACADDR, "macaddr")                                                                    \
	X(F_BUF, "buf")                                                                            \
	X(F_STRERROR, "strerror")                                                                  \
	X(F_CGROUPID, "cgroupid")                                                                  \
	X(F_CGROUP_PATH, "cgroup_path")                                                            \
	X(F_STRFTIME, "strftime")                                                                  \
	X(F_HAS_KEY, "has_key")                                                                    \
	X(F_LEN, "len")                                                                            \
	X(F_FIND, "find")                                                                          \
	X(F_SIGNAL, "signal")                                                                      \
	X(F_SYSTEM, "system")                                                                      \
	X(F_CAT, "cat")                                                                            \
	X(F_JOIN, "join")                                                                          \
	X(F_DEBUGF, "debugf")                                                                      \
	X(F_ERRORF, "errorf")                                                                      \
	X(F_WARNF, "warnf")                                                                        \
	X(F_ASSERT, "assert")                                                                      \
	X(F_STATIC_ASSERT, "static_assert")                                                        \
	X(F_FAIL, "fail")                                                                          \
	X(F_TSERIES, "tseries")                                                                    \
	X(F_GETOPT, "getopt")                                                                      \
	X(F_REG, "reg")                                                                            \
	X(F_COMM, "comm") /* comm(pid); comm() becomes the builtin */

enum sema_func {
	F_NONE,
#define X(e, s) e,
	SEMA_FUNCS(X)
#undef X
};

struct sema_var {
	const char *name;
	const struct type *type;
	int index;  /* codegen slot */
	bool typed; /* declared with a type: assignments convert to it */
	bool unset; /* `let $x;` not assigned yet */
};

/* The longest string str() may read: big strings live in per-CPU scratch space (32 KiB at most). */
#define SEMA_MAX_STRLEN 8192

struct sema_opts {
	const struct provider *(*find_provider)(const char *name);
	uint32_t max_strlen; /* str() capacity, including the NUL */
	char *const *pos;    /* positional parameters $1.. (command-line arguments) */
	int npos;
	char *const *named; /* named program arguments after `--`: "--name[=value]" */
	int nnamed;
	uint32_t max_cat_bytes;	    /* cat() output limit */
	bool unsafe;		    /* --unsafe: system(), signal() allowed */
	int cpid;		    /* -c: the child's pid (0: no -c) */
	const char *const *incdirs; /* -I DIR: searched first for #include */
	int nincdirs;
	const char *const *incfiles; /* --include FILE */
	int nincfiles;
	/* Out: the args field tables (struct vec * of struct arg_field *) that the
	 * AST now points to; free them with sema_free_fields() after codegen. */
	struct vec field_sets;
};

void sema_free_fields(struct sema_opts *opts);

struct btf;
/* The kernel's BTF (/sys/kernel/btf/vmlinux), loaded once on first use; NULL if none. */
struct btf *sema_vmlinux_btf(void);

int sema_run(struct ast *ast, struct diag *d, struct program *prog, struct sema_opts *opts);

/* Names for messages and dumps. */
const char *sema_builtin_name(enum sema_builtin b);
const char *sema_func_name(enum sema_func f);

#endif
