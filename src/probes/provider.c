// SPDX-License-Identifier: GPL-2.0
/*
 * The provider registry and helpers shared by every provider. A new probe
 * type costs one file and one line in the table below. Nothing here scans
 * the system at start-up: each provider reads only what a probe needs.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "probes/provider.h"
#include "prog/prog.h"

extern const struct provider provider_begin, provider_end, provider_tracepoint;
extern const struct provider provider_rawtracepoint, provider_interval, provider_profile;
extern const struct provider provider_software, provider_uprobe, provider_uretprobe;
extern const struct provider provider_kprobe, provider_kretprobe;
extern const struct provider provider_usdt, provider_hardware, provider_watchpoint;
extern const struct provider provider_fentry, provider_fexit, provider_self, provider_iter;

int provider_pid;

/* clang-format off */
static const struct provider *const providers[] = {
	&provider_begin,
	&provider_end,
	&provider_tracepoint,
	&provider_rawtracepoint,
	&provider_interval,
	&provider_profile,
	&provider_software,
	&provider_uprobe,
	&provider_uretprobe,
	&provider_kprobe,
	&provider_kretprobe,
	&provider_usdt,
	&provider_hardware,
	&provider_watchpoint,
	&provider_fentry,
	&provider_fexit,
	&provider_self,
	&provider_iter,
	NULL,
};
/* clang-format on */

const struct provider *provider_find(const char *name)
{
	/* An exact alias first: "u" is uprobe, "U" usdt. */
	for (const struct provider *const *p = providers; *p; p++)
		for (const char *const *a = (*p)->aliases; a && *a; a++)
			if (!strcmp(*a, name))
				return *p;
	for (const struct provider *const *p = providers; *p; p++) {
		if (!strcasecmp((*p)->name, name))
			return *p;
		for (const char *const *a = (*p)->aliases; a && *a; a++)
			if (!strcasecmp(*a, name))
				return *p;
	}
	return NULL;
}

const struct provider *const *provider_all(void)
{
	return providers;
}

/*
 * Like bpftrace's lexer: ':' outside double quotes separates parts, the
 * quotes themselves are dropped, and a backslash inside quotes escapes the
 * next character. A trailing ':' gives an empty last part.
 */
int provider_split(const char *raw, char ***parts)
{
	struct vec v = {0};
	struct strbuf cur;
	bool quoted = false;

	sb_init(&cur);
	for (const char *s = raw; *s; s++) {
		if (*s == '"') {
			quoted = !quoted;
		} else if (quoted && *s == '\\' && s[1]) {
			sb_putc(&cur, *++s);
		} else if (*s == ':' && !quoted) {
			vec_push(&v, sb_detach(&cur));
		} else {
			sb_putc(&cur, *s);
		}
	}
	vec_push(&v, sb_detach(&cur));
	sb_free(&cur);
	*parts = (char **)v.v;
	return (int)v.n;
}

void provider_parts_free(char **parts, int n)
{
	if (!parts)
		return;
	for (int i = 0; i < n; i++)
		free(parts[i]);
	free(parts);
}

struct attach_target *provider_target_new(const struct provider *p, const char *name,
					  const char *target)
{
	struct attach_target *t = xcalloc(1, sizeof(*t));

	t->prov = p;
	t->name = xstrdup(name);
	t->target = target ? xstrdup(target) : NULL;
	return t;
}

void provider_program_targets_free(struct program *p)
{
	for (size_t i = 0; i < p->progs.n; i++) {
		struct prog_desc *pd = p->progs.v[i];

		for (size_t j = 0; j < pd->targets.n; j++)
			provider_target_free(pd->targets.v[j]);
		pd->targets.n = 0;
	}
}

void provider_target_free(struct attach_target *t)
{
	if (!t)
		return;
	free(t->name);
	free(t->target);
	free(t->func);
	free(t->usdt_args);
	free(t);
}

void provider_field_free(struct arg_field *f)
{
	if (!f)
		return;
	free(f->name);
	free(f->ctype);
	free(f);
}

static int target_cmp(const void *a, const void *b)
{
	const struct attach_target *ta = *(const struct attach_target *const *)a;
	const struct attach_target *tb = *(const struct attach_target *const *)b;

	return strcmp(ta->name, tb->name);
}

void provider_targets_sort(struct vec *targets, size_t from)
{
	if (targets->n > from + 1)
		qsort(targets->v + from, targets->n - from, sizeof(void *), target_cmp);
}

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

#define TRACEFS	      "/sys/kernel/tracing"
#define TRACEFS_DEBUG "/sys/kernel/debug/tracing"

const char *provider_tracefs(struct strbuf *err)
{
	static const char *cached;
	int mount_errno;

	if (cached)
		return cached;
	if (is_dir(TRACEFS "/events"))
		return cached = TRACEFS;
	/* Not mounted yet (a fresh container, say): mount it where it belongs. */
	if (mount("nodev", TRACEFS, "tracefs", 0, NULL) == 0) {
		if (is_dir(TRACEFS "/events"))
			return cached = TRACEFS;
		mount_errno = ENOENT;
	} else {
		mount_errno = errno;
	}
	if (is_dir(TRACEFS_DEBUG "/events"))
		return cached = TRACEFS_DEBUG;
	if (mount_errno == EPERM || mount_errno == EACCES)
		sb_printf(err, "cannot read tracefs (" TRACEFS "): sonde needs root, or "
			       "CAP_BPF, CAP_PERFMON and access to tracefs");
	else
		sb_printf(err, "cannot find tracefs: mounting it on " TRACEFS " failed: %s",
			  strerror(mount_errno));
	return NULL;
}
