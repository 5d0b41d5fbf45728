// SPDX-License-Identifier: GPL-2.0
/*
 * The pipeline: options -> source -> parse -> sema -> codegen -> load ->
 * attach -> BEGIN -> event loop -> detach -> END -> report -> teardown.
 */
#include "driver.h"
#include "child.h"
#include "list.h"

#include "codegen/codegen.h"
#include "parser/parser.h"
#include "probes/iter.h"
#include "probes/multi.h"
#include "probes/provider.h"
#include "runtime/rt.h"
#include "sema/sema.h"
#include "symbols/symbols.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <getopt.h>
#include <sys/stat.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SONDE_VERSION "0.1.0"

struct options {
	const char *prog_text; /* -e */
	const char *cmd;       /* -c */
	bool list;	       /* -l: list probes (pattern in list_pattern) */
	const char *list_pattern;
	const char *file;
	const char *output;
	const char *emit_elf, *emit_llvm;
	enum out_format format;
	int buffering; /* _IOLBF, _IOFBF or _IONBF */
	bool quiet, dry_run, verify_ir, verbose, warnings_k, no_warnings, unsafe;
	bool d_tokens, d_ast, d_types, d_ir, d_ir_opt, d_libbpf, d_verifier;
	char **pos; /* positional parameters */
	int npos;
	char **named; /* named program arguments: "--name[=value]" */
	int nnamed;
	const char *incdirs[32]; /* -I */
	int nincdirs;
	const char *incfiles[32]; /* --include */
	int nincfiles;
};

/* Reorder args in place: positional ones first, then the named ones
 * (--name[=value], before or after a `--`, which is dropped). */
static void split_args(struct options *o, char **args, int n, bool after_sep)
{
	char *named[n > 0 ? n : 1];
	int np = 0, nn = 0;

	for (int i = 0; i < n; i++) {
		if (!after_sep && !strcmp(args[i], "--"))
			after_sep = true;
		else if (!strncmp(args[i], "--", 2) && args[i][2])
			named[nn++] = args[i];
		else
			args[np++] = args[i];
	}
	memcpy(args + np, named, (size_t)nn * sizeof(*named));
	o->pos = args;
	o->npos = np;
	o->named = args + np;
	o->nnamed = nn;
}

static volatile int stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/* self:signal:SIGUSR1: leave the event loop to run those probes. */
#define STOP_SELF_SIGNAL 2

static volatile sig_atomic_t self_pending, in_loop;

static void on_sigusr1(int sig)
{
	(void)sig;
	self_pending = 1;
	/* Wake the event loop; before it runs, a stop would end attaching. */
	if (in_loop && !stop_requested)
		stop_requested = STOP_SELF_SIGNAL;
}

static bool is_self(const struct prog_desc *pd)
{
	return pd->prov && !strcmp(pd->prov->name, "self");
}

/* Run the self:signal:SIGUSR1 probes (BPF_PROG_TEST_RUN, like BEGIN). */
static void run_self(struct rt *rt)
{
	struct strbuf err;

	sb_init(&err);
	for (size_t i = 0; i < rt->prog->progs.n; i++) {
		struct prog_desc *pd = rt->prog->progs.v[i];

		if (!is_self(pd))
			continue;
		sb_reset(&err);
		if (rt_run_once(rt, pd, &err))
			fprintf(stderr, "ERROR: %s\n", err.buf);
		rt_drain(rt);
	}
	sb_free(&err);
}

/* -c: sonde stops when its child exits. */
static void on_sigchld(int sig)
{
	(void)sig;
	if (child_check_exited())
		stop_requested = 1;
}

