/* SPDX-License-Identifier: GPL-2.0 */
/* Multi links (uprobe_multi, kprobe_multi): many functions, one link. */
#ifndef SONDE_MULTI_H
#define SONDE_MULTI_H

#include "probes/provider.h"

/* Not in Debian's uapi headers (kernel 6.6's values). */
#define MULTI_UPROBE_ATTACH 48	      /* BPF_TRACE_UPROBE_MULTI */
#define MULTI_UPROBE_RETURN (1U << 0) /* BPF_F_UPROBE_MULTI_RETURN */

/*
 * Whether uprobes (kprobe: kprobes) use multi links: 0 never (--no-feature,
 * SONDE_MULTI=0), 1 always (SONDE_MULTI=1), -1 when the kernel has them.
 */
int multi_mode(bool kprobe);
/* --no-feature LIST (kprobe_multi, uprobe_multi, kprobe_session): 0, or -1 for an unknown name. */
int multi_no_feature(const char *list);
/*
 * Whether the kernel has uprobe_multi links (pid_filter: that filter by
 * process, which -p needs) / kprobe_multi links. Asked once, lazily.
 */
bool multi_uprobe_kernel(bool pid_filter);
bool multi_kprobe_kernel(void);
/*
 * load_attach_type for uprobes and usdt: MULTI_UPROBE_ATTACH when a binary
 * has more than one of pd's targets and multi links are on and available.
 */
int multi_uprobe_load_type(const struct prog_desc *pd);

/*
 * Attach prog at the n targets with one uprobe_multi link per binary
 * (targets[i]->target), cookies and usdt semaphores (ref_ctr_off) as the
 * per-target path sets them; ret:
 * uretprobes; pid > 0: only in that process. Returns n, or -1 + err with
 * nothing left attached.
 */
int multi_attach_uprobes(struct bpf_program *prog, struct attach_target *const *targets, size_t n,
			 bool ret, int pid, struct vec *links, struct strbuf *err);
/* The same for kernel functions (targets[i]->target) with one kprobe_multi link. */
int multi_attach_kprobes(struct bpf_program *prog, struct attach_target *const *targets, size_t n,
			 bool ret, struct vec *links, struct strbuf *err);
/* "uprobe_multi" or "kprobe_multi" when prog was loaded for such links, else NULL. */
const char *multi_link_kind(const struct bpf_program *prog);

#endif
