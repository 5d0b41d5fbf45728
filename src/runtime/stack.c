// SPDX-License-Identifier: GPL-2.0
/*
 * Printing stacks as current bpftrace does: a newline, then one frame per
 * line ("        sym+off" in bpftrace mode, "\tHEX sym+off" in perf mode,
 * bare hex in raw mode), from the innermost frame out. The frames come
 * from the STACK_TRACE map; symbols from symbols/.
 */
#include <inttypes.h>
#include <string.h>

#include <linux/bpf.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "runtime/rt.h"
#include "symbols/symbols.h"

static int stack_fds[STACK_MAX_FRAMES + 1];    /* by frame limit; 0: none */
static int build_id_fds[STACK_MAX_FRAMES + 1]; /* ustack(build_id) maps, same */
static int pids_fd = -1;

void out_stack_note_pids(void)
{
	uint32_t pid;

	if (pids_fd < 0)
		return;
	/* Record each new process's mappings, then forget the key. */
	while (!bpf_map_get_next_key(pids_fd, NULL, &pid)) {
		sym_note_pid(pid);
		if (bpf_map_delete_elem(pids_fd, &pid))
			break;
	}
}

/* Read the frames of v; returns how many (0 for a failed or unknown stack). */
static int stack_frames(const struct type *t, const struct stack_val *v, uint64_t *ips)
{
	uint32_t id;
	int n = 0, limit = STACK_TYPE_LIMIT(t);

	if (limit < 1 || limit > STACK_MAX_FRAMES || stack_fds[limit] <= 0 || v->stackid < 0)
		return 0;
	id = (uint32_t)v->stackid;
	memset(ips, 0, STACK_MAX_FRAMES * sizeof(*ips));
	if (bpf_map_lookup_elem(stack_fds[limit], &id, ips))
		return 0;
	while (n < limit && ips[n])
		n++;
	return n;
}

/*
 * ustack(build_id), as bpftrace prints it: a newline, then per frame the
 * build id in hex, a space and the file offset ("0x%02x"); the bare hex ip
 * when the kernel could not read the build id (status IP). Folded, the
 * frames run outermost first, joined by ';'.
 */
static void build_id_stack(struct strbuf *sb, const struct type *t, const struct stack_val *v,
			   bool folded)
{
	static struct bpf_stack_build_id frames[STACK_MAX_FRAMES];
	int n = 0, limit = STACK_TYPE_LIMIT(t);
	uint32_t id = (uint32_t)v->stackid;

	if (limit >= 1 && limit <= STACK_MAX_FRAMES && build_id_fds[limit] > 0 && v->stackid >= 0) {
		memset(frames, 0, sizeof(frames));
		if (!bpf_map_lookup_elem(build_id_fds[limit], &id, frames))
			while (n < limit && frames[n].status != BPF_STACK_BUILD_ID_EMPTY)
				n++;
	}
	if (!folded)
		sb_putc(sb, '\n');
	for (int k = 0; k < n; k++) {
		const struct bpf_stack_build_id *f = &frames[folded ? n - 1 - k : k];

		if (folded && k)
			sb_putc(sb, ';');
		if (f->status == BPF_STACK_BUILD_ID_VALID) {
			for (int b = 0; b < BPF_BUILD_ID_SIZE; b++)
				sb_printf(sb, "%02x", f->build_id[b]);
			sb_printf(sb, " 0x%02" PRIx64, (uint64_t)f->offset);
		} else {
			sb_printf(sb, "%" PRIx64, (uint64_t)f->ip);
		}
		if (!folded)
			sb_putc(sb, '\n');
	}
}

static void frame_sym(struct strbuf *sb, const struct type *t, const struct stack_val *v,
		      uint64_t ip, bool perf)
{
	if (t->kind == T_KSTACK)
		sym_kernel(sb, ip, true);
	else
		sym_user(sb, (uint32_t)v->pid, ip, true, perf);
}

void out_stack_text(struct strbuf *sb, const struct type *t, const void *data)
{
	struct stack_val v;
	uint64_t ips[STACK_MAX_FRAMES];
	int n;

	memcpy(&v, data, sizeof(v));
	if (STACK_TYPE_MODE(t) == STACK_SYM) {
		/* ksym()/usym(): the bare function name, "0x..." when unknown. */
		if (t->kind == T_KSTACK)
			sym_kernel(sb, (uint64_t)v.stackid, false);
		else
			sym_user(sb, (uint32_t)v.pid, (uint64_t)v.stackid, false, false);
		return;
	}
	if (STACK_TYPE_MODE(t) == STACK_BUILD_ID) {
		build_id_stack(sb, t, &v, false);
		return;
	}
	n = stack_frames(t, &v, ips);
	sb_putc(sb, '\n');
	for (int i = 0; i < n; i++) {
		switch (STACK_TYPE_MODE(t)) {
		case STACK_RAW:
		case STACK_BUILD_ID: /* printed above */
		case STACK_SYM:
			sb_printf(sb, "%" PRIx64 "\n", ips[i]);
			break;
		case STACK_PERF:
			sb_printf(sb, "\t%" PRIx64 " ", ips[i]);
			frame_sym(sb, t, &v, ips[i], true);
			sb_putc(sb, '\n');
			break;
		case STACK_BPFTRACE:
			sb_puts(sb, "        ");
			frame_sym(sb, t, &v, ips[i], false);
			sb_putc(sb, '\n');
			break;
		}
	}
}

void out_stack_folded(struct strbuf *sb, const struct type *t, const void *data)
{
	struct stack_val v;
	uint64_t ips[STACK_MAX_FRAMES];
	int n;

	memcpy(&v, data, sizeof(v));
	if (STACK_TYPE_MODE(t) == STACK_SYM) {
		out_stack_text(sb, t, data);
		return;
	}
	if (STACK_TYPE_MODE(t) == STACK_BUILD_ID) {
		build_id_stack(sb, t, &v, true);
		return;
	}
	n = stack_frames(t, &v, ips);
	/* Folded stacks run from the outermost frame in, without offsets. */
	for (int i = n - 1; i >= 0; i--) {
		if (i != n - 1)
			sb_putc(sb, ';');
		if (t->kind == T_KSTACK)
			sym_kernel(sb, ips[i], false);
		else
			sym_user(sb, (uint32_t)v.pid, ips[i], false, false);
	}
}

void out_stack_init(struct bpf_object *obj)
{
	char name[32];

	for (int l = 1; l <= STACK_MAX_FRAMES; l++) {
		snprintf(name, sizeof(name), PROG_STACK_MAP_FMT, l);
		struct bpf_map *m = bpf_object__find_map_by_name(obj, name);
		stack_fds[l] = m ? bpf_map__fd(m) : 0;
		snprintf(name, sizeof(name), PROG_BUILD_ID_STACK_MAP_FMT, l);
		m = bpf_object__find_map_by_name(obj, name);
		build_id_fds[l] = m ? bpf_map__fd(m) : 0;
	}
	struct bpf_map *pm = bpf_object__find_map_by_name(obj, PROG_PIDS_MAP);
	pids_fd = pm ? bpf_map__fd(pm) : -1;
}
