// SPDX-License-Identifier: GPL-2.0
/*
 * -l [PATTERN] and -lv: probe listing in bpftrace's line format. Each
 * provider is asked through its own expand(), with the pattern's parts, so
 * `-l 'tracepoint:sched:*'` reads one tracefs directory, not all of them.
 * A pattern without ':' ("sched_sw*") matches the end of any probe name,
 * which needs the full listing of every provider that can list.
 */
#include "list.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <bpf/btf.h>

#include "probes/btf_args.h"
#include "probes/modbtf.h"
#include "probes/provider.h"
#include "prog/prog.h"

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* -lv: a typed field as bpftrace prints it ("const char * filename"). */
static void print_field(const struct arg_field *f, FILE *out)
{
	switch (f->kind) {
	case ARGF_CHARS:
	case ARGF_ARRAY:
		if (!f->array_len) {
			fprintf(out, "    %s %s\n", f->ctype, f->name);
			break;
		}
		fprintf(out, "    %s %s[%u]\n", f->ctype, f->name, f->array_len);
		break;
	case ARGF_DATA_LOC:
		fprintf(out, "    __data_loc %s[] %s\n", f->ctype, f->name);
		break;
	default:
		fprintf(out, "    %s %s\n", f->ctype, f->name);
		break;
	}
}

static void print_target(const struct attach_target *t, bool verbose, const char **last, FILE *out)
{
	struct vec fields = {0};
	struct strbuf err;

	if (*last && !strcmp(*last, t->name))
		return; /* usdt sites of one probe: one line */
	*last = t->name;
	fprintf(out, "%s\n", t->name);
	if (!verbose || !t->prov->fields)
		return;
	sb_init(&err);
	if (t->prov->fields(t, &fields, &err) > 0)
		for (size_t i = 0; i < fields.n; i++)
			print_field(fields.v[i], out);
	for (size_t i = 0; i < fields.n; i++)
		provider_field_free(fields.v[i]);
	vec_free(&fields);
	sb_free(&err);
}

/* How many parts after the provider name each listable provider expects. */
static int list_parts(const struct provider *p)
{
	if (!strcmp(p->name, "tracepoint"))
		return 2;
	if (!strcmp(p->name, "rawtracepoint") || !strcmp(p->name, "software") ||
	    !strcmp(p->name, "hardware") || !strcmp(p->name, "kprobe") ||
	    !strcmp(p->name, "fentry") || !strcmp(p->name, "fexit"))
		return 1;
	if (!strcmp(p->name, "uprobe") || !strcmp(p->name, "usdt"))
		return -1; /* only with a binary */
	return 0;
}

static bool kprobes_available(void)
{
	struct strbuf err;
	const char *tracefs;
	bool ok = false;

	sb_init(&err);
	tracefs = provider_tracefs(&err);
	if (tracefs) {
		char *path = xasprintf("%s/kprobe_events", tracefs);

		ok = access(path, F_OK) == 0;
		free(path);
	}
	sb_free(&err);
	return ok;
}

/* fentry/fexit: the functions of btf, module's own types only (MODULE:FUNC). */
static void list_btf_module_funcs(const struct provider *p, const struct btf *btf,
				  const char *module, const char *func, const char *filter,
				  bool verbose, FILE *out)
{
	struct strbuf err;
	struct vec names = {0};
	bool vmlinux = !strcmp(module, "vmlinux");

	sb_init(&err);
	for (uint32_t id = modbtf_first_id(btf); id < btf__type_cnt(btf); id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *name = btf_is_func(t) ? btf__name_by_offset(btf, t->name_off) : NULL;

		if (name && util_wildcard_match(func, name))
			vec_push(&names, (void *)name);
	}
	if (names.n > 1)
		qsort(names.v, names.n, sizeof(void *), name_cmp);
	for (size_t i = 0; i < names.n; i++) {
		char *full = xasprintf("%s:%s:%s", p->name, module, (char *)names.v[i]);
		char *target = vmlinux ? xstrdup(names.v[i])
				       : xasprintf("%s:%s", module, (char *)names.v[i]);
		struct vec fields = {0};

		if ((i && !strcmp(names.v[i], names.v[i - 1])) ||
		    (filter && !util_wildcard_match(filter, full))) {
			free(full);
			free(target);
			continue;
		}
		fprintf(out, "%s\n", full);
		if (verbose && btf_func_fields(target, 0, &fields, &err) > 0)
			for (size_t j = 0; j < fields.n; j++)
				print_field(fields.v[j], out);
		for (size_t j = 0; j < fields.n; j++)
			provider_field_free(fields.v[j]);
		vec_free(&fields);
		free(full);
		free(target);
	}
	vec_free(&names);
	sb_free(&err);
}

