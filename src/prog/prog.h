/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The compiler-to-runtime contract: everything the runtime needs to load,
 * attach, decode events and print maps, without ever seeing the AST or
 * LLVM. Sema fills it, codegen adds the ELF object, the runtime reads it.
 */
#ifndef SONDE_PROG_H
#define SONDE_PROG_H

#include "prog/type.h"
#include "util/diag.h"
#include "util/util.h"

enum agg_kind {
	AGG_NONE,    /* plain value map: @x = expr */
	AGG_COUNT,   /* u64 */
	AGG_SUM,     /* s64 */
	AGG_AVG,     /* struct agg_avg */
	AGG_MIN,     /* struct agg_minmax */
	AGG_MAX,     /* struct agg_minmax */
	AGG_STATS,   /* struct agg_avg */
	AGG_HIST,    /* BPF key = user key + u64 bucket; value u64 count */
	AGG_LHIST,   /* same */
	AGG_TSERIES, /* BPF key = user key + u64 epoch; value struct agg_tseries (not per CPU) */
};

/* tseries(v, interval, n[, agg]): how values of one interval combine. */
enum tseries_agg {
	TS_LAST, /* the default: the last value */
	TS_AVG,
	TS_MAX,
	TS_MIN,
	TS_SUM,
	TS_COUNT,
};

/* One interval of a tseries(): count 0 is an interval without a value. */
struct agg_tseries {
	int64_t value; /* avg: the total */
	uint64_t count;
};

/* Per-CPU storage of avg() and stats(). */
struct agg_avg {
	int64_t total;
	uint64_t count;
};

/* Per-CPU storage of min() and max(): `set` tells a real value from 0. */
struct agg_minmax {
	int64_t value;
	uint64_t set;
};

struct map_desc {
	const char *name; /* "@x", "@" */
	int id;
	enum agg_kind agg;
	const struct type *key;	  /* user key type; NULL for a scalar map */
	const struct type *value; /* AGG_NONE: the stored value type */
	uint32_t key_size;	  /* BPF key size (scalar maps use a u64 0 key) */
	uint32_t value_size;	  /* BPF value size (per CPU for per-CPU maps) */
	uint32_t bpf_type;	  /* BPF_MAP_TYPE_* */
	uint32_t max_entries;
	bool percpu;
	int hist_k;				  /* hist(n, k) */
	int64_t lhist_min, lhist_max, lhist_step; /* lhist(n, min, max, step) */
	int64_t ts_interval, ts_num;		  /* tseries(v, interval_ns, num_intervals) */
	enum tseries_agg ts_agg;
	int fd; /* runtime: map fd */
};

enum event_kind {
	EV_PRINTF,	/* fmt, args */
	EV_PRINT_MAP,	/* map_id, top, div */
	EV_PRINT_VALUE, /* args[0] is the value */
	EV_TIME,	/* fmt (strftime) */
	EV_EXIT,	/* args[0] is the int64 exit code */
	EV_CLEAR,	/* map_id */
	EV_ZERO,	/* map_id */
	EV_DELETE_ALL,	/* unused placeholder for future */
	EV_SYSTEM,	/* fmt, args: run the formatted command (--unsafe) */
	EV_CAT,		/* fmt, args: print the formatted file's contents (top = byte limit) */
	EV_JOIN,	/* fmt = separator; args[0]: char[top][div] strings, empty ones end */
	EV_ERRORF,	/* fmt, args; errorf()/warnf()/assert(): located message on stderr */
	EV_WARNF,	/* same, as a warning */
	/* -k: a helper failed at loc; top = BPF_FUNC_* id; args: int64 retcode.
	 * Codegen adds one per checked call site (not in -d types). */
	EV_HELPER_ERROR,
	/* A runtime check failed at loc (top = enum rt_error); no payload.
	 * Not gated by -k, as in bpftrace. */
	EV_RUNTIME_ERROR,
};

enum rt_error {
	RT_ERR_DIV_ZERO, /* `/` or `%` by 0: the result is 1 */
};

struct event_arg {
	const struct type *type;
	uint32_t offset; /* from the start of the record (after the u64 event id) */
};

/*
 * Every ring-buffer record starts with a u64 event id (index into
 * program.events), followed by the event's arguments at their offsets.
 */
struct event_desc {
	int id;
	enum event_kind kind;
	const char *fmt;
	int nargs;
	struct event_arg *args;
	uint32_t size; /* payload size after the id */
	int map_id;
	int64_t top, div;
	struct span loc; /* EV_ERRORF/EV_WARNF: where the call is */
};

struct provider;
struct attach_target;

/*
 * What a program's context is, when codegen must find args and the cookie
 * some other way than from the provider's native context.
 */
enum prog_ctx {
	PROG_CTX_NATIVE,
	/*
	 * A raw tracepoint on sys_enter/sys_exit standing in for many
	 * syscalls:sys_{enter,exit}_* tracepoints: the prologue builds the
	 * tracepoint record on the stack and takes the cookie (+1, 0: not
	 * traced) from the array map PROG_SYSCALL_MAP_FMT indexed by nr.
	 */
	PROG_CTX_SYSCALL_ENTER,
	PROG_CTX_SYSCALL_EXIT,
	/* usdt: argN from the targets' argument specs (cookie >> 32 picks one). */
	PROG_CTX_USDT,
	/* iter:*: the program returns at once when ctx->task (offset 8) is NULL. */
	PROG_CTX_ITER,
};

