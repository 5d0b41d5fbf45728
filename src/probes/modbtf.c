// SPDX-License-Identifier: GPL-2.0
/*
 * Module BTF: /sys/kernel/btf/MODULE holds a module's types as split BTF,
 * its ids continuing vmlinux's, so it is parsed on top of the kernel's
 * BTF (which stays shared with sema). Each module is read once, on first
 * use: only scripts naming modules (or module wildcards) pay for it.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "probes/btf_args.h"
#include "probes/modbtf.h"

const char *modbtf_dir = "/sys/kernel/btf";

struct modbtf {
	char *name;
	struct btf *btf;
};

/* Loaded modules' BTF, kept for the process's life like vmlinux's. */
static struct vec loaded;

struct btf *modbtf_get(const char *module, struct strbuf *err)
{
	struct btf *base, *btf;
	struct modbtf *m;
	char *path;

	if (!strcmp(module, "vmlinux"))
		return probe_vmlinux_btf(err);
	for (size_t i = 0; i < loaded.n; i++) {
		m = loaded.v[i];
		if (!strcmp(m->name, module))
			return m->btf;
	}
	path = xasprintf("%s/%s", modbtf_dir, module);
	if (strchr(module, '/') || access(path, R_OK)) {
		sb_printf(err, "module %s is not loaded or has no BTF (%s)", module, path);
		free(path);
		return NULL;
	}
	base = probe_vmlinux_btf(err);
	if (!base) {
		free(path);
		return NULL;
	}
	libbpf_print_fn_t old = libbpf_set_print(NULL);
	btf = btf__parse_split(path, base);
	libbpf_set_print(old);
	if (!btf || libbpf_get_error(btf)) {
		sb_printf(err, "cannot read the BTF of module %s (%s): %s", module, path,
			  strerror(errno ? errno : EINVAL));
		free(path);
		return NULL;
	}
	free(path);
	m = xmalloc(sizeof(*m));
	m->name = xstrdup(module);
	m->btf = btf;
	vec_push(&loaded, m);
	return btf;
}

uint32_t modbtf_first_id(const struct btf *btf)
{
	const struct btf *base = btf__base_btf(btf);

	return base ? btf__type_cnt(base) : 1;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int modbtf_modules(const char *pattern, struct vec *names)
{
	DIR *d = opendir(modbtf_dir);
	size_t before = names->n;
	struct dirent *de;

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || !strcmp(de->d_name, "vmlinux") ||
		    !util_wildcard_match(pattern, de->d_name))
			continue;
		vec_push(names, xstrdup(de->d_name));
	}
	closedir(d);
	if (names->n > before + 1)
		qsort(names->v + before, names->n - before, sizeof(*names->v), name_cmp);
	return (int)(names->n - before);
}

struct btf *modbtf_of_target(const char **name, struct strbuf *err)
{
	const char *colon = strchr(*name, ':');
	struct btf *btf;
	char *module;

	if (!colon)
		return probe_vmlinux_btf(err);
	module = xstrndup(*name, (size_t)(colon - *name));
	btf = modbtf_get(module, err);
	free(module);
	*name = colon + 1;
	return btf;
}

int modbtf_find_in_modules(const struct provider *p, const char *pattern, const char *name,
			   modbtf_find_fn find, struct vec *out, struct strbuf *err)
{
	struct vec mods = {0};
	int rc = 0;

	modbtf_modules(pattern, &mods);
	for (size_t i = 0; i < mods.n && !rc; i++) {
		struct btf *btf = modbtf_get(mods.v[i], err);

		if (btf)
			find(p, btf, mods.v[i], name, out);
		else
			rc = -1;
	}
	for (size_t i = 0; i < mods.n; i++)
		free(mods.v[i]);
	vec_free(&mods);
	return rc;
}
