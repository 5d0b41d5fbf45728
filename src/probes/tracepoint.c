// SPDX-License-Identifier: GPL-2.0
/*
 * tracepoint:CAT:EVENT. Expansion lists only the tracefs directories a
 * pattern needs (a fully literal name is only checked for existence), and
 * the typed `args` come from the event's tracefs `format` file, parsed
 * once per event and cached.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <unistd.h>

#include "prog/prog.h"
#include "probes/provider.h"
#include "probes/syscalls.h"

/* ---- expansion ---- */

static bool has_wildcard(const char *s)
{
	return strchr(s, '*') != NULL;
}

static bool path_is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Add tracepoint:CAT:EVENT to out. */
static void tp_add(const struct provider *p, const char *cat, const char *event, struct vec *out)
{
	char *target = xasprintf("%s:%s", cat, event);
	char *name = xasprintf("tracepoint:%s", target);

	vec_push(out, provider_target_new(p, name, target));
	free(name);
	free(target);
}

/*
 * Names of the subdirectories of dir matching pattern (a literal name is
 * only checked). Missing dir: no names.
 */
static void list_dirs(const char *dir, const char *pattern, struct vec *names)
{
	DIR *d;
	struct dirent *de;

	if (!has_wildcard(pattern)) {
		char *path = xasprintf("%s/%s", dir, pattern);

		if (path_is_dir(path))
			vec_push(names, xstrdup(pattern));
		free(path);
		return;
	}
	d = opendir(dir);
	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || !util_wildcard_match(pattern, de->d_name))
			continue;
		if (de->d_type == DT_UNKNOWN) {
			char *path = xasprintf("%s/%s", dir, de->d_name);
			bool dir_ok = path_is_dir(path);

			free(path);
			if (!dir_ok)
				continue;
		} else if (de->d_type != DT_DIR) {
			continue;
		}
		vec_push(names, xstrdup(de->d_name));
	}
	closedir(d);
}

static void free_names(struct vec *names)
{
	for (size_t i = 0; i < names->n; i++)
		free(names->v[i]);
	vec_free(names);
}

static int tp_expand(const struct provider *p, char **parts, int nparts, struct vec *out,
		     struct strbuf *err)
{
	const char *tracefs, *cat, *event;
	struct vec cats = {0};
	size_t start = out->n;
	char *events_dir;

	/* bpftrace's listing shortcut: tracepoint:*foo* is tracepoint:*:*foo*. */
	if (nparts == 1 && has_wildcard(parts[0])) {
		cat = "*";
		event = parts[0];
	} else if (nparts == 2) {
		cat = parts[0];
		event = parts[1];
	} else {
		sb_printf(err, "%s probe type requires 2 arguments", p->name);
		return -1;
	}
	if (!*cat || !*event) {
		sb_printf(err, "tracepoint not found: %s:%s", cat, event);
		return -1;
	}
	tracefs = provider_tracefs(err);
	if (!tracefs)
		return -1;

	events_dir = xasprintf("%s/events", tracefs);
	list_dirs(events_dir, cat, &cats);
	for (size_t i = 0; i < cats.n; i++) {
		char *cat_dir = xasprintf("%s/%s", events_dir, (char *)cats.v[i]);
		struct vec events = {0};

		list_dirs(cat_dir, event, &events);
		for (size_t j = 0; j < events.n; j++)
			tp_add(p, cats.v[i], events.v[j], out);
		free_names(&events);
		free(cat_dir);
	}
	free_names(&cats);
	free(events_dir);

	if (out->n == start) {
		sb_printf(err, "tracepoint not found: %s:%s", cat, event);
		return PROVIDER_MISSING;
	}
	provider_targets_sort(out, start);
	return (int)(out->n - start);
}

/* ---- format files ---- */

static void trim(char *s)
{
	size_t n = strlen(s);
	char *b = s;

	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	while (isspace((unsigned char)*b))
		b++;
	memmove(s, b, strlen(b) + 1);
}