#define PROG_SYSCALL_MAP_FMT "sc_%s" /* %s: prog_desc.func_name */
#define PROG_SYSCALL_MAX     1024

/* One BPF program: the code of one probe body, attached at every target. */
struct prog_desc {
	const char *func_name; /* ELF symbol of the program */
	const char *section;   /* ELF section: decides the BPF program type */
	const struct provider *prov;
	struct vec targets; /* struct attach_target * */
	bool is_begin, is_end;
	int probe_index; /* source order, for BEGIN/END ordering */
	int ctx_kind;	 /* enum prog_ctx, set by the provider's prepare() */
	struct span loc; /* the attach points in the script, for attach errors */
};

/* ELF symbol of user map `id` (codegen defines it, the runtime finds it). */
#define PROG_MAP_SYMBOL_FMT "m%d"

/* Names of the internal maps that the runtime knows. */
#define PROG_RINGBUF_MAP "sonde_rb"
#define PROG_STATS_MAP	 "sonde_stats" /* per-CPU u64 counters: enum prog_stat */
#define PROG_CFG_MAP	 "sonde_cfg"   /* array[1] of struct prog_cfg */
/* STACK_TRACE maps, one per frame limit used ("sonde_stacks_%d"): the kernel
 * hashes only the frames it keeps, so equal truncated stacks share an id. */
#define PROG_STACK_MAP_FMT "sonde_stacks_%d"
/* ustack(build_id): the same, made with BPF_F_STACK_BUILD_ID (frames are
 * struct bpf_stack_build_id: build id + file offset, or the ip). */
#define PROG_BUILD_ID_STACK_MAP_FMT "sonde_bstacks_%d"
/* Hash u32 tgid -> u64 of processes whose user stacks/addresses were taken:
 * userspace records their mappings while they live, then deletes the key. */
#define PROG_PIDS_MAP	 "sonde_pids"
#define PROG_SCRATCH_MAP "sonde_scratch" /* per-CPU room for big values (codegen) */

enum prog_stat {
	STAT_LOST_EVENTS,
	STAT_MAP_FULL, /* failed updates of some map (when its id is not known) */
	STAT__COUNT,
};
/* After the fixed counters, one per user map: its failed updates (map full). */
#define PROG_STAT_MAP_FULL(map_id) (STAT__COUNT + (map_id))
/* Then one per helper call site whose failures are counted (-k reports them). */

struct prog_cfg {
	uint64_t start_ns; /* bpf_ktime_get_boot_ns() at start, for `elapsed` */
};

/* missing_probes: what a probe that cannot attach does. */
enum prog_missing { MISSING_ERROR, MISSING_WARN, MISSING_IGNORE };

struct program {
	struct arena arena;
	struct vec maps;	/* struct map_desc * */
	struct vec events;	/* struct event_desc * */
	struct vec progs;	/* struct prog_desc * */
	struct vec probe_names; /* char *: `probe` builtin values (BPF cookie index) */
	int *name_slots;	/* open-addressing index over probe_names (-1: empty) */
	size_t name_cap;
	uint32_t ringbuf_size;
	struct vec strings; /* char *: compile-time strings for the runtime (strftime formats) */
	const struct source *source; /* the script, for errorf()/warnf() messages */
	uint64_t stack_limits[2];    /* bit n: a stack map for n frames is used */
	uint64_t build_id_limits[2]; /* same, for ustack(build_id) maps */
	bool uses_user_syms;	     /* ustack/usym: define PROG_PIDS_MAP */
	/* A string of str_trunc_size bytes that str() filled (no room for more
	 * than size - 1 characters) prints with this trailer, as in bpftrace. */
	uint32_t str_trunc_size;
	const char *str_trunc_trailer;
	int target_pid; /* -p/-c: probes other than BEGIN/END/uprobes fire only in it */
	/* Settings of the config block or BPFTRACE_* (0 / false / NULL: the default). */
	bool no_exit_maps;	 /* print_maps_on_exit = false */
	bool no_cpp_demangle;	 /* cpp_demangle = false */
	int missing_probes;	 /* enum prog_missing */
	uint32_t max_probes;	 /* attach at most this many probes (0: no limit) */
	uint32_t max_bpf_progs;	 /* load at most this many programs (0: no limit) */
	uint32_t log_size;	 /* verifier log buffer size (0: libbpf's) */
	uint32_t on_stack_limit; /* values above this many bytes go to scratch space */
	const char *license;	 /* the programs' license (NULL: "GPL") */
	/* Filled by codegen. */
	void *elf;
	size_t elf_size;
};

void prog_init(struct program *p);
void prog_free(struct program *p);
struct map_desc *prog_map(const struct program *p, int id);
struct event_desc *prog_event(const struct program *p, int id);
/* Add a probe name; returns its index (existing names are reused). */
int prog_probe_name(struct program *p, const char *name);
/* Add a string to program.strings; returns its index (equal strings are reused). */
int prog_string(struct program *p, const char *s);

/* -d types: the contract in a readable form (maps, events, programs). */
void prog_dump(const struct program *p, struct strbuf *sb);

/* Bucket maths shared by codegen and output. */
/* Index of the hist() bucket for value v with k sub-buckets per power of two. */
int64_t agg_hist_bucket(int64_t v, int k);
/* Inclusive lower bound of bucket idx, and whether idx is the negative bucket. */
int64_t agg_hist_bucket_low(int64_t idx, int k);
/* Number of lhist buckets including under- and overflow. */
int64_t agg_lhist_nbuckets(int64_t min, int64_t max, int64_t step);

#endif
