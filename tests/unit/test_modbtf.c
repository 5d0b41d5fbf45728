// SPDX-License-Identifier: GPL-2.0
/*
 * Module BTF: fentry/fexit and rawtracepoint expansion and args from a
 * module's split BTF. This machine has no module BTF, so the test writes
 * one (a function and a raw tracepoint on top of vmlinux's types) into a
 * temporary directory that stands in for /sys/kernel/btf.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "probes/btf_args.h"
#include "probes/modbtf.h"
#include "probes/provider.h"

static int failures;

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: FAIL %s\n", __FILE__, __LINE__, #cond);            \
			failures++;                                                                \
		}                                                                                  \
	} while (0)

/* sondemod: int sonde_mod_read(struct file *filp, int count) and tracepoint sonde_mod_event(int
 * val). */
static bool write_module(const char *path, struct btf *base)
{
	struct btf *m = btf__new_empty_split(base);
	int int_id = btf__find_by_name_kind(base, "int", BTF_KIND_INT);
	int file_id = btf__find_by_name_kind(base, "file", BTF_KIND_STRUCT);
	int ptr, proto, voidp, tproto;
	const void *raw;
	uint32_t size;
	FILE *f;

	if (!m || int_id <= 0 || file_id <= 0)
		return false;
	ptr = btf__add_ptr(m, file_id);
	proto = btf__add_func_proto(m, int_id);
	btf__add_func_param(m, "filp", ptr);
	btf__add_func_param(m, "count", int_id);
	btf__add_func(m, "sonde_mod_read", BTF_FUNC_GLOBAL, proto);
	btf__add_func(m, "vfs_read", BTF_FUNC_STATIC, proto); /* vmlinux has one too */
	voidp = btf__add_ptr(m, 0);
	tproto = btf__add_func_proto(m, 0);
	btf__add_func_param(m, "__data", voidp);
	btf__add_func_param(m, "val", int_id);
	btf__add_func(m, "__bpf_trace_sonde_mod_event", BTF_FUNC_STATIC, tproto);
	btf__add_typedef(m, "btf_trace_sonde_mod_event", btf__add_ptr(m, tproto));
	raw = btf__raw_data(m, &size);
	f = fopen(path, "w");
	if (!raw || !f || fwrite(raw, 1, size, f) != size) {
		if (f)
			fclose(f);
		btf__free(m);
		return false;
	}
	fclose(f);
	btf__free(m);
	return true;
}

static int expand(const char *prov, const char *a, const char *b, struct vec *out,
		  struct strbuf *err)
{
	char *parts[2] = {(char *)a, (char *)b};
	const struct provider *p = provider_find(prov);

	sb_reset(err);
	return p->expand(p, parts, b ? 2 : 1, out, err);
}

static void clear(struct vec *out)
{
	for (size_t i = 0; i < out->n; i++)
		provider_target_free(out->v[i]);
	out->n = 0;
}

static const struct arg_field *field(const struct vec *v, size_t i)
{
	return i < v->n ? v->v[i] : NULL;
}

