// SPDX-License-Identifier: GPL-2.0
/*
 * Multi links: one BPF_LINK_CREATE attaches a program at many functions
 * instead of one perf event per function. uprobe_multi (kernel >= 6.6)
 * takes the file offsets of one binary; kprobe_multi (>= 5.18, needs
 * fprobe) takes kernel function names. The program must be loaded with
 * the matching expected_attach_type, so the choice is made before
 * loading, once per program; the kernel is asked (lazily, once) whether
 * it has the link type. SONDE_MULTI=0 turns multi links off, =1 uses
 * them without asking.
 *
 * Debian's libbpf 1.1 and its uapi headers predate uprobe_multi: its
 * link is created with the raw bpf(2) call and kept as an fd link, which
 * provider_link_destroy() closes like the libbpf links.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "prog/prog.h"
#include "probes/multi.h"
#include "probes/uprobe.h"

/* BPF_LINK_CREATE's attr for uprobe_multi, as in the kernel's union bpf_attr. */
struct umulti_attr {
	uint32_t prog_fd;
	uint32_t target_fd;
	uint32_t attach_type;
	uint32_t link_flags;
	uint64_t path;
	uint64_t offsets;
	uint64_t ref_ctr_offsets;
	uint64_t cookies;
	uint32_t cnt;
	uint32_t flags;
	uint32_t pid;
	uint32_t pad; /* the kernel wants the tail zeroed */
};
_Static_assert(offsetof(struct umulti_attr, path) == 16, "link_create.uprobe_multi.path");
_Static_assert(offsetof(struct umulti_attr, cnt) == 48, "link_create.uprobe_multi.cnt");
_Static_assert(offsetof(struct umulti_attr, pid) == 56, "link_create.uprobe_multi.pid");

/* ---- fd links ---- */

/* A link that libbpf did not make: its fd, closed on destroy. */
struct fd_link {
	int fd;
};

/* The live fd links: few (one per binary per probe), searched on destroy. */
static struct vec fd_links;

static void *fd_link_new(int fd)
{
	struct fd_link *l = xmalloc(sizeof(*l));

	l->fd = fd;
	vec_push(&fd_links, l);
	return l;
}

void provider_link_destroy(void *link)
{
	for (size_t i = 0; i < fd_links.n; i++) {
		struct fd_link *l = fd_links.v[i];

		if (l != link)
			continue;
		close(l->fd);
		free(l);
		fd_links.v[i] = fd_links.v[--fd_links.n];
		if (!fd_links.n)
			vec_free(&fd_links);
		return;
	}
	bpf_link__destroy(link);
}

/* ---- feature checks ---- */

/* --no-feature uprobe_multi / kprobe_multi */
static bool no_uprobe_multi, no_kprobe_multi;

int multi_no_feature(const char *list)
{
	char *copy = xstrdup(list), *save = NULL;
	int rc = 0;

	for (char *f = strtok_r(copy, ",", &save); f && !rc; f = strtok_r(NULL, ",", &save)) {
		if (!strcmp(f, "uprobe_multi"))
			no_uprobe_multi = true;
		else if (!strcmp(f, "kprobe_multi"))
			no_kprobe_multi = true;
		else if (strcmp(f, "kprobe_session")) /* sonde uses no session links */
			rc = -1;
	}
	free(copy);
	return rc;
}

int multi_mode(bool kprobe)
{
	const char *v = getenv("SONDE_MULTI");

	if (kprobe ? no_kprobe_multi : no_uprobe_multi)
		return 0;
	if (v && !strcmp(v, "0"))
		return 0;
	if (v && !strcmp(v, "1"))
		return 1;
	return -1;
}

/* A program that returns 0, loaded with expected_attach_type type; fd or -1. */
static int tiny_kprobe_prog(uint32_t type)
{
	const struct bpf_insn insns[] = {
		{.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0},
		{.code = BPF_JMP | BPF_EXIT},
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = type);

	return bpf_prog_load(BPF_PROG_TYPE_KPROBE, NULL, "GPL", insns, ARRAY_SIZE(insns), &opts);
}

static int umulti_create(struct umulti_attr *a)
{
	return (int)syscall(__NR_bpf, BPF_LINK_CREATE, a, sizeof(*a));
}