/* fentry/fexit: every function of the kernel BTF and the modules' ([MODULE:]FUNC). */
static void list_btf_funcs(const struct provider *p, char **rest, int nrest, const char *filter,
			   bool verbose, FILE *out)
{
	const char *func = nrest ? rest[nrest - 1] : "*";
	const char *module = nrest == 2 ? rest[0] : "*";
	struct strbuf err;
	struct btf *btf;
	struct vec mods = {0};

	sb_init(&err);
	btf = util_wildcard_match(module, "vmlinux") ? probe_vmlinux_btf(&err) : NULL;
	if (btf)
		list_btf_module_funcs(p, btf, "vmlinux", func, filter, verbose, out);
	modbtf_modules(module, &mods);
	for (size_t i = 0; i < mods.n; i++) {
		sb_reset(&err);
		btf = modbtf_get(mods.v[i], &err);
		if (btf)
			list_btf_module_funcs(p, btf, mods.v[i], func, filter, verbose, out);
		free(mods.v[i]);
	}
	vec_free(&mods);
	sb_free(&err);
}

/*
 * List provider p with the parts after its name (filter: a full-name
 * pattern the names must also match, or NULL).
 */
/* interval and profile: one line per unit, the rate left for the user. */
static void list_timer_units(const struct provider *p, char **rest, int nrest, const char *filter,
			     FILE *out)
{
	static const char *const units[] = {"hz", "us", "ms", "s"};

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		char *name = xasprintf("%s:%s:", p->name, units[i]);

		if ((!nrest || util_wildcard_match(rest[0], units[i])) &&
		    (!filter || util_wildcard_match(filter, name)))
			fprintf(out, "%s\n", name);
		free(name);
	}
}

static void list_provider(const struct provider *p, char **rest, int nrest, const char *filter,
			  bool verbose, FILE *out)
{
	int want = list_parts(p);
	char *parts[4];
	struct vec targets = {0};
	struct strbuf err;
	const char *last = NULL;
	int n = 0;

	if (want < 0 && nrest < 2 && provider_pid > 0 && !strcmp(p->name, "usdt")) {
		/* -l -p PID: the usdt probes of every file mapped in the process. */
		char empty[] = "", star[] = "*";
		char *any[] = {empty, nrest ? rest[0] : star};

		list_provider(p, any, 2, filter, verbose, out);
		return;
	}
	if (!strcmp(p->name, "interval") || !strcmp(p->name, "profile")) {
		list_timer_units(p, rest, nrest, filter, out);
		return;
	}
	if (!want || (want < 0 && nrest < 2) ||
	    (!strcmp(p->name, "kprobe") && !kprobes_available()))
		return;
	if (!strcmp(p->name, "software") || !strcmp(p->name, "hardware")) {
		/* Listed without expand(): these probes take no wildcards. */
		const char *(*ev)(size_t) =
			p->name[0] == 's' ? software_event_name : hardware_event_name;

		struct vec names = {0};

		for (size_t i = 0; ev(i); i++) {
			char *name = xasprintf("%s:%s:", p->name, ev(i));

			if ((!nrest || util_wildcard_match(rest[0], ev(i))) &&
			    (!filter || util_wildcard_match(filter, name)))
				vec_push(&names, name);
			else
				free(name);
		}
		/* bpftrace lists names and aliases together, sorted. */
		if (names.n > 1)
			qsort(names.v, names.n, sizeof(void *), name_cmp);
		for (size_t i = 0; i < names.n; i++) {
			fprintf(out, "%s\n", (char *)names.v[i]);
			free(names.v[i]);
		}
		vec_free(&names);
		return;
	}
	if (!strcmp(p->name, "fentry") || !strcmp(p->name, "fexit")) {
		list_btf_funcs(p, rest, nrest, filter, verbose, out);
		return;
	}
	for (int i = 0; i < nrest && n < 4; i++)
		parts[n++] = rest[i];
	while (n < want && n < 4)
		parts[n++] = "*";
	sb_init(&err);
	if (p->expand(p, parts, n, &targets, &err) > 0) {
		for (size_t i = 0; i < targets.n; i++) {
			struct attach_target *t = targets.v[i];

			if (!filter || util_wildcard_match(filter, t->name))
				print_target(t, verbose, &last, out);
		}
	}
	for (size_t i = 0; i < targets.n; i++)
		provider_target_free(targets.v[i]);
	vec_free(&targets);
	sb_free(&err);
}