/* Value of "key:N;" in line, or false. */
static bool line_num(const char *line, const char *key, unsigned long *v)
{
	const char *p = strstr(line, key);
	char *end;

	if (!p)
		return false;
	p += strlen(key);
	*v = strtoul(p, &end, 10);
	return end != p;
}

/* Rough element size of a C integer type, for arrays whose length is a macro. */
static uint32_t elem_size_guess(const char *ctype)
{
	if (strchr(ctype, '*') || strstr(ctype, "long") || strstr(ctype, "64"))
		return 8;
	if (strstr(ctype, "short") || strstr(ctype, "16"))
		return 2;
	if (strstr(ctype, "char") || strstr(ctype, "8"))
		return 1;
	return 4;
}

static bool is_char_type(const char *ctype)
{
	return !strcmp(ctype, "char") || !strcmp(ctype, "const char");
}

/*
 * One "\tfield:DECL;\toffset:N;\tsize:N;\tsigned:N;" line. Returns NULL
 * for lines that are not fields, common_* fields and declarations it
 * cannot read.
 */
static struct arg_field *parse_field(const char *line)
{
	const char *p = strstr(line, "field:");
	unsigned long offset, size, sign = 0;
	struct arg_field *f;
	char *decl, *semi, *name, *bracket;
	long array_len = -1;
	bool data_loc = false;

	if (!p || !line_num(line, "offset:", &offset) || !line_num(line, "size:", &size))
		return NULL;
	line_num(line, "signed:", &sign);
	p += strlen("field:");
	semi = strchr(p, ';');
	if (!semi)
		return NULL;
	decl = xstrndup(p, (size_t)(semi - p));
	trim(decl);

	if (!strncmp(decl, "__data_loc ", 11)) {
		data_loc = true;
		memmove(decl, decl + 11, strlen(decl + 11) + 1);
	}

	/* Trailing "[N]" or "[]" after the name. */
	bracket = NULL;
	if (decl[0] && decl[strlen(decl) - 1] == ']') {
		bracket = strrchr(decl, '[');
		if (!bracket)
			goto bad;
		*bracket = '\0';
		if (bracket[1] != ']') {
			char *end;

			array_len = strtol(bracket + 1, &end, 10);
			if (*end != ']')
				array_len = -2; /* a macro: derive it from size */
		} else {
			array_len = 0;
		}
		trim(decl);
	}

	/* The name is the last identifier. */
	name = decl + strlen(decl);
	while (name > decl && (isalnum((unsigned char)name[-1]) || name[-1] == '_'))
		name--;
	if (!*name || name == decl || !strncmp(name, "common_", 7))
		goto bad;

	f = xcalloc(1, sizeof(*f));
	f->name = xstrdup(name);
	*name = '\0';
	trim(decl);
	/* "__data_loc char[] name": the brackets belong to the type. */
	if (data_loc) {
		size_t n = strlen(decl);

		if (n >= 2 && !strcmp(decl + n - 2, "[]")) {
			decl[n - 2] = '\0';
			trim(decl);
		}
	}
	f->ctype = decl;
	f->offset = (uint32_t)offset;
	f->size = (uint32_t)size;
	f->is_signed = sign != 0;
	/*
	 * Syscall fields are 8 bytes and all "signed:0"; bpftrace widens an
	 * int to s64 and keeps a long signed, so fd = -100 reads as -100.
	 */
	if (size == 8 && (!strcmp(decl, "int") || !strcmp(decl, "long")))
		f->is_signed = true;

	if (data_loc) {
		f->kind = ARGF_DATA_LOC;
	} else if (bracket) {
		if (array_len == -2)
			array_len = is_char_type(decl) ? (long)size
						       : (long)(size / elem_size_guess(decl));
		f->array_len = (uint32_t)array_len;
		f->kind = is_char_type(decl) ? ARGF_CHARS : ARGF_ARRAY;
	} else if (strchr(decl, '*')) {
		f->kind = ARGF_PTR;
	} else {
		f->kind = ARGF_INT;
	}
	return f;

bad:
	free(decl);
	return NULL;
}

/* Parsed format files, one per event, kept for the whole run. */
struct tp_format {
	char *target; /* "CAT:EVENT" */
	struct vec fields;
};