bool multi_uprobe_kernel(bool pid_filter)
{
	static int known = -1, by_process = -1;
	uint64_t off = 0;
	int prog, fd;

	if (known >= 0)
		return known && (!pid_filter || by_process);
	known = by_process = 0;
	prog = tiny_kprobe_prog(MULTI_UPROBE_ATTACH);
	if (prog < 0)
		return false;
	/* "/" is no file to probe: a kernel with uprobe_multi says EBADF... */
	struct umulti_attr a = {
		.prog_fd = (uint32_t)prog,
		.attach_type = MULTI_UPROBE_ATTACH,
		.path = (uint64_t)(uintptr_t) "/",
		.offsets = (uint64_t)(uintptr_t)&off,
		.cnt = 1,
	};
	fd = umulti_create(&a);
	known = fd < 0 && errno == EBADF;
	if (fd >= 0)
		close(fd);
	/*
	 * ...and one that filters by process, not by thread (6.9, fixes in
	 * 6.6-6.8 updates), rejects pid -1 before looking at the path.
	 */
	a.pid = (uint32_t)-1;
	fd = umulti_create(&a);
	by_process = fd < 0 && errno == EINVAL;
	if (fd >= 0)
		close(fd);
	close(prog);
	return known && (!pid_filter || by_process);
}

int multi_uprobe_load_type(const struct prog_desc *pd)
{
	bool shared = false;

	/* Targets come sorted by name, so a binary's are next to each other. */
	for (size_t i = 1; i < pd->targets.n && !shared; i++) {
		const struct attach_target *a = pd->targets.v[i - 1], *b = pd->targets.v[i];

		shared = !strcmp(a->target, b->target);
	}
	if (!shared || !multi_mode(false))
		return 0;
	return multi_mode(false) > 0 || multi_uprobe_kernel(provider_pid > 0) ? MULTI_UPROBE_ATTACH
									      : 0;
}

bool multi_kprobe_kernel(void)
{
	static int known = -1;
	const char *syms[] = {"sonde_no_such_kernel_function"};
	int prog, fd, e;

	if (known >= 0)
		return known;
	known = 0;
	prog = tiny_kprobe_prog(BPF_TRACE_KPROBE_MULTI);
	if (prog < 0)
		return false;
	LIBBPF_OPTS(bpf_link_create_opts, opts, .kprobe_multi.syms = syms, .kprobe_multi.cnt = 1);
	fd = bpf_link_create(prog, 0, BPF_TRACE_KPROBE_MULTI, &opts);
	e = errno;
	if (fd >= 0)
		close(fd);
	close(prog);
	/*
	 * Without fprobe the kernel answers EOPNOTSUPP, before 5.18 EINVAL;
	 * with kprobe_multi the unknown function is what fails (ESRCH, ENOENT).
	 */
	known = fd >= 0 || (e != EOPNOTSUPP && e != EINVAL && e != 524 /* ENOTSUPP */);
	return known;
}

/* ---- attaching ---- */

/*
 * The link for a's offsets failed: halve them until one fails on its own,
 * so the error names the function (a few links, each closed at once).
 * Returns its index, or -1 when no single one fails.
 */
static int umulti_culprit(struct umulti_attr a)
{
	const uint64_t *offs = (const uint64_t *)(uintptr_t)a.offsets;
	const uint64_t *cookies = (const uint64_t *)(uintptr_t)a.cookies;
	const uint64_t *refs = (const uint64_t *)(uintptr_t)a.ref_ctr_offsets;
	uint32_t lo = 0, n = a.cnt;
	int fd;

	while (n > 1) {
		a.offsets = (uint64_t)(uintptr_t)(offs + lo);
		a.cookies = (uint64_t)(uintptr_t)(cookies + lo);
		a.ref_ctr_offsets = refs ? (uint64_t)(uintptr_t)(refs + lo) : 0;
		a.cnt = n / 2;
		fd = umulti_create(&a);
		if (fd >= 0) {
			close(fd);
			lo += n / 2;
			n -= n / 2;
		} else {
			n /= 2;
		}
	}
	a.offsets = (uint64_t)(uintptr_t)(offs + lo);
	a.cookies = (uint64_t)(uintptr_t)(cookies + lo);
	a.ref_ctr_offsets = refs ? (uint64_t)(uintptr_t)(refs + lo) : 0;
	a.cnt = 1;
	fd = umulti_create(&a);
	if (fd >= 0) {
		close(fd);
		return -1;
	}
	return (int)lo;
}