static void usage(FILE *f)
{
	fprintf(f, "USAGE:\n"
		   "    sonde [options] FILE [ARGS...]\n"
		   "    sonde [options] -e 'program' [ARGS...]\n"
		   "\n"
		   "OPTIONS:\n"
		   "    -e PROGRAM         run PROGRAM (FILE '-' reads the program from stdin)\n"
		   "    -o, --output FILE  write tracing output to FILE instead of stdout\n"
		   "    -f, --format FMT   output format: text (default), json or folded\n"
		   "    -B MODE            output buffering: line (default), full or none\n"
		   "    -p, --pid PID      trace process PID only\n"
		   "    -c, --cmd CMD      run CMD and trace it (cpid is its pid)\n"
		   "    -l [PATTERN]       list probes matching PATTERN (-lv: with their args);\n"
		   "                       with -e or a script file: the probes it attaches\n"
		   "    -q, --quiet        do not print the 'Attached N probes' line\n"
		   "    -v, --verbose      verbose messages (program contract, attach details)\n"
		   "    -k, --warnings     report runtime helper errors as warnings\n"
		   "    --no-warnings      do not print warnings\n"
		   "    --unsafe           allow unsafe builtins (system, signal...)\n"
		   "    -I DIR             add DIR to the include path (macro constants; types "
		   "come from BTF)\n"
		   "    --include FILE     include FILE (macro constants; types come from BTF)\n"
		   "    -b, --btf          accepted for compatibility (BTF is always used)\n"
		   "    -d, --debug STAGE  dump a stage (comma list): tokens, ast, types, ir,\n"
		   "                       ir-opt, verifier, libbpf, all\n"
		   "    --dry-run          compile, load and attach, then exit without tracing\n"
		   "    --no-feature LIST  do not use these kernel features (comma list):\n"
		   "                       uprobe_multi, kprobe_multi, kprobe_session\n"
		   "    --emit-elf FILE    write the generated BPF ELF object to FILE\n"
		   "    --emit-llvm FILE   write the optimised LLVM IR to FILE\n"
		   "    --verify-llvm-ir   verify the generated LLVM IR (always done)\n"
		   "    --info             print kernel and build features and exit\n"
		   "    -h, --help         show this help and exit\n"
		   "    -V, --version      print the version and exit\n"
		   "\n"
		   "EXAMPLES:\n"
		   "    sonde -e 'BEGIN { printf(\"hello\\n\"); exit(); }'\n"
		   "    sonde -e 'tracepoint:syscalls:sys_enter_openat { @[comm] = count(); }'\n"
		   "    sonde -f json -e 'profile:hz:99 { @[kstack] = count(); }'\n");
}

static int parse_debug(struct options *o, const char *arg)
{
	char *copy = xstrdup(arg), *save = NULL;
	int rc = 0;

	for (char *s = strtok_r(copy, ",", &save); s; s = strtok_r(NULL, ",", &save)) {
		bool all = !strcmp(s, "all");
		bool known = all;
		if (all || !strcmp(s, "tokens") || !strcmp(s, "parse"))
			o->d_tokens = known = true;
		if (all || !strcmp(s, "ast"))
			o->d_ast = known = true;
		if (all || !strcmp(s, "types"))
			o->d_types = known = true;
		if (all || !strcmp(s, "ir") || !strcmp(s, "codegen"))
			o->d_ir = known = true;
		if (all || !strcmp(s, "ir-opt") || !strcmp(s, "codegen-opt"))
			o->d_ir_opt = known = true;
		if (all || !strcmp(s, "libbpf"))
			o->d_libbpf = known = true;
		if (all || !strcmp(s, "verifier"))
			o->d_verifier = known = true;
		if (!known) {
			fprintf(stderr,
				"ERROR: unknown debug stage '%s': use tokens, ast, types, ir, "
				"ir-opt, "
				"libbpf, verifier or all\n",
				s);
			rc = -1;
		}
	}
	free(copy);
	return rc;
}

static int parse_format(struct options *o, const char *arg)
{
	if (!strcmp(arg, "text"))
		o->format = OUT_TEXT;
	else if (!strcmp(arg, "json"))
		o->format = OUT_JSON;
	else if (!strcmp(arg, "folded"))
		o->format = OUT_FOLDED;
	else {
		fprintf(stderr, "ERROR: Invalid output format \"%s\" (use text, json or folded)\n",
			arg);
		return -1;
	}
	return 0;
}