int main(void)
{
	char dir[] = "/tmp/sonde_modbtf_XXXXXX", path[64];
	struct strbuf err;
	struct vec out = {0}, fields = {0};
	struct btf *base, *mod;
	struct attach_target *t;
	struct arg_field *ret;

	sb_init(&err);
	base = probe_vmlinux_btf(&err);
	if (!base) {
		printf("SKIP: no vmlinux BTF (%s)\n", err.buf);
		return 0;
	}
	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof(path), "%s/sondemod", dir);
	CHECK(write_module(path, base));
	modbtf_dir = dir;

	/* The split BTF parses on top of vmlinux's: its ids follow the base's. */
	mod = modbtf_get("sondemod", &err);
	CHECK(mod && modbtf_first_id(mod) == btf__type_cnt(base));
	CHECK(modbtf_get("vmlinux", &err) == base);
	CHECK(!modbtf_get("nomod", &err));
	CHECK(strstr(err.buf, "module nomod is not loaded or has no BTF (/tmp/sonde_modbtf_"));

	/* fentry:MODULE:FUNC */
	CHECK(expand("fentry", "sondemod", "sonde_mod_read", &out, &err) == 1);
	t = out.n ? out.v[0] : NULL;
	CHECK(t && !strcmp(t->name, "fentry:sondemod:sonde_mod_read"));
	CHECK(t && !strcmp(t->target, "sondemod:sonde_mod_read"));
	CHECK(t && !strcmp(t->func, "sonde_mod_read") && t->offset == 16);
	CHECK(t && t->prov->fields(t, &fields, &err) == 2);
	CHECK(field(&fields, 0) && !strcmp(field(&fields, 0)->name, "filp") &&
	      !strcmp(field(&fields, 0)->ctype, "struct file *") &&
	      field(&fields, 0)->kind == ARGF_PTR);
	CHECK(field(&fields, 1) && !strcmp(field(&fields, 1)->name, "count") &&
	      field(&fields, 1)->kind == ARGF_INT && field(&fields, 1)->size == 4 &&
	      field(&fields, 1)->is_signed && field(&fields, 1)->offset == 8);
	for (size_t i = 0; i < fields.n; i++)
		provider_field_free(fields.v[i]);
	fields.n = 0;
	/* fexit's retval */
	ret = btf_func_ret("sondemod:sonde_mod_read");
	CHECK(ret && ret->kind == ARGF_INT && ret->size == 4 && ret->is_signed);
	if (ret)
		provider_field_free(ret);
	clear(&out);

	/* A module wildcard, and a function vmlinux lacks: both reach the module. */
	CHECK(expand("fexit", "*", "sonde_mod_*", &out, &err) == 1);
	CHECK(out.n == 1 &&
	      !strcmp(((struct attach_target *)out.v[0])->name, "fexit:sondemod:sonde_mod_read"));
	clear(&out);
	CHECK(expand("fentry", "sonde_mod_read", NULL, &out, &err) == 1);
	clear(&out);
	/* vmlinux named: the module is not searched. */
	CHECK(expand("fentry", "vmlinux", "sonde_mod_read", &out, &err) == -1);
	CHECK(!strcmp(err.buf,
		      "could not find kernel function 'sonde_mod_read' in the kernel BTF"));
	CHECK(expand("fentry", "sondemod", "sonde_nope", &out, &err) == -1);
	CHECK(!strcmp(err.buf,
		      "could not find function 'sonde_nope' in the BTF of module sondemod"));
	/* libbpf 1.1 would attach to vmlinux's vfs_read: refused. */
	CHECK(expand("fentry", "sondemod", "vfs_read", &out, &err) == -1);
	CHECK(!strcmp(err.buf, "fentry:sondemod:vfs_read: vmlinux has a function of the same name, "
			       "and attaching to a module's function of that name is not supported "
			       "yet"));
	CHECK(out.n == 0);
	CHECK(expand("fentry", "nomod", "f", &out, &err) == -1);
	CHECK(strstr(err.buf, "module nomod is not loaded or has no BTF"));
	CHECK(expand("fentry", "vmlinux", "vfs_read", &out, &err) == 1);
	CHECK(out.n == 1 && !strcmp(((struct attach_target *)out.v[0])->target, "vfs_read"));
	clear(&out);

	/* rawtracepoint:MODULE:EVENT, args from __bpf_trace_EVENT after __data */
	CHECK(expand("rawtracepoint", "sondemod", "sonde_mod_event", &out, &err) == 1);
	t = out.n ? out.v[0] : NULL;
	CHECK(t && !strcmp(t->name, "rawtracepoint:sondemod:sonde_mod_event"));
	CHECK(t && !strcmp(t->target, "sondemod:sonde_mod_event"));
	CHECK(t && t->prov->fields(t, &fields, &err) == 1);
	CHECK(field(&fields, 0) && !strcmp(field(&fields, 0)->name, "val") &&
	      field(&fields, 0)->offset == 0 && field(&fields, 0)->size == 4);
	for (size_t i = 0; i < fields.n; i++)
		provider_field_free(fields.v[i]);
	vec_free(&fields);
	clear(&out);
	CHECK(expand("rawtracepoint", "*", "sonde_mod_*", &out, &err) == 1);
	clear(&out);
	CHECK(expand("rawtracepoint", "sonde_mod_event", NULL, &out, &err) == 1);
	CHECK(out.n == 1 && !strcmp(((struct attach_target *)out.v[0])->name,
				    "rawtracepoint:sondemod:sonde_mod_event"));
	clear(&out);
	CHECK(expand("rawtracepoint", "vmlinux", "sonde_mod_event", &out, &err) ==
	      PROVIDER_MISSING);
	CHECK(expand("rawtracepoint", "nomod", "x", &out, &err) == -1);
	CHECK(strstr(err.buf, "module nomod is not loaded or has no BTF"));
	CHECK(expand("rawtracepoint", "vmlinux", "sched_switch", &out, &err) == 1);
	CHECK(out.n == 1 && !strcmp(((struct attach_target *)out.v[0])->target, "sched_switch"));
	clear(&out);
	vec_free(&out);

	unlink(path);
	rmdir(dir);
	sb_free(&err);
	if (failures)
		fprintf(stderr, "%d failure(s)\n", failures);
	return failures ? 1 : 0;
}
