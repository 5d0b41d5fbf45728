// SPDX-License-Identifier: GPL-2.0
/*
 * The newer builtin variables (ppid, pcomm, curtask, jiffies, ncpus,
 * numaid, usermode, username, cpid, probetype, ctx) and builtins written
 * as calls: pid(), tid(init), comm(), nsecs(monotonic)... Kernel BTF is
 * read only when ppid or pcomm is used.
 */
#include "sema/sema_int.h"
#include "probes/provider.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <stdio.h>
#include <string.h>

/* Byte offset of member `name` in struct `sid`, looking through anonymous members. */
static bool btf_member_off(const struct btf *btf, uint32_t sid, const char *name, uint32_t *off)
{
	const struct btf_type *t = btf__type_by_id(btf, sid);
	const struct btf_member *m;

	if (!t || (!btf_is_struct(t) && !btf_is_union(t)))
		return false;
	m = btf_members(t);
	for (int i = 0; i < btf_vlen(t); i++, m++) {
		const char *mn = btf__name_by_offset(btf, m->name_off);
		uint32_t bits = btf_member_bit_offset(t, (uint32_t)i), sub;
		if (mn && *mn) {
			if (!strcmp(mn, name)) {
				*off = bits / 8;
				return true;
			}
			continue;
		}
		int32_t tid = btf__resolve_type(btf, m->type);
		if (tid > 0 && btf_member_off(btf, (uint32_t)tid, name, &sub)) {
			*off = bits / 8 + sub;
			return true;
		}
	}
	return false;
}

/* Offsets of task_struct.real_parent and task_struct.<field>, from kernel BTF. */
static bool task_offsets(const char *field, uint32_t *parent, uint32_t *off)
{
	struct btf *btf = sema_vmlinux_btf();

	if (!btf)
		return false;
	int32_t id = btf__find_by_name_kind(btf, "task_struct", BTF_KIND_STRUCT);
	return id > 0 && btf_member_off(btf, (uint32_t)id, "real_parent", parent) &&
	       btf_member_off(btf, (uint32_t)id, field, off);
}

/* Providers whose context is (or starts with) struct pt_regs. */
static bool has_pt_regs(const struct prog_desc *pd)
{
	static const char *const names[] = {"profile", "interval",  "kprobe", "kretprobe",
					    "uprobe",  "uretprobe", "usdt"};

	for (size_t i = 0; pd && pd->prov && i < ARRAY_SIZE(names); i++)
		if (!strcmp(pd->prov->name, names[i]))
			return true;
	return false;
}

/* May this probe's program type call kfuncs such as bpf_task_from_pid? The
 * kernel allows tracing (fentry, iter), tracepoint and perf-event programs,
 * not kprobe (uprobe, usdt) or raw tracepoint (BEGIN, END) ones. */
static bool kfunc_allowed(const struct prog_desc *pd)
{
	static const char *const names[] = {"tracepoint", "profile",  "interval",
					    "software",	  "hardware", "watchpoint",
					    "fentry",	  "fexit",    "iter"};

	for (size_t i = 0; pd && pd->prov && i < ARRAY_SIZE(names); i++)
		if (!strcmp(pd->prov->name, names[i]))
			return true;
	return false;
}

/* comm(pid), F_COMM; comm() is the builtin. */
const struct type *sema_comm_of_pid(struct sctx *s, struct node *n)
{
	uint32_t parent, off;
	const struct type *t;

	if (!n->a) {
		sema_builtin_call(s, n, &t);
		return t;
	}
	if (!sema_nargs_ok(s, n, 0, 1))
		return type_none();
	t = sema_expr(s, n->a);
	if (t->kind != T_NONE && t->kind != T_INT) {
		sema_err(s, n->a, "comm() expects an integer pid, not %s", type_str(t));
		return type_none();
	}
	if (!task_offsets("comm", &parent, &off)) {
		sema_err(s, n,
			 "comm(pid) needs kernel BTF (/sys/kernel/btf/vmlinux) for task_struct");
		return type_none();
	}
	if (!kfunc_allowed(s->pd)) {
		if (!s->quiet && !s->mute)
			diag_error_hint(s->d, &n->loc,
					"the kernel lets tracepoint, profile, interval, software, "
					"hardware, "
					"watchpoint, fentry, fexit and iter programs call it",
					"comm(pid) is not available in %s probes: it needs the "
					"bpf_task_from_pid kfunc",
					s->pd && s->pd->prov ? s->pd->prov->name : "these");
		return type_none();
	}
	n->ival = off;
	return type_string(16);
}