static int parse_buffering(struct options *o, const char *arg)
{
	if (!strcmp(arg, "line"))
		o->buffering = _IOLBF;
	else if (!strcmp(arg, "full"))
		o->buffering = _IOFBF;
	else if (!strcmp(arg, "none"))
		o->buffering = _IONBF;
	else {
		fprintf(stderr, "ERROR: invalid buffering mode '%s': use line, full or none\n",
			arg);
		return -1;
	}
	return 0;
}

static int parse_options(struct options *o, int argc, char **argv)
{
	enum {
		OPT_DRY_RUN = 256,
		OPT_EMIT_ELF,
		OPT_EMIT_LLVM,
		OPT_VERIFY,
		OPT_NO_WARNINGS,
		OPT_UNSAFE,
		OPT_INCLUDE,
		OPT_INFO,
		OPT_NO_FEATURE,
	};
	static const struct option longopts[] = {
		{"help", no_argument, NULL, 'h'},
		{"pid", required_argument, NULL, 'p'},
		{"cmd", required_argument, NULL, 'c'},
		{"version", no_argument, NULL, 'V'},
		{"quiet", no_argument, NULL, 'q'},
		{"verbose", no_argument, NULL, 'v'},
		{"warnings", no_argument, NULL, 'k'},
		{"output", required_argument, NULL, 'o'},
		{"format", required_argument, NULL, 'f'},
		{"debug", required_argument, NULL, 'd'},
		{"btf", no_argument, NULL, 'b'},
		{"dry-run", no_argument, NULL, OPT_DRY_RUN},
		{"emit-elf", required_argument, NULL, OPT_EMIT_ELF},
		{"emit-llvm", required_argument, NULL, OPT_EMIT_LLVM},
		{"verify-llvm-ir", no_argument, NULL, OPT_VERIFY},
		{"no-warnings", no_argument, NULL, OPT_NO_WARNINGS},
		{"unsafe", no_argument, NULL, OPT_UNSAFE},
		{"include", required_argument, NULL, OPT_INCLUDE},
		{"info", no_argument, NULL, OPT_INFO},
		{"no-feature", required_argument, NULL, OPT_NO_FEATURE},
		{NULL, 0, NULL, 0},
	};
	int c, nearly = 0;
	int early[argc > 0 ? argc : 1]; /* --name[=value] met among the options */

	o->buffering = _IOLBF;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:e:ho:qd:Vf:B:vkI:bp:c:l", longopts, NULL)) != -1) {
		switch (c) {
		case 'p': {
			char *end;
			long pid;

			errno = 0;
			pid = strtol(optarg, &end, 10);
			if (*end || end == optarg || errno) {
				fprintf(stderr,
					"ERROR: Failed to parse pid: pid '%s' is not a valid "
					"decimal number\n",
					optarg);
				return -1;
			}
			if (pid < 1 || pid > 1 << 22) {
				fprintf(stderr,
					"ERROR: Failed to parse pid: pid '%s' out of valid pid "
					"range [1,%d]\n",
					optarg, 1 << 22);
				return -1;
			}
			if (kill((pid_t)pid, 0)) {
				fprintf(stderr, "ERROR: -p %s: no such process\n", optarg);
				return -1;
			}
			provider_pid = (int)pid;
			break;
		}
		case 'c':
			o->cmd = optarg;
			break;
		case 'l':
			o->list = true;
			break;
		case 'e':
			o->prog_text = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			printf("sonde v%s\n", SONDE_VERSION);
			exit(0);
		case OPT_INFO:
			exit(driver_info(stdout, SONDE_VERSION) ? 1 : 0);
		case 'q':
			o->quiet = true;
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'k':
			o->warnings_k = true;
			break;
		case 'b':
			break; /* types come from BTF */
		case 'I':
			/* Headers are read for macro constants only. */
			if (o->nincdirs < (int)ARRAY_SIZE(o->incdirs))
				o->incdirs[o->nincdirs++] = optarg;
			break;
		case OPT_INCLUDE:
			if (o->nincfiles < (int)ARRAY_SIZE(o->incfiles))
				o->incfiles[o->nincfiles++] = optarg;
			break;
		case 'o':
			o->output = optarg;
			break;
		case 'f':
			if (parse_format(o, optarg))
				return -1;
			break;
		case 'B':
			if (parse_buffering(o, optarg))
				return -1;
			break;
		case 'd':
			if (parse_debug(o, optarg))
				return -1;
			break;
		case OPT_DRY_RUN:
			o->dry_run = true;
			break;
		case OPT_EMIT_ELF:
			o->emit_elf = optarg;
			break;
		case OPT_EMIT_LLVM:
			o->emit_llvm = optarg;
			break;
		case OPT_VERIFY:
			o->verify_ir = true;
			break;
		case OPT_NO_WARNINGS:
			o->no_warnings = true;
			break;
		case OPT_UNSAFE:
			o->unsafe = true;
			break;
		case OPT_NO_FEATURE:
			if (multi_no_feature(optarg)) {
				fprintf(stderr,
					"ERROR: --no-feature %s: features are kprobe_multi, "
					"kprobe_session and uprobe_multi\n",
					optarg);
				return -1;
			}
			break;
		case ':':
			fprintf(stderr, "ERROR: option '%s' needs an argument\n", argv[optind - 1]);
			usage(stderr);
			return -1;
		default:
			if (!optopt && o->prog_text && !strncmp(argv[optind - 1], "--", 2)) {
				/* after -e PROGRAM: a named argument for getopt() */
				early[nearly++] = optind - 1;
				break;
			}
			if (optopt)
				fprintf(stderr, "ERROR: unknown option '-%c'\n", optopt);
			else
				fprintf(stderr, "ERROR: unknown option '%s'\n", argv[optind - 1]);
			usage(stderr);
			return -1;
		}
	}
	if (o->list && !o->prog_text) {
		/* -l PATTERN, or -l FILE for the probes of a script. */
		struct stat st;

		if (optind < argc && !(stat(argv[optind], &st) == 0 && S_ISREG(st.st_mode))) {
			const char *dot = strrchr(argv[optind], '.');

			if (dot && !strcmp(dot, ".bt") && !strchr(argv[optind], ':'))
				fprintf(stderr,
					"WARNING: It appears that '%s' is a filename but the file "
					"does not exist. Treating '%s' as a search pattern.\n",
					argv[optind], argv[optind]);
			o->list_pattern = argv[optind++];
			return 0;
		}
		if (optind >= argc)
			return 0;
	}
	if (!o->prog_text) {
		if (optind >= argc) {
			fprintf(stderr,
				"ERROR: no program given: use -e 'program' or a script file\n");
			usage(stderr);
			return -1;
		}
		o->file = argv[optind++];
	}
	/* Remaining arguments are positional parameters ($1...) and named ones
	 * (--name[=value]) for getopt(); named ones met among the options are
	 * moved just before them first. */
	bool after_sep = optind > 0 && !strcmp(argv[optind - 1], "--");
	if (nearly) {
		char *moved[nearly];
		int w = optind - 1;

		for (int i = nearly - 1; i >= 0; i--)
			moved[i] = argv[early[i]];
		for (int r = optind - 1, k = nearly - 1; r >= 1; r--) {
			if (k >= 0 && r == early[k]) {
				k--;
				continue;
			}
			argv[w--] = argv[r];
		}
		memcpy(argv + optind - nearly, moved, (size_t)nearly * sizeof(*moved));
		optind -= nearly;
	}
	split_args(o, argv + optind, argc - optind, after_sep);
	return 0;
}

