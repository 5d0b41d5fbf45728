// SPDX-License-Identifier: GPL-2.0
/*
 * The pipeline: options -> source -> parse -> sema -> codegen -> load ->
 * attach -> BEGIN -> event loop -> detach -> END -> report -> teardown.
 */
#include "driver.h"

#include "codegen/codegen.h"
#include "parser/parser.h"
#include "probes/provider.h"
#include "runtime/rt.h"
#include "sema/sema.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SONDE_VERSION "0.1.0"

struct options {
	const char *prog_text; /* -e */
	const char *file;
	const char *output;
	const char *emit_elf, *emit_llvm;
	bool quiet, dry_run, verify_ir;
	bool helper_warnings; /* -k */
	bool d_tokens, d_ast, d_ir, d_ir_opt, d_libbpf, d_verifier;
};

static volatile int stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void usage(FILE *f)
{
	fprintf(f,
		"USAGE:\n"
		"    sonde [options] FILE [ARGS...]\n"
		"    sonde [options] -e 'program' [ARGS...]\n"
		"\n"
		"OPTIONS:\n"
		"    -e PROGRAM         run PROGRAM (FILE '-' reads the program from stdin)\n"
		"    -o, --output FILE  write tracing output to FILE instead of stdout\n"
		"    -q, --quiet        do not print the 'Attached N probes' line\n"
		"    -k                 warn about failed helper calls (reads), by script location\n"
		"    -d, --debug STAGE  dump a stage: tokens, ast, ir, ir-opt, libbpf, verifier, all\n"
		"    --dry-run          compile, load and attach, then exit without tracing\n"
		"    --emit-elf FILE    write the generated BPF ELF object to FILE\n"
		"    --emit-llvm FILE   write the optimised LLVM IR to FILE\n"
		"    --verify-llvm-ir   verify the generated LLVM IR (always done)\n"
		"    -h, --help         show this help and exit\n"
		"    -V, --version      print the version and exit\n"
		"\n"
		"EXAMPLES:\n"
		"    sonde -e 'BEGIN { printf(\"hello\\n\"); exit(); }'\n"
		"    sonde -e 'tracepoint:syscalls:sys_enter_openat { @[comm] = count(); }'\n");
}

static int parse_debug(struct options *o, const char *arg)
{
	char *copy = xstrdup(arg), *save = NULL;
	int rc = 0;

	for (char *s = strtok_r(copy, ",", &save); s; s = strtok_r(NULL, ",", &save)) {
		bool all = !strcmp(s, "all");
		bool known = all;
		if (all || !strcmp(s, "tokens"))
			o->d_tokens = known = true;
		if (all || !strcmp(s, "ast"))
			o->d_ast = known = true;
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
				"ERROR: unknown debug stage '%s': use tokens, ast, ir, ir-opt, "
				"libbpf, verifier or all\n",
				s);
			rc = -1;
		}
	}
	free(copy);
	return rc;
}

static int parse_options(struct options *o, int argc, char **argv)
{
	enum { OPT_DRY_RUN = 256, OPT_EMIT_ELF, OPT_EMIT_LLVM, OPT_VERIFY };
	static const struct option longopts[] = {
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{"quiet", no_argument, NULL, 'q'},
		{"output", required_argument, NULL, 'o'},
		{"debug", required_argument, NULL, 'd'},
		{"dry-run", no_argument, NULL, OPT_DRY_RUN},
		{"emit-elf", required_argument, NULL, OPT_EMIT_ELF},
		{"emit-llvm", required_argument, NULL, OPT_EMIT_LLVM},
		{"verify-llvm-ir", no_argument, NULL, OPT_VERIFY},
		{NULL, 0, NULL, 0},
	};
	int c;

	opterr = 0; /* our own message below, in the ERROR: format */
	while ((c = getopt_long(argc, argv, "+e:ho:qd:Vk", longopts, NULL)) != -1) {
		switch (c) {
		case 'e':
			o->prog_text = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			printf("sonde v%s\n", SONDE_VERSION);
			exit(0);
		case 'q':
			o->quiet = true;
			break;
		case 'k':
			o->helper_warnings = true;
			break;
		case 'o':
			o->output = optarg;
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
		default:
			if (c == ':' || (c == '?' && optopt && strchr("eod", optopt)))
				fprintf(stderr, "ERROR: option '%s' needs an argument\n",
					argv[optind - 1]);
			else
				fprintf(stderr, "ERROR: unknown option '%s'\n", argv[optind - 1]);
			usage(stderr);
			return -1;
		}
	}
	if (!o->prog_text) {
		if (optind >= argc) {
			fprintf(stderr, "ERROR: no program given: use -e 'program' or a script file\n");
			usage(stderr);
			return -1;
		}
		o->file = argv[optind++];
	}
	/* Remaining arguments are positional parameters ($1...). */
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
		bpf_link__destroy(links->v[i]);
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
		rt_drain(rt);
	}
	sb_free(&err);
	return rc;
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