const struct type *sema_builtin_more(struct sctx *s, struct node *n, enum sema_builtin b)
{
	uint32_t parent, off;

	switch (b) {
	case B_PPID:
	case B_PCOMM:
		if (!task_offsets(b == B_PPID ? "tgid" : "comm", &parent, &off)) {
			sema_err(s, n,
				 "%s needs kernel BTF (/sys/kernel/btf/vmlinux) for task_struct",
				 n->str);
			return type_none();
		}
		n->ival = (int64_t)((uint64_t)parent << 32 | off);
		return b == B_PPID ? type_int(4, false) : type_string(16);
	case B_CURTASK:
		/* fields are read from BTF only when the script uses them */
		return type_ptr(type_record("struct task_struct"));
	case B_JIFFIES:
	case B_NSECS_CLOCK:
		return type_int(8, false);
	case B_NCPUS: {
		int ncpus = libbpf_num_possible_cpus();
		n->ival = ncpus > 0 ? ncpus : 1;
		return type_int(8, false);
	}
	case B_NUMAID:
		return type_int(4, false);
	case B_USERMODE:
		/* BEGIN and END run on behalf of sonde itself: user mode. */
		if (s->pd && (s->pd->is_begin || s->pd->is_end))
			return type_int(1, false);
		if (!has_pt_regs(s->pd)) {
			sema_err(s, n, "usermode is not available in %s probes",
				 s->pd && s->pd->prov ? s->pd->prov->name : "these");
			return type_none();
		}
		return type_int(1, false);
	case B_USERNAME:
		return type_simple(T_USERNAME, 8);
	case B_CPID:
		if (s->opts->cpid > 0) {
			n->ival = s->opts->cpid; /* known before compiling: a constant */
			return type_int(4, false);
		}
		sema_err(s, n, "cpid cannot be used without a child command: cpid requires -c");
		return type_none();
	case B_PROBETYPE: {
		const char *pt = "none";
		if (s->pd && (s->pd->is_begin || s->pd->is_end))
			pt = "special";
		else if (s->pd && s->pd->prov)
			pt = s->pd->prov->name;
		n->str2 = arena_strdup(&s->ast->arena, pt);
		return type_string((unsigned)strlen(pt) + 1);
	}
	case B_CTX:
		/* iter: a pointer to the kernel's struct bpf_iter__KIND (ctx.task...). */
		if (s->pd && s->pd->ctx_kind == PROG_CTX_ITER && s->pd->targets.n) {
			const struct attach_target *t = s->pd->targets.v[0];
			char name[96];
			const struct type *rec;

			snprintf(name, sizeof(name), "struct bpf_iter__%s", t->target);
			rec = sema_c_type_named(name);
			if (rec)
				return type_ptr(rec);
		}
		return type_ptr(NULL);
	default:
		BUG("builtin %d", b);
	}
}

static bool ident_arg(struct node *a, const char *const *names, size_t n, int64_t *which)
{
	if (!a || a->kind != N_IDENT)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(a->str, names[i])) {
			*which = (int64_t)i;
			return true;
		}
	return false;
}

/*
 * A call whose name is a builtin: pid(), comm(), tid(init), nsecs(tai).
 * Rewrites the node into the builtin identifier and types it.
 */
bool sema_builtin_call(struct sctx *s, struct node *n, const struct type **t)
{
	static const char *const ns[] = {"curr_ns", "init"};
	static const char *const clocks[] = {"boot", "monotonic", "tai", "sw_tai"};
	enum sema_builtin b = B_NONE;
	int na = ast_list_len(n->a);
	int64_t which = 0;

	for (int i = B_NONE + 1; i <= B_NSECS_CLOCK; i++)
		if (!strcmp(sema_builtin_name((enum sema_builtin)i), n->str))
			b = (enum sema_builtin)i;
	if (b == B_NONE || b == B_ARGS || b == B_NSECS_CLOCK)
		return false;
	if ((b == B_PID || b == B_TID) && na == 1) {
		/* sonde runs in the initial pid namespace view of the kernel helper */
		if (!ident_arg(n->a, ns, ARRAY_SIZE(ns), &which)) {
			sema_err(s, n->a, "%s() expects curr_ns or init as its argument", n->str);
			*t = type_none();
			return true;
		}
	} else if (b == B_NSECS && na == 1) {
		if (!ident_arg(n->a, clocks, ARRAY_SIZE(clocks), &which)) {
			sema_err(s, n->a,
				 "Invalid timestamp mode: %s (expects boot, monotonic, tai or "
				 "sw_tai)",
				 n->a->kind == N_IDENT ? n->a->str : "this expression");
			*t = type_none();
			return true;
		}
		if (which != CLOCK_BOOT_NS)
			n->str = "nsecs()"; /* B_NSECS_CLOCK, also when typed again */
	} else if (na) {
		sema_err(s, n, "%s() requires 0 arguments (%d provided)", n->str, na);
		*t = type_none();
		return true;
	}
	n->kind = N_IDENT;
	n->a = NULL;
	n->ival = which;
	*t = sema_expr(s, n);
	return true;
}