static uint64_t boot_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void destroy_links(struct vec *links)
{
	for (size_t i = links->n; i-- > 0;)
		provider_link_destroy(links->v[i]);
	links->n = 0;
}

static int run_special(struct rt *rt, bool begin)
{
	struct strbuf err;
	int rc = 0;

	sb_init(&err);
	for (size_t i = 0; i < rt->prog->progs.n; i++) {
		struct prog_desc *pd = rt->prog->progs.v[i];
		if (begin ? !pd->is_begin : !pd->is_end)
			continue;
		if (rt_run_once(rt, pd, &err)) {
			fprintf(stderr, "ERROR: %s\n", err.buf);
			rc = -1;
			break;
		}
		if (!begin) /* BEGIN's output waits for the "Attached" line */
			rt_drain(rt);
	}
	sb_free(&err);
	return rc;
}

/*
 * Attaching can take long (a slow provider, thousands of targets): after a
 * second, say how far it got, at most once a second.
 */
static void attach_progress(uint64_t start_ns, uint64_t *last_ns, int done, int total)
{
	uint64_t now = boot_ns();

	if (now - start_ns < 1000000000ull || now - *last_ns < 1000000000ull)
		return;
	*last_ns = now;
	fprintf(stderr, "Attaching probes: %d of %d done (Ctrl-C stops)\n", done, total);
}

