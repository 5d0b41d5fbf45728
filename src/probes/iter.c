// SPDX-License-Identifier: GPL-2.0
/*
 * iter:task, task_file, task_vma, bpf_map, bpf_prog, bpf_link (alias it):
 * BPF iterators; ctx points to the kernel's struct bpf_iter__KIND. The program
 * (section "iter/task") is attached with an iterator link; reading an
 * iterator fd made from that link runs it once per task (or open file),
 * and the read ends with the walk. The driver does that after BEGIN, then
 * ends as if exit() was called. The kernel calls the program a last time
 * with a NULL object: the prologue skips that call.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "probes/iter.h"
#include "probes/provider.h"
#include "prog/prog.h"

static struct vec iter_links; /* struct bpf_link *, also owned by the driver's list */

static int iter_expand(const struct provider *p, char **parts, int nparts, struct vec *out,
		       struct strbuf *err)
{
	char *name;

	/* Iterators that need no parameters, whose first object is at offset 8. */
	static const char *const kinds[] = {"task",    "task_file", "task_vma",
					    "bpf_map", "bpf_prog",  "bpf_link"};
	bool ok = false;

	for (size_t i = 0; nparts == 1 && i < ARRAY_SIZE(kinds); i++)
		ok |= !strcmp(parts[0], kinds[i]);
	if (!ok) {
		sb_printf(err, "iter probes support task, task_file, task_vma, bpf_map, bpf_prog "
			       "and bpf_link: iter:task");
		return -1;
	}
	name = xasprintf("iter:%s", parts[0]);
	vec_push(out, provider_target_new(p, name, parts[0]));
	free(name);
	return 1;
}

static int iter_fields(const struct attach_target *t, struct vec *out, struct strbuf *err)
{
	(void)t;
	(void)out;
	(void)err;
	return 0;
}

static int iter_attach(struct bpf_program *prog, const struct attach_target *t, struct vec *links,
		       struct strbuf *err)
{
	struct bpf_link *link = bpf_program__attach_iter(prog, NULL);

	if (!link) {
		sb_printf(err, "cannot attach to %s: %s", t->name, strerror(errno));
		return -1;
	}
	vec_push(links, link);
	vec_push(&iter_links, link);
	return 0;
}

static void iter_prepare(struct prog_desc *pd, struct program *p)
{
	if (pd->targets.n)
		pd->section = arena_printf(&p->arena, "iter/%s",
					   ((struct attach_target *)pd->targets.v[0])->target);
	pd->ctx_kind = PROG_CTX_ITER;
}

int iter_drive_all(struct strbuf *err)
{
	char buf[256];
	int rc = 0;

	for (size_t i = 0; i < iter_links.n && !rc; i++) {
		int fd = bpf_iter_create(bpf_link__fd(iter_links.v[i]));
		ssize_t n;

		if (fd < 0) {
			sb_printf(err, "cannot create the iterator: %s", strerror(errno));
			rc = -1;
			break;
		}
		while ((n = read(fd, buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR))
			;
		if (n < 0) {
			sb_printf(err, "iterator read failed: %s", strerror(errno));
			rc = -1;
		}
		close(fd);
	}
	iter_links.n = 0;
	return rc;
}

static const char *const iter_aliases[] = {"it", NULL};

const struct provider provider_iter = {
	.name = "iter",
	.aliases = iter_aliases,
	.section = "iter",
	.prog_per_target = true,
	.expand = iter_expand,
	.fields = iter_fields,
	.attach = iter_attach,
	.prepare = iter_prepare,
};
