// SPDX-License-Identifier: GPL-2.0
/* Loading: the object comes from memory; libbpf's log is captured. */
#include "runtime/rt.h"
#include "probes/provider.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

static struct strbuf libbpf_log;
static bool libbpf_echo;

static int print_fn(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	va_list ap2;

	va_copy(ap2, ap);
	if (libbpf_echo)
		vfprintf(stderr, fmt, ap2);
	va_end(ap2);
	if (level != LIBBPF_DEBUG)
		sb_vprintf(&libbpf_log, fmt, ap);
	return 0;
}

/* One sentence of advice for a verifier message. */
static const char *verifier_advice(const char *reason)
{
	static const struct {
		const char *what, *advice;
	} table[] = {
		{"too large", "the program is too large for the kernel: split the work across "
			      "several probes"},
		{"too complex", "the program is too complex for the verifier: use fewer branches, "
				"loop with `for ($i : 0..N)` (bpf_loop) rather than `while`, or "
				"split the work across several probes"},
		{"loop", "the verifier cannot prove that this loop ends: give it a constant bound"},
		{"back-edge", "the verifier cannot prove that this loop ends: give it a constant "
			      "bound"},
		{"stack", "this probe uses too much BPF stack: use fewer or smaller strings and "
			  "tuples"},
		{"ctx", "this reads outside the probe's context: check the field used here"},
		{"mem access", "this reads memory that the verifier cannot prove valid; this is "
			       "probably a bug in sonde: please report it with the -d verifier "
			       "output"},
	};

	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (strstr(reason, table[i].what))
			return table[i].advice;
	return "this is probably a bug in sonde: please report it with the -d verifier output";
}

/*
 * The verifier log: the last lines carry the reason, and the last source
 * annotation before it ("; <source text> @ FILE:LINE", from the BTF line
 * info that codegen emits) says which script line failed.
 */
static void explain_load_failure(struct rt *rt, struct strbuf *err, int rc)
{
	const char *log = libbpf_log.buf ? libbpf_log.buf : "";
	const char *p = strstr(log, "-- BEGIN PROG LOAD LOG --");
	char line[512] = "";

	if (p) {
		const char *end = strstr(p, "-- END PROG LOAD LOG --");
		/* the line before the last "processed N insns" is usually the reason */
		const char *q = end ? end : p + strlen(p);
		const char *lines[4] = {0};
		int nl = 0;
		for (const char *s = p; s < q;) {
			const char *e = memchr(s, '\n', (size_t)(q - s));
			if (!e)
				e = q;
			if (s[0] == ';' && s[1] == ' ') {
				/* "; text @ FILE:LINE": the line number follows the last ':' */
				const char *c = e;
				while (c > s && c[-1] != ':')
					c--;
				int ln = atoi(c);
				const char *at = strstr(s, " @ ");
				if (c > s && ln > 0 && at && at < e)
					rt->fail_line = ln;
			} else if (e > s && strncmp(s, "processed", 9) && strncmp(s, "--", 2) &&
				   strncmp(s, "verification time", 17) &&
				   strncmp(s, "stack depth", 11) &&
				   /* the states after "infinite loop detected" */
				   strncmp(s, "cur state:", 10) && strncmp(s, "old state:", 10)) {
				lines[nl++ % 4] = s;
			}
			s = e + 1;
		}
		if (nl) {
			const char *s = lines[(nl - 1) % 4];
			const char *e = strchr(s, '\n');
			size_t n = e ? (size_t)(e - s) : strlen(s);
			if (n >= sizeof(line))
				n = sizeof(line) - 1;
			memcpy(line, s, n);
			line[n] = 0;
		}
	}
	if (line[0]) {
		sb_printf(err,
			  "the kernel's verifier rejected the program: %s (-d verifier shows its "
			  "log)",
			  line);
		rt->fail_hint = verifier_advice(line);
	} else {
		sb_printf(err, "loading the BPF program failed: %s", strerror(-rc));
	}
}

/*
 * fentry/fexit programs fail to load (EPERM as root, or ENOTSUPP) where
 * the kernel cannot build BPF trampolines (no ftrace).
 */
static bool uses_trampolines(const struct program *p)
{
	for (size_t i = 0; i < p->progs.n; i++) {
		const struct prog_desc *pd = p->progs.v[i];

		if (pd->section &&
		    (!strncmp(pd->section, "fentry/", 7) || !strncmp(pd->section, "fexit/", 6)))
			return true;
	}
	return false;
}