/*
 * A load failure; when the verifier named a script line, show it located
 * (from its first non-blank column to its end) with the advice.
 */
static void report_load_error(const struct rt *rt, const struct source *src, const char *msg)
{
	size_t len = 0;
	const char *p = src->text, *end = src->text + src->len;

	for (int l = 1; rt->fail_line > 0 && l < rt->fail_line && p; l++)
		p = memchr(p, '\n', (size_t)(end - p)), p = p ? p + 1 : NULL;
	if (rt->fail_line <= 0 || !p || p > end) {
		fprintf(stderr, "ERROR: %s\n", msg);
		if (rt->fail_hint)
			fprintf(stderr, "HINT: %s\n", rt->fail_hint);
		return;
	}
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	len = nl ? (size_t)(nl - p) : (size_t)(end - p);
	int first = 0, last = (int)len;
	while (first < last && (p[first] == ' ' || p[first] == '\t'))
		first++;
	while (last > first && (p[last - 1] == ' ' || p[last - 1] == '\t' || p[last - 1] == '\r'))
		last--;
	struct span sp = {rt->fail_line, first + 1, rt->fail_line, last + 1};
	struct strbuf sb;

	sb_init(&sb);
	diag_render(&sb, src, &sp, "ERROR", msg, rt->fail_hint);
	fputs(sb.buf ? sb.buf : "", stderr);
	sb_free(&sb);
}

/* A probe that did not attach: an error (true: stop), or per missing_probes
 * a warning or nothing. */
static bool attach_failed(const struct program *prog, const struct source *src,
			  const struct prog_desc *pd, const char *why)
{
	struct strbuf msg;

	if (prog->missing_probes == MISSING_IGNORE)
		return false;
	sb_init(&msg);
	diag_render(&msg, src, &pd->loc, prog->missing_probes == MISSING_WARN ? "WARNING" : "ERROR",
		    why ? why : "attach failed", NULL);
	fputs(msg.buf, stderr);
	sb_free(&msg);
	return prog->missing_probes == MISSING_ERROR;
}

/* max_probes and max_bpf_progs, when set, as bpftrace words them. */
static bool over_limits(const struct program *prog, int ntargets)
{
	if (prog->max_probes && (uint32_t)ntargets > prog->max_probes) {
		fprintf(stderr,
			"ERROR: Can't attach to %d probes because it exceeds the current limit "
			"of %u probes.\nYou can increase the limit through the "
			"BPFTRACE_MAX_PROBES environment variable, but BE CAREFUL since a high "
			"number of probes attached can cause your system to crash.\n",
			ntargets, prog->max_probes);
		return true;
	}
	if (prog->max_bpf_progs && prog->progs.n > prog->max_bpf_progs) {
		fprintf(stderr,
			"ERROR: Your program is trying to generate more than %u BPF programs, "
			"which exceeds the current limit of %u.\nYou can increase the limit "
			"through the BPFTRACE_MAX_BPF_PROGS environment variable.\n",
			(unsigned)prog->progs.n, prog->max_bpf_progs);
		return true;
	}
	return false;
}