static void list_one(const char *item, bool verbose, FILE *out)
{
	const struct provider *const *all = provider_all();
	char **parts = NULL;
	int n;

	if (!strchr(item, ':')) {
		char *filter = xasprintf("*:%s", item);

		for (const struct provider *const *p = all; *p; p++)
			list_provider(*p, NULL, 0, filter, verbose, out);
		free(filter);
		return;
	}
	n = provider_split(item, &parts);
	for (const struct provider *const *p = all; *p; p++) {
		const struct provider *exact = provider_find(parts[0]);

		if (exact ? exact == *p : util_wildcard_match(parts[0], (*p)->name))
			list_provider(*p, parts + 1, n - 1, NULL, verbose, out);
	}
	provider_parts_free(parts, n);
}

static void type_printf(void *ctx, const char *fmt, va_list args)
{
	vfprintf(ctx, fmt, args);
}

/*
 * -lv 'struct foo': the definition from kernel BTF as libbpf writes it
 * (padding included). libbpf emits the types it depends on first; only
 * foo's own block is kept.
 */
static void print_c_type(struct btf *btf, int id, FILE *out)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	char *text = NULL, *head, *end;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	struct btf_dump *d = mem ? btf_dump__new(btf, type_printf, mem, NULL) : NULL;

	if (d)
		btf_dump__dump_type(d, (__u32)id);
	btf_dump__free(d);
	if (mem)
		fclose(mem);
	head = xasprintf("%s %s {\n", btf_is_union(t) ? "union" : "struct",
			 btf__name_by_offset(btf, t->name_off));
	for (char *p = text; p && (p = strstr(p, head)); p++) {
		if (p != text && p[-1] != '\n')
			continue;
		end = strstr(p, "\n};\n");
		if (end)
			fprintf(out, "%.*s\n", (int)(end + 4 - p), p);
		break;
	}
	free(head);
	free(text);
}

/* -l 'struct PATTERN' and -lv 'struct NAME': kernel structs and unions. */
static bool list_types(const char *pattern, bool verbose, FILE *out)
{
	bool is_union = !strncmp(pattern, "union ", 6);
	const char *want = pattern + (is_union ? 6 : 7);
	struct vec names = {0};
	struct strbuf err;
	struct btf *btf;

	if (strncmp(pattern, "struct ", 7) && !is_union)
		return false;
	sb_init(&err);
	btf = probe_vmlinux_btf(&err);
	sb_free(&err);
	for (uint32_t id = 1; btf && id < btf__type_cnt(btf); id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *name = btf__name_by_offset(btf, t->name_off);

		if (!(is_union ? btf_is_union(t) : btf_is_struct(t)) || !name || !*name ||
		    !util_wildcard_match(want, name))
			continue;
		if (verbose)
			print_c_type(btf, (int)id, out);
		else
			vec_push(&names, (void *)name);
	}
	if (names.n > 1) /* qsort's base may not be NULL */
		qsort(names.v, names.n, sizeof(*names.v), name_cmp);
	for (size_t i = 0; i < names.n; i++)
		if (!i || strcmp(names.v[i], names.v[i - 1]))
			fprintf(out, "%s %s\n", is_union ? "union" : "struct",
				(const char *)names.v[i]);
	vec_free(&names);
	return true;
}

int list_probes(const char *pattern, bool verbose, FILE *out)
{
	char *copy, *save = NULL;

	if (pattern && list_types(pattern, verbose, out))
		return 0;
	copy = xstrdup(pattern && *pattern ? pattern : "*:*");

	for (char *item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save))
		list_one(item, verbose, out);
	free(copy);
	return 0;
}

void list_program(const struct program *prog, bool verbose, FILE *out)
{
	const char *last = NULL;

	for (size_t i = 0; i < prog->progs.n; i++) {
		const struct prog_desc *pd = prog->progs.v[i];

		if (pd->is_begin || pd->is_end)
			continue;
		for (size_t j = 0; j < pd->targets.n; j++)
			print_target(pd->targets.v[j], verbose, &last, out);
	}
}