static struct vec format_cache; /* struct tp_format * */

static struct tp_format *format_load(const char *target, struct strbuf *err)
{
	const char *tracefs;
	struct tp_format *fmt;
	char *path, *text, *colon, *line, *save = NULL;

	for (size_t i = 0; i < format_cache.n; i++) {
		fmt = format_cache.v[i];
		if (!strcmp(fmt->target, target))
			return fmt;
	}

	tracefs = provider_tracefs(err);
	if (!tracefs)
		return NULL;
	colon = strchr(target, ':');
	if (!colon) {
		sb_printf(err, "bad tracepoint name: %s", target);
		return NULL;
	}
	path = xasprintf("%s/events/%.*s/%s/format", tracefs, (int)(colon - target), target,
			 colon + 1);
	text = util_read_file(path, NULL);
	if (!text) {
		sb_printf(err, "cannot read the format of tracepoint %s: %s", target,
			  strerror(errno));
		free(path);
		return NULL;
	}
	free(path);

	fmt = xcalloc(1, sizeof(*fmt));
	fmt->target = xstrdup(target);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct arg_field *f = parse_field(line);

		if (f)
			vec_push(&fmt->fields, f);
	}
	free(text);
	vec_push(&format_cache, fmt);
	return fmt;
}

static int tp_fields(const struct attach_target *t, struct vec *out, struct strbuf *err)
{
	struct tp_format *fmt = format_load(t->target, err);

	if (!fmt)
		return -1;
	for (size_t i = 0; i < fmt->fields.n; i++) {
		const struct arg_field *src = fmt->fields.v[i];
		struct arg_field *f = xmalloc(sizeof(*f));

		*f = *src;
		f->name = xstrdup(src->name);
		f->ctype = xstrdup(src->ctype);
		vec_push(out, f);
	}
	return (int)fmt->fields.n;
}

/* ---- many syscall tracepoints through one raw tracepoint ---- */

static int syscall_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct syscall_nr *)elem)->name);
}

int syscall_nr_by_name(const char *name)
{
	const struct syscall_nr *e;

	if (!syscall_table_len)
		return -1;
	e = bsearch(name, syscall_table, syscall_table_len, sizeof(*e), syscall_cmp);
	return e ? e->nr : -1;
}

/* "syscalls:sys_enter_X" -> nr of X when prefix matches, else -1. */
static int target_syscall(const struct attach_target *t, const char *prefix)
{
	static const char cat[] = "syscalls:";

	if (strncmp(t->target, cat, sizeof(cat) - 1) ||
	    strncmp(t->target + sizeof(cat) - 1, prefix, strlen(prefix)))
		return -1;
	return syscall_nr_by_name(t->target + sizeof(cat) - 1 + strlen(prefix));
}

/*
 * Closing a perf tracepoint event waits for an RCU grace period under the
 * kernel's event_mutex (about 70 ms each, serialised), so detaching 360
 * syscall tracepoints takes 26 s. The syscall events all hang off the
 * sys_enter/sys_exit raw tracepoints, whose links detach asynchronously:
 * when a program covers several syscalls of one direction, attach it there
 * once and select the syscalls by number in the program.
 */
static void tp_prepare(struct prog_desc *pd, struct program *p)
{
	(void)p;
	static const char *const prefix[] = {"sys_enter_", "sys_exit_"};

	if (pd->targets.n < 2)
		return;
	for (int dir = 0; dir < 2; dir++) {
		size_t i;

		for (i = 0; i < pd->targets.n; i++)
			if (target_syscall(pd->targets.v[i], prefix[dir]) < 0)
				break;
		if (i < pd->targets.n)
			continue;
		for (i = 0; i < pd->targets.n; i++) {
			struct attach_target *t = pd->targets.v[i];

			t->sys_nr = target_syscall(t, prefix[dir]) + 1;
		}
		pd->section = "raw_tp";
		pd->ctx_kind = dir ? PROG_CTX_SYSCALL_EXIT : PROG_CTX_SYSCALL_ENTER;
		return;
	}
}

/* A program attached to its raw tracepoint, for this run. */
struct raw_prog {
	const struct bpf_program *prog;
	int map_fd; /* its nr -> cookie map */
};