/* Load, attach, trace, report. Returns the exit status. */
static int run(struct program *prog, const struct options *o, const struct source *src)
{
	struct rt rt = {.prog = prog, .debug_libbpf = o->d_libbpf, .debug_verifier = o->d_verifier};
	bool json = o->format == OUT_JSON;
	struct vec links = {0};
	struct strbuf err;
	FILE *out = stdout;
	int status = 1, nattached = 0;
	bool only_special = true;

	sb_init(&err);
	if (o->output && !(out = fopen(o->output, "w"))) {
		fprintf(stderr, "ERROR: cannot open %s: %s\n", o->output, strerror(errno));
		goto out;
	}
	setvbuf(out, NULL, o->buffering, 0);
	rt.out.format = o->format;
	sym_no_demangle = prog->no_cpp_demangle;
	if (rt_load(&rt, out, &err)) {
		report_load_error(&rt, src, err.buf);
		rt_close(&rt);
		goto out;
	}
	if (rt.cfg_fd >= 0) {
		struct prog_cfg cfg = {.start_ns = boot_ns()};
		uint32_t key = 0;
		bpf_map_update_elem(rt.cfg_fd, &key, &cfg, BPF_ANY);
	}
	struct sigaction sa = {.sa_handler = on_signal};
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	if (o->cmd) {
		struct sigaction sc = {.sa_handler = on_sigchld, .sa_flags = SA_NOCLDSTOP};
		sigaction(SIGCHLD, &sc, NULL);
	}

	for (size_t i = 0; i < prog->progs.n; i++) {
		if (is_self(prog->progs.v[i])) {
			struct sigaction su = {.sa_handler = on_sigusr1};
			sigaction(SIGUSR1, &su, NULL);
			break;
		}
	}
	int niter = 0, nother = 0;
	for (size_t i = 0; i < prog->progs.n; i++) {
		struct prog_desc *pd = prog->progs.v[i];
		if (pd->prov && !strcmp(pd->prov->name, "iter"))
			niter += (int)pd->targets.n;
		else if (!pd->is_begin && !pd->is_end)
			nother++;
	}
	if (niter && (niter > 1 || nother)) {
		fprintf(stderr, "ERROR: an iter probe must be the only probe (besides BEGIN and "
				"END)\n");
		goto detach;
	}

	/* BEGIN runs before any other probe is attached, as in bpftrace; what it
	 * prints is read once they are. */
	if (!o->dry_run && run_special(&rt, true))
		goto detach;
	int ntargets = 0;
	uint64_t attach_start = boot_ns(), last_progress = 0;
	for (size_t i = 0; i < prog->progs.n; i++)
		ntargets += (int)((struct prog_desc *)prog->progs.v[i])->targets.n;
	if (over_limits(prog, ntargets))
		goto detach;
	for (size_t i = 0; i < prog->progs.n && !stop_requested; i++) {
		struct prog_desc *pd = prog->progs.v[i];
		if (pd->is_begin || pd->is_end) {
			nattached++;
			continue;
		}
		only_special = false;
		struct bpf_program *bp = rt_program(&rt, pd);
		int many = 0; /* targets attached at once (multi links) */
		if (bp && pd->prov->attach_many) {
			const char *kind = multi_link_kind(bp);
			if (o->verbose && kind)
				fprintf(stderr, "%s: loaded for %s links (%zu targets)\n",
					pd->func_name, kind, pd->targets.n);
			sb_reset(&err);
			many = pd->prov->attach_many(bp,
						     (struct attach_target *const *)pd->targets.v,
						     pd->targets.n, &links, &err);
		}
		for (size_t j = 0; j < pd->targets.n && !stop_requested; j++) {
			struct attach_target *t = pd->targets.v[j];
			bool failed = many < 0 || !bp;
			if (!failed && (int)j >= many) {
				sb_reset(&err);
				failed = pd->prov->attach(bp, t, &links, &err) != 0;
			}
			if (failed) {
				if (attach_failed(prog, src, pd, err.buf))
					goto detach;
				if (many < 0 || !bp)
					break; /* the whole program failed: said once */
				continue;
			}
			/* The sites of one usdt probe count once, as in bpftrace. */
			if (!j ||
			    strcmp(t->name, ((struct attach_target *)pd->targets.v[j - 1])->name))
				nattached++;
		}
		attach_progress(attach_start, &last_progress, nattached, ntargets);
	}
	if (stop_requested)
		goto detach;
	if (!only_special && !nattached) {
		/* every probe was skipped (missing_probes warn or ignore); BEGIN
		 * and END count as attached, as in bpftrace */
		fprintf(stderr, "ERROR: Attachment failed for all probes.\n");
		goto detach;
	}
	if (json && !o->quiet)
		fprintf(out,
			"{\"type\": \"attached_probes\", \"count\": %d, \"data\": {\"probes\": "
			"%d}}\n",
			nattached, nattached);
	else if (!o->quiet)
		fprintf(stderr, "Attached %d probe%s\n", nattached, nattached == 1 ? "" : "s");
	fflush(out);
	if (o->dry_run) {
		status = 0;
		goto detach;
	}
	rt_drain(&rt);
	child_release();
	if (o->cmd && child_check_exited())
		stop_requested = 1;
	if (niter) {
		/* Reading the iterator runs the program over every object; then it is done. */
		sb_reset(&err);
		if (iter_drive_all(&err))
			fprintf(stderr, "ERROR: %s\n", err.buf);
		rt_drain(&rt);
		only_special = true;
	}
	in_loop = 1;
	while ((!only_special || o->cmd) && !rt.exit_requested) {
		if (self_pending) {
			self_pending = 0;
			run_self(&rt);
			continue;
		}
		rt_loop(&rt, &stop_requested);
		if (stop_requested != STOP_SELF_SIGNAL)
			break;
		stop_requested = 0;
	}
	in_loop = 0;
	status = 0;
detach:
	destroy_links(&links);
	if (status == 0 && !o->dry_run) {
		rt_drain(&rt); /* what the probes left; nothing printed after exit() */
		rt.in_end = true;
		run_special(&rt, false);
		rt_report_losses(&rt);
		if (!prog->no_exit_maps) {
			if (!json)
				fputs("\n\n", out);
			out_all_maps(&rt.out);
		}
		status = rt.exit_code;
	}
	fflush(out);
	rt_close(&rt);
out:
	if (out && out != stdout)
		fclose(out);
	vec_free(&links);
	sb_free(&err);
	return status;
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "w");

	if (!f || fwrite(data, 1, len, f) != len)
		fprintf(stderr, "ERROR: cannot write %s: %s\n", path, strerror(errno));
	if (f)
		fclose(f);
}

