/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Probe providers: one vtable per probe type (ply's pattern). Sema uses
 * expand() and fields(); the driver uses attach(). Only forward
 * declarations here, so lower layers can hold provider pointers.
 */
#ifndef SONDE_PROVIDER_H
#define SONDE_PROVIDER_H

#include "util/util.h"

struct bpf_program;
struct bpf_link;
struct provider;
struct prog_desc;
struct program;

/* One concrete attach point after wildcard expansion. */
struct attach_target {
	const struct provider *prov;
	/* Full probe name as `probe` shows it: "tracepoint:syscalls:sys_enter_openat". */
	char *name;
	/* Provider-specific: tracepoint "syscalls:sys_enter_openat", interval "s:1". */
	char *target;
	uint64_t period; /* interval/profile: period in ns, or frequency in Hz when freq */
	bool freq;
	uint64_t cookie;      /* BPF cookie: index of `name` in program.probe_names */
	int sys_nr;	      /* PROG_CTX_SYSCALL_*: syscall number + 1; 0 otherwise */
	uint64_t offset;      /* uprobe/usdt: file offset; kprobe: offset in the function */
	char *func;	      /* uprobe/kprobe: the function, for `func` (cookie >> 32) */
	char *usdt_args;      /* usdt: the note's argument specs ("-4@%edi 8@%rsi") */
	uint64_t ref_ctr_off; /* usdt: file offset of the semaphore, 0 if none */
};

/* Which pt_regs builtins a provider's context offers. */
enum provider_regs {
	PROVIDER_REGS_NONE,
	PROVIDER_REGS_ARGS,	/* arg0..arg5 */
	PROVIDER_REGS_RETVAL,	/* retval */
	PROVIDER_REGS_RAW_ARGS, /* arg0..arg5 are the context's u64 slots (raw tracepoints) */
};

/* -p PID (0: none): uprobes attach in that process. Set by the driver. */
extern int provider_pid;

/* A field of a tracepoint's (or other provider's) typed `args`. */
enum arg_field_kind {
	ARGF_INT,      /* integer of size 1/2/4/8, is_signed */
	ARGF_CHARS,    /* char name[N]: an inline string of array_len bytes */
	ARGF_DATA_LOC, /* __data_loc char[] name: u32 (len << 16 | offset) */
	ARGF_PTR,      /* a pointer (8 bytes); ctype says to what */
	ARGF_ARRAY,    /* other fixed array: elements of size/array_len bytes */
};

struct arg_field {
	char *name;
	/*
	 * C type text from the format file, e.g. "const char *". For
	 * ARGF_CHARS, ARGF_ARRAY and ARGF_DATA_LOC it is the element type
	 * ("char", "unsigned long"); the brackets are dropped.
	 */
	char *ctype;
	enum arg_field_kind kind;
	uint32_t offset, size, array_len;
	bool is_signed;
};

struct provider {
	const char *name;	    /* canonical: "tracepoint" */
	const char *const *aliases; /* NULL-terminated: "t", ... */
	const char *section;	    /* libbpf ELF section giving the program type */
	bool has_args;		    /* `args` is meaningful */
	int ctx_regs;		    /* enum provider_regs */
	/* Each target needs a program of its own: what it attaches to is
	 * fixed at load (fentry's function, iter's kind). */
	bool prog_per_target;
	/*
	 * Expand the parts of one attach point (after the provider name,
	 * split on ':') into targets appended to `out` (struct attach_target *,
	 * malloc'd; free with provider_target_free). Returns the number added,
	 * or -1 with one sentence for the user in err; PROVIDER_MISSING (also
	 * with err) when the attach point is well formed but matches nothing,
	 * which config missing_probes may turn into a warning.
	 */
#define PROVIDER_MISSING (-2)
	int (*expand)(const struct provider *p, char **parts, int nparts, struct vec *out,
		      struct strbuf *err);
	/*
	 * Typed args of a target: appends struct arg_field * to out (the
	 * caller owns them: free each with provider_field_free). Returns the
	 * number added (0 for providers without args), or -1 + err on failure.
	 */
	int (*fields)(const struct attach_target *t, struct vec *out, struct strbuf *err);
	/*
	 * Attach prog at t, pushing every struct bpf_link * it makes onto links.
	 * Returns 0, or -1 with one sentence for the user in err.
	 */
	int (*attach)(struct bpf_program *prog, const struct attach_target *t, struct vec *links,
		      struct strbuf *err);
	/*
	 * Optional, for targets that one link can cover (multi links): called
	 * once per program just before loading; returns the
	 * expected_attach_type to load it with, or 0 for the section's own.
	 */
	int (*load_attach_type)(const struct prog_desc *pd);
	/*
	 * Optional: attach prog at many targets at once, before attach() is
	 * called for the rest. Returns how many of the first targets it
	 * attached (0: none, attach() does them all), or -1 + err with
	 * nothing of its own left attached. Each target still counts as
	 * one probe.
	 */
	int (*attach_many)(struct bpf_program *prog, struct attach_target *const *targets, size_t n,
			   struct vec *links, struct strbuf *err);
	/*
	 * Optional: called by sema once all targets of pd are expanded, to
	 * choose another section/ctx_kind (e.g. one raw tracepoint for many
	 * syscall tracepoints).
	 */
	void (*prepare)(struct prog_desc *pd, struct program *p);
};

/* Find a provider by name or alias, case-insensitively; NULL if none. */
const struct provider *provider_find(const char *name);
/* All providers, NULL-terminated. */
const struct provider *const *provider_all(void);

/*
 * Split a raw attach point ("tracepoint:syscalls:sys_enter_*",
 * `uprobe:"/a:b":f`) on ':' outside double quotes, removing the quotes.
 * Returns the number of parts; *parts is malloc'd (free with provider_parts_free).
 */
int provider_split(const char *raw, char ***parts);
void provider_parts_free(char **parts, int n);
void provider_target_free(struct attach_target *t);
struct program;
/* Free the attach targets of every program of p (before prog_free). */
void provider_program_targets_free(struct program *p);
void provider_field_free(struct arg_field *f);
/*
 * Destroy a link that attach()/attach_many() pushed: a struct bpf_link *
 * or a link multi.c made with bpf(2) itself.
 */
void provider_link_destroy(void *link);

/*
 * Make sure tracefs is mounted; returns its path ("/sys/kernel/tracing"),
 * or NULL + err. The result is cached.
 */
const char *provider_tracefs(struct strbuf *err);

/* A new target of p (name and target copied; target may be NULL). */
struct attach_target *provider_target_new(const struct provider *p, const char *name,
					  const char *target);
/* Sort a vector of struct attach_target * by name (strcmp), from index `from`. */
void provider_targets_sort(struct vec *targets, size_t from);

/* software.c: the i-th software event name or alias, NULL past the end (for -l). */
const char *software_event_name(size_t i);
/* perfhw.c: the same for hardware events. */
const char *hardware_event_name(size_t i);

/*
 * perf_event helpers (perf.c), shared by interval, profile and software,
 * and by the tests.
 */
/* Open a PERF_TYPE_SOFTWARE event on cpu (pid -1): returns the fd, or -errno. */
int perf_open_sw(uint64_t config, uint64_t period, bool freq, int cpu);
/* interval/profile: PERF_COUNT_SW_CPU_CLOCK with t->period/t->freq. */
int perf_open_cpu_clock(const struct attach_target *t, int cpu);
/* Online CPUs from /sys/devices/system/cpu/online: count, *cpus malloc'd; -errno on failure. */
int perf_online_cpus(int **cpus);
/*
 * Open a software event for t on CPU 0 or on every online CPU and attach
 * prog to each with t->cookie, pushing the links. On failure, destroys
 * what it made, leaves links as it was, and returns -1 with one sentence.
 */
int perf_attach_sw(struct bpf_program *prog, const struct attach_target *t, uint64_t config,
		   bool all_cpus, struct vec *links, struct strbuf *err);

#endif