/* Load, attach, trace, report. Returns the exit status. */
static int run(struct program *prog, const struct options *o, const struct source *src)
{
	struct rt rt = {.prog = prog, .debug_libbpf = o->d_libbpf, .debug_verifier = o->d_verifier,
			.helper_warnings = o->helper_warnings};
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

	for (size_t i = 0; i < prog->progs.n && !stop_requested; i++) {
		struct prog_desc *pd = prog->progs.v[i];
		if (pd->is_begin || pd->is_end) {
			nattached++;
			continue;
		}
		only_special = false;
		struct bpf_program *bp = rt_program(&rt, pd);
		for (size_t j = 0; j < pd->targets.n && !stop_requested; j++) {
			struct attach_target *t = pd->targets.v[j];
			sb_reset(&err);
			if (!bp || pd->prov->attach(bp, t, &links, &err)) {
				fprintf(stderr, "ERROR: %s\n", err.buf ? err.buf : "attach failed");
				goto detach;
			}
			nattached++;
		}
	}
	if (stop_requested)
		goto detach;
	if (!o->quiet)
		fprintf(stderr, "Attached %d probe%s\n", nattached, nattached == 1 ? "" : "s");
	if (o->dry_run) {
		status = 0;
		goto detach;
	}
	if (run_special(&rt, true))
		goto detach;
	if (!only_special && !rt.exit_requested)
		rt_loop(&rt, &stop_requested);
	status = 0;
detach:
	destroy_links(&links);
	if (status == 0 && !o->dry_run) {
		rt_drain(&rt); /* what the probes left; nothing printed after exit() */
		rt.in_end = true;
		run_special(&rt, false);
		rt_report_losses(&rt);
		fputs("\n\n", out);
		out_all_maps(&rt.out);
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
	if (o.prog_text) {
		src.name = "stdin";
		src.text = o.prog_text;
		src.len = strlen(o.prog_text);
	} else {
		size_t len;
		text = util_read_file(o.file, &len);
		if (!text) {
			fprintf(stderr, "ERROR: cannot read %s: %s\n", o.file, strerror(errno));
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
		.max_strlen = env_u32("BPFTRACE_MAX_STRLEN", env_u32("BPFTRACE_STRLEN", 64)),
	};
	if (sema_run(&ast, &d, &prog, &so)) {
		sema_free_fields(&so);
		goto fail;
	}
	diag_flush(&d, stderr);
	struct cg_opts co = {
		.dump_ir = o.d_ir ? stderr : NULL,
		.dump_ir_opt = o.d_ir_opt ? stderr : NULL,
		.verify = true,
		.emit_llvm = o.emit_llvm,
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
	for (size_t i = 0; i < prog.progs.n; i++) {
		struct prog_desc *pd = prog.progs.v[i];
		for (size_t j = 0; j < pd->targets.n; j++)
			provider_target_free(pd->targets.v[j]);
	}
	prog_free(&prog);
	arena_free(&ast.arena);
	diag_free(&d);
	free(text);
	return status;
}