static uint32_t env_u32(const char *name, uint32_t def)
{
	const char *v = getenv(name);
	char *end;

	if (!v || !*v)
		return def;
	unsigned long n = strtoul(v, &end, 10);
	return *end || n == 0 || n > 1u << 20 ? def : (uint32_t)n;
}

int driver_main(int argc, char **argv)
{
	struct options o = {0};
	struct source src = {0};
	struct diag d;
	struct ast ast = {0};
	struct program prog;
	char *text = NULL;
	int status = 1;

	if (parse_options(&o, argc, argv))
		return 1;
	if (o.list && !o.prog_text && !o.file)
		return list_probes(o.list_pattern, o.verbose, stdout) ? 1 : 0;
	if (o.cmd) {
		struct strbuf err;
		int pid;

		if (provider_pid) {
			fprintf(stderr, "ERROR: -p and -c cannot be used together\n");
			return 1;
		}
		sb_init(&err);
		pid = child_spawn(o.cmd, &err);
		if (pid < 0)
			fprintf(stderr, "ERROR: %s\n", err.buf);
		sb_free(&err);
		if (pid < 0)
			return 1;
		provider_pid = pid; /* uprobes attach in the child, other probes filter on it */
	}
	if (o.prog_text) {
		src.name = "stdin";
		src.text = o.prog_text;
		src.len = strlen(o.prog_text);
	} else {
		size_t len;
		text = util_read_file(o.file, &len);
		if (!text) {
			fprintf(stderr, "ERROR: failed to open file '%s': %s\n", o.file,
				strerror(errno));
			return 1;
		}
		if (strlen(text) != len) {
			fprintf(stderr, "ERROR: %s is not a text file (it contains NUL bytes)\n",
				o.file);
			free(text);
			return 1;
		}
		src.name = strcmp(o.file, "-") ? o.file : "stdin";
		src.text = text;
		src.len = len;
	}
	diag_init(&d, &src);
	d.no_warnings = o.no_warnings;
	prog_init(&prog);
	if (o.d_tokens) {
		struct strbuf sb;
		sb_init(&sb);
		parse_dump_tokens(&src, &sb);
		fputs(sb.buf ? sb.buf : "", stderr);
		sb_free(&sb);
	}
	if (parse_program(&ast, &d))
		goto fail;
	if (o.d_ast) {
		struct strbuf sb;
		sb_init(&sb);
		ast_dump(ast.root, &sb);
		fputs(sb.buf ? sb.buf : "", stderr);
		sb_free(&sb);
	}
	struct sema_opts so = {
		.find_provider = provider_find,
		.pos = o.pos,
		.npos = o.npos,
		.named = o.named,
		.nnamed = o.nnamed,
		.max_strlen = env_u32("BPFTRACE_MAX_STRLEN", env_u32("BPFTRACE_STRLEN", 1024)),
		.max_cat_bytes = env_u32("BPFTRACE_MAX_CAT_BYTES", 10240),
		.unsafe = o.unsafe,
		.cpid = o.cmd ? provider_pid : 0,
		.incdirs = o.incdirs,
		.nincdirs = o.nincdirs,
		.incfiles = o.incfiles,
		.nincfiles = o.nincfiles,
	};
	prog.target_pid = provider_pid;
	if (sema_run(&ast, &d, &prog, &so)) {
		sema_free_fields(&so);
		goto fail;
	}
	diag_flush(&d, stderr);
	if (o.list) {
		list_program(&prog, o.verbose, stdout);
		sema_free_fields(&so);
		status = 0;
		goto done;
	}
	if (o.d_types || o.verbose) {
		struct strbuf sb;
		sb_init(&sb);
		prog_dump(&prog, &sb);
		fputs(sb.buf ? sb.buf : "", stderr);
		sb_free(&sb);
	}
	struct cg_opts co = {
		.dump_ir = o.d_ir ? stderr : NULL,
		.dump_ir_opt = o.d_ir_opt ? stderr : NULL,
		.verify = true,
		.emit_llvm = o.emit_llvm,
		.helper_errors = o.warnings_k && !o.no_warnings,
	};
	int cg_rc = codegen_run(&ast, &prog, &d, &co);
	sema_free_fields(&so);
	if (cg_rc)
		goto fail;
	if (o.emit_elf)
		write_file(o.emit_elf, prog.elf, prog.elf_size);
	status = run(&prog, &o, &src);
	goto done;
fail:
	diag_flush(&d, stderr);
	status = 1;
done:
	child_kill();
	provider_program_targets_free(&prog);
	prog_free(&prog);
	arena_free(&ast.arena);
	diag_free(&d);
	free(text);
	return status;
}
