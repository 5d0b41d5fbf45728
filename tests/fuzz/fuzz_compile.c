// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: one input is one script, run through the lexer, the
 * parser, semantic analysis and code generation up to the BPF ELF object.
 * Nothing is loaded and no provider touches the kernel: tracepoints come
 * from a fake provider with a fixed set of typed args, so runs are
 * deterministic and need no root.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codegen/codegen.h"
#include "parser/parser.h"
#include "probes/provider.h"
#include "sema/sema.h"

static int fake_tp_expand(const struct provider *p, char **parts, int nparts, struct vec *out,
			  struct strbuf *err)
{
	if (nparts != 3 || !*parts[1] || !*parts[2]) {
		sb_printf(err, "fake tracepoint needs category:name");
		return -1;
	}
	/* Wildcards: pretend two tracepoints matched, so multi-target probes get fuzzed too. */
	int n = strpbrk(parts[2], "*?[") ? 2 : 1;
	for (int i = 0; i < n; i++) {
		char target[256], name[300];
		snprintf(target, sizeof(target), "%.100s:%.100s%s", parts[1], parts[2],
			 i ? "_2" : "");
		snprintf(name, sizeof(name), "tracepoint:%s", target);
		vec_push(out, provider_target_new(p, name, target));
	}
	return n;
}

static struct arg_field *field(const char *name, const char *ctype, enum arg_field_kind kind,
			       uint32_t off, uint32_t size, uint32_t len, bool sign)
{
	struct arg_field *f = xcalloc(1, sizeof(*f));

	f->name = xstrdup(name);
	f->ctype = xstrdup(ctype);
	f->kind = kind;
	f->offset = off;
	f->size = size;
	f->array_len = len;
	f->is_signed = sign;
	return f;
}

static int fake_tp_fields(const struct attach_target *t, struct vec *out, struct strbuf *err)
{
	vec_push(out, field("fd", "int", ARGF_INT, 8, 4, 0, true));
	vec_push(out, field("count", "unsigned long", ARGF_INT, 16, 8, 0, false));
	vec_push(out, field("filename", "const char *", ARGF_PTR, 24, 8, 0, false));
	vec_push(out, field("comm", "char", ARGF_CHARS, 32, 16, 16, false));
	vec_push(out, field("name", "char", ARGF_DATA_LOC, 48, 4, 0, false));
	vec_push(out, field("vals", "unsigned long", ARGF_ARRAY, 56, 32, 4, false));
	return 6;
}

static const char *const fake_tp_aliases[] = {"t", NULL};
static const struct provider fake_tracepoint = {
	.name = "tracepoint",
	.aliases = fake_tp_aliases,
	.section = "tracepoint",
	.has_args = true,
	.expand = fake_tp_expand,
	.fields = fake_tp_fields,
};

static const struct provider *fake_find(const char *name)
{
	const struct provider *p = provider_find(name);

	if (p && !strcmp(p->name, "tracepoint"))
		return &fake_tracepoint;
	/*
	 * Providers that only parse their attach point are safe; the others
	 * read the machine (kallsyms, ELF files, BTF, /proc): slow, and not
	 * what this target is about.
	 */
	static const char *const pure[] = {"BEGIN", "END", "interval", "profile", "software"};
	for (size_t i = 0; p && i < sizeof(pure) / sizeof(pure[0]); i++)
		if (!strcmp(p->name, pure[i]))
			return p;
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The driver refuses NUL bytes before parsing; so do we. */
	if (memchr(data, 0, size))
		return 0;
	char *text = xmalloc(size + 1);
	memcpy(text, data, size);
	text[size] = 0;

	struct source src = {.name = "fuzz.bt", .text = text, .len = size};
	struct diag d;
	struct ast ast = {0};
	struct program prog;
	FILE *null = fopen("/dev/null", "w");

	diag_init(&d, &src);
	prog_init(&prog);
	/* -d tokens and -d ast see the same input first. */
	struct strbuf dump;
	sb_init(&dump);
	parse_dump_tokens(&src, &dump);
	sb_reset(&dump);
	if (parse_program(&ast, &d) == 0) {
		ast_dump(ast.root, &dump);
		struct sema_opts so = {.find_provider = fake_find, .max_strlen = 64};
		if (sema_run(&ast, &d, &prog, &so) == 0) {
			struct cg_opts co = {.verify = true, .max_ir_insns = 4000};
			codegen_run(&ast, &prog, &d, &co);
		}
		sema_free_fields(&so);
	}
	sb_free(&dump);
	diag_flush(&d, null);
	provider_program_targets_free(&prog);
	prog_free(&prog);
	arena_free(&ast.arena);
	diag_free(&d);
	fclose(null);
	free(text);
	return 0;
}