int multi_attach_uprobes(struct bpf_program *prog, struct attach_target *const *targets, size_t n,
			 bool ret, int pid, struct vec *links, struct strbuf *err)
{
	uint64_t *offs = xcalloc(n, sizeof(*offs)), *cookies = xcalloc(n, sizeof(*cookies));
	uint64_t *refs = xcalloc(n, sizeof(*refs)); /* usdt semaphores (the kernel's ref_ctr) */
	size_t *idx = xcalloc(n, sizeof(*idx));	    /* offs[k] is targets[idx[k]] */
	bool *done = xcalloc(n, sizeof(*done));
	size_t before = links->n;
	int rc = 0;

	/* One link per binary; a probe may name several. */
	for (size_t i = 0; i < n && !rc; i++) {
		const char *path = targets[i]->target;
		uint32_t cnt = 0;
		bool any_ref = false;

		if (done[i])
			continue;
		for (size_t j = i; j < n; j++) {
			if (done[j] || strcmp(targets[j]->target, path))
				continue;
			done[j] = true;
			idx[cnt] = j;
			offs[cnt] = targets[j]->offset;
			refs[cnt] = targets[j]->ref_ctr_off;
			any_ref |= refs[cnt] != 0;
			cookies[cnt++] = targets[j]->cookie;
		}
		struct umulti_attr a = {
			.prog_fd = (uint32_t)bpf_program__fd(prog),
			.attach_type = MULTI_UPROBE_ATTACH,
			.path = (uint64_t)(uintptr_t)path,
			.offsets = (uint64_t)(uintptr_t)offs,
			.cookies = (uint64_t)(uintptr_t)cookies,
			.ref_ctr_offsets = any_ref ? (uint64_t)(uintptr_t)refs : 0,
			.cnt = cnt,
			.flags = ret ? MULTI_UPROBE_RETURN : 0,
			.pid = pid > 0 ? (uint32_t)pid : 0,
		};
		int fd = umulti_create(&a);

		if (fd < 0) {
			int e = errno, bad = cnt == 1 ? 0 : umulti_culprit(a);
			const char *why = uprobe_strerror(e);

			if (bad >= 0)
				sb_printf(err, "cannot attach to %s: %s", targets[idx[bad]]->name,
					  why);
			else
				sb_printf(err,
					  "cannot attach to the %u functions of %s with one "
					  "uprobe_multi link: %s",
					  cnt, path, why);
			rc = -1;
			break;
		}
		vec_push(links, fd_link_new(fd));
	}
	if (rc) {
		while (links->n > before)
			provider_link_destroy(links->v[--links->n]);
	}
	free(offs);
	free(cookies);
	free(refs);
	free(idx);
	free(done);
	return rc ? -1 : (int)n;
}

int multi_attach_kprobes(struct bpf_program *prog, struct attach_target *const *targets, size_t n,
			 bool ret, struct vec *links, struct strbuf *err)
{
	const char **syms = xcalloc(n, sizeof(*syms));
	__u64 *cookies = xcalloc(n, sizeof(*cookies));
	struct bpf_link *link;

	for (size_t i = 0; i < n; i++) {
		syms[i] = targets[i]->target;
		cookies[i] = targets[i]->cookie;
	}
	LIBBPF_OPTS(bpf_kprobe_multi_opts, opts, .syms = syms, .cookies = cookies, .cnt = n,
		    .retprobe = ret);
	link = bpf_program__attach_kprobe_multi_opts(prog, NULL, &opts);
	if (!link) {
		int e = errno;

		if (e == EOPNOTSUPP || e == 524)
			sb_printf(err,
				  "kprobe_multi links are not available: this kernel was built "
				  "without CONFIG_FPROBE");
		else
			sb_printf(err,
				  "cannot attach to the %zu kernel functions with one "
				  "kprobe_multi link: %s",
				  n, strerror(e));
	}
	free(syms);
	free(cookies);
	if (!link)
		return -1;
	vec_push(links, link);
	return (int)n;
}

const char *multi_link_kind(const struct bpf_program *prog)
{
	switch ((int)bpf_program__expected_attach_type(prog)) {
	case MULTI_UPROBE_ATTACH:
		return "uprobe_multi";
	case BPF_TRACE_KPROBE_MULTI:
		return "kprobe_multi";
	default:
		return NULL;
	}
}