int rt_load(struct rt *rt, FILE *out, struct strbuf *err)
{
	struct program *p = rt->prog;
	char name[32];
	int rc;

	sb_reset(&libbpf_log);
	libbpf_echo = rt->debug_libbpf;
	libbpf_set_print(print_fn);
	libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
	/* Kernels >= 5.11 account BPF memory to the cgroup; raise the limit only if it helps. */
	struct rlimit rl = {RLIM_INFINITY, RLIM_INFINITY};
	setrlimit(RLIMIT_MEMLOCK, &rl);

	LIBBPF_OPTS(bpf_object_open_opts, oo, .object_name = "sonde");
	rt->obj = bpf_object__open_mem(p->elf, p->elf_size, &oo);
	if (!rt->obj) {
		sb_printf(err, "cannot open the generated BPF object: %s", strerror(errno));
		return -1;
	}
	if (rt->debug_verifier) {
		struct bpf_program *prog;
		bpf_object__for_each_program(prog, rt->obj) bpf_program__set_log_level(prog, 2);
	}
	/* Programs that multi links will attach must say so when loaded. */
	for (size_t i = 0; i < p->progs.n; i++) {
		const struct prog_desc *pd = p->progs.v[i];
		struct bpf_program *prog =
			pd->prov && pd->prov->load_attach_type ? rt_program(rt, pd) : NULL;
		int type = prog ? pd->prov->load_attach_type(pd) : 0;

		if (type)
			bpf_program__set_expected_attach_type(prog, (enum bpf_attach_type)type);
	}
	/* config log_size: one buffer of that size for the verifier's log. */
	char *log_buf = p->log_size ? xcalloc(1, p->log_size) : NULL;
	if (log_buf) {
		struct bpf_program *prog;
		bpf_object__for_each_program(prog, rt->obj)
			bpf_program__set_log_buf(prog, log_buf, p->log_size);
	}
	rc = bpf_object__load(rt->obj);
	/* libbpf prints only logs it allocated: pass ours on the same way. */
	if (log_buf && log_buf[0] && (rc || rt->debug_verifier))
		sb_printf(&libbpf_log, "-- BEGIN PROG LOAD LOG --\n%s-- END PROG LOAD LOG --\n",
			  log_buf);
	free(log_buf);
	if (rc) {
		if (uses_trampolines(p) && (rc == -EPERM || rc == -EOPNOTSUPP || rc == -524))
			sb_printf(err, "fentry/fexit are not available: this kernel cannot attach "
				       "BPF trampolines");
		else if (rc == -EPERM)
			sb_printf(err,
				  "loading BPF programs needs root (or CAP_BPF and CAP_PERFMON)");
		else
			explain_load_failure(rt, err, rc);
		if (rt->debug_verifier && libbpf_log.buf)
			fputs(libbpf_log.buf, stderr);
		return -1;
	}
	if (rt->debug_verifier && libbpf_log.buf)
		fputs(libbpf_log.buf, stderr);
	for (size_t i = 0; i < p->maps.n; i++) {
		struct map_desc *md = p->maps.v[i];
		snprintf(name, sizeof(name), PROG_MAP_SYMBOL_FMT, md->id);
		struct bpf_map *m = bpf_object__find_map_by_name(rt->obj, name);
		md->fd = m ? bpf_map__fd(m) : -1;
	}
	struct bpf_map *m = bpf_object__find_map_by_name(rt->obj, PROG_STATS_MAP);
	rt->stats_fd = m ? bpf_map__fd(m) : -1;
	m = bpf_object__find_map_by_name(rt->obj, PROG_CFG_MAP);
	rt->cfg_fd = m ? bpf_map__fd(m) : -1;
	out_stack_init(rt->obj);
	rt->out.f = out;
	rt->out.prog = p;
	rt->out.ncpus = libbpf_num_possible_cpus();
	return 0;
}

struct bpf_program *rt_program(struct rt *rt, const struct prog_desc *pd)
{
	return bpf_object__find_program_by_name(rt->obj, pd->func_name);
}

int rt_run_once(struct rt *rt, const struct prog_desc *pd, struct strbuf *err)
{
	struct bpf_program *prog = rt_program(rt, pd);
	uint64_t args[1] = {0};
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = args, .ctx_size_in = sizeof(args));

	if (!prog || bpf_prog_test_run_opts(bpf_program__fd(prog), &opts)) {
		sb_printf(err, "could not run the %s probe: %s", pd->is_begin ? "BEGIN" : "END",
			  strerror(errno));
		return -1;
	}
	return 0;
}

void rt_close(struct rt *rt)
{
	rt_helper_errors_done(rt);
	if (rt->rb)
		ring_buffer__free(rt->rb);
	rt->rb = NULL;
	if (rt->obj)
		bpf_object__close(rt->obj);
	rt->obj = NULL;
	free(rt->full_reported);
	rt->full_reported = NULL;
	sb_free(&libbpf_log);
}