static struct vec raw_attached; /* struct raw_prog * */

/* libbpf 1.1 has no bpf_program__object(): find the map through the kernel. */
static int syscall_map_fd(const struct bpf_program *prog)
{
	char *want = xasprintf(PROG_SYSCALL_MAP_FMT, bpf_program__name(prog));
	struct bpf_prog_info info = {0};
	uint32_t ids[64], len = sizeof(info);
	int fd = -1;

	info.nr_map_ids = 64;
	info.map_ids = (uint64_t)(uintptr_t)ids;
	if (bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len))
		goto out;
	for (uint32_t i = 0; i < info.nr_map_ids && i < 64 && fd < 0; i++) {
		struct bpf_map_info mi = {0};
		uint32_t mlen = sizeof(mi);
		int mfd = bpf_map_get_fd_by_id(ids[i]);

		if (mfd < 0)
			continue;
		/* Kernel names are cut to BPF_OBJ_NAME_LEN - 1 characters. */
		if (!bpf_obj_get_info_by_fd(mfd, &mi, &mlen) &&
		    !strncmp(mi.name, want, sizeof(mi.name) - 1))
			fd = mfd;
		else
			close(mfd);
	}
out:
	free(want);
	return fd;
}

static int tp_attach_syscall(struct bpf_program *prog, const struct attach_target *t,
			     struct vec *links, struct strbuf *err)
{
	bool exit = strstr(t->target, ":sys_exit_") != NULL;
	uint32_t key = (uint32_t)(t->sys_nr - 1);
	uint64_t val = t->cookie + 1;
	struct raw_prog *rp = NULL;
	struct bpf_link *link;

	for (size_t i = 0; i < raw_attached.n && !rp; i++)
		if (((struct raw_prog *)raw_attached.v[i])->prog == prog)
			rp = raw_attached.v[i];
	if (!rp) {
		int fd = syscall_map_fd(prog);

		if (fd < 0) {
			sb_printf(err, "cannot attach to %s: its syscall map is missing", t->name);
			return -1;
		}
		link = bpf_program__attach_raw_tracepoint(prog, exit ? "sys_exit" : "sys_enter");
		if (!link) {
			sb_printf(err, "cannot attach to %s: %s", t->name, strerror(errno));
			close(fd);
			return -1;
		}
		vec_push(links, link);
		rp = xcalloc(1, sizeof(*rp));
		rp->prog = prog;
		rp->map_fd = fd;
		vec_push(&raw_attached, rp);
	}
	if (key >= PROG_SYSCALL_MAX || bpf_map_update_elem(rp->map_fd, &key, &val, BPF_ANY)) {
		sb_printf(err, "cannot attach to %s: %s", t->name, strerror(errno));
		return -1;
	}
	return 0;
}

/* ---- attach ---- */

static int tp_attach(struct bpf_program *prog, const struct attach_target *t, struct vec *links,
		     struct strbuf *err)
{
	LIBBPF_OPTS(bpf_tracepoint_opts, opts, .bpf_cookie = t->cookie);
	const char *colon = strchr(t->target, ':');
	struct bpf_link *link;
	char *cat;

	if (t->sys_nr)
		return tp_attach_syscall(prog, t, links, err);
	if (!colon) {
		sb_printf(err, "bad tracepoint name: %s", t->target);
		return -1;
	}
	cat = xstrndup(t->target, (size_t)(colon - t->target));
	link = bpf_program__attach_tracepoint_opts(prog, cat, colon + 1, &opts);
	free(cat);
	if (!link) {
		sb_printf(err, "cannot attach to %s: %s", t->name, strerror(errno));
		return -1;
	}
	vec_push(links, link);
	return 0;
}

static const char *const tp_aliases[] = {"t", NULL};

const struct provider provider_tracepoint = {
	.name = "tracepoint",
	.aliases = tp_aliases,
	.section = "tracepoint",
	.has_args = true,
	.expand = tp_expand,
	.fields = tp_fields,
	.attach = tp_attach,
	.prepare = tp_prepare,
};
