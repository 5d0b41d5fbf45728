// SPDX-License-Identifier: GPL-2.0
/*
 * The functions of SEMA_FUNCS_MORE: string helpers, addresses, buffers,
 * compile-time lookups (kaddr, pton, cgroupid), map queries, unsafe
 * actions and the asynchronous ones that user space completes.
 */
#define _GNU_SOURCE
#include "sema/sema_int.h"
#include "probes/provider.h"

#include <arpa/inet.h>
#include <bpf/btf.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool known(const struct type *t)
{
	return t && t->kind != T_NONE;
}

static bool is_str(const struct type *t)
{
	return t && t->kind == T_STRING;
}

/* A string argument; reports "expects a string" when it is another type. */
static bool str_arg(struct sctx *s, struct node *call, struct node *a, const char *what)
{
	const struct type *t = sema_expr(s, a);

	if (!known(t))
		return false;
	if (!is_str(t)) {
		sema_err(s, a, "%s() expects a string for its %s argument (%s provided)", call->str,
			 what, type_str(t));
		return false;
	}
	return true;
}

static bool literal_arg(struct sctx *s, struct node *call, struct node *a, const char *what)
{
	if (a->kind != N_STRING) {
		sema_err(s, a, "%s() expects a string literal as its %s argument", call->str, what);
		return false;
	}
	a->type = type_string((unsigned)a->len + 1);
	return true;
}

/*
 * reg("sp"): a register of the traced context, x86-64 struct pt_regs.
 * n->ival becomes its offset there.
 */
static const struct type *sema_reg(struct sctx *s, struct node *n)
{
	static const char *const regs[] = {
		"r15", "r14", "r13", "r12", "bp",      "bx", "r11", "r10",   "r9", "r8", "ax",
		"cx",  "dx",  "si",  "di",  "orig_ax", "ip", "cs",  "flags", "sp", "ss",
	};
	const struct provider *prov = s->pd ? s->pd->prov : NULL;

	if (!sema_nargs_ok(s, n, 1, 1) || !literal_arg(s, n, n->a, "first"))
		return type_none();
	if (!prov || (strcmp(prov->name, "kprobe") && strcmp(prov->name, "kretprobe") &&
		      strcmp(prov->name, "uprobe") && strcmp(prov->name, "uretprobe") &&
		      strcmp(prov->name, "usdt"))) {
		sema_err(s, n, "reg can not be used with \"%s\" probes",
			 prov ? prov->name : "these");
		return type_none();
	}
	for (size_t i = 0; i < ARRAY_SIZE(regs); i++)
		if (!strcmp(regs[i], n->a->str)) {
			n->ival = (int64_t)(8 * i);
			return type_int(8, false);
		}
	sema_err(s, n->a, "'%s' is not a valid register", n->a->str);
	return type_none();
}

/* kaddr("sym"): the address from /proc/kallsyms, read only here. */
static bool kallsyms_addr(const char *sym, uint64_t *addr)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	char line[512], name[256], kind;
	unsigned long long a;
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx %c %255s", &a, &kind, name) == 3 && !strcmp(name, sym)) {
			*addr = a;
			found = true;
		}
	fclose(f);
	return found;
}

/* Is BTF VAR id listed in the kernel's .data..percpu section? */
static bool btf_percpu_var(const struct btf *btf, int id)
{
	int sec = btf__find_by_name_kind(btf, ".data..percpu", BTF_KIND_DATASEC);
	const struct btf_type *t;

	if (sec <= 0)
		return false;
	t = btf__type_by_id(btf, (uint32_t)sec);
	const struct btf_var_secinfo *v = btf_var_secinfos(t);
	for (uint16_t i = 0; i < btf_vlen(t); i++)
		if (v[i].type == (uint32_t)id)
			return true;
	return false;
}

/* percpu_kaddr("sym"[, cpu]): the symbol must be a per-CPU VAR in the kernel's
 * BTF (libbpf resolves the extern by it); its BTF id goes to codegen in ival. */
static const struct type *sema_percpu_kaddr(struct sctx *s, struct node *n)
{
	struct btf *btf;
	uint64_t addr;
	int id;

	if (!sema_nargs_ok(s, n, 1, 2) || !literal_arg(s, n, n->a, "first"))
		return type_none();
	if (n->a->next) {
		const struct type *t = sema_expr(s, n->a->next);
		if (known(t) && t->kind != T_INT) {
			sema_err(s, n->a->next,
				 "percpu_kaddr() expects an integer cpu (%s provided)",
				 type_str(t));
			return type_none();
		}
	}
	if (!(btf = sema_vmlinux_btf())) {
		sema_err(s, n, "percpu_kaddr() needs the kernel's BTF (/sys/kernel/btf/vmlinux)");
		return type_none();
	}
	id = btf__find_by_name_kind(btf, n->a->str, BTF_KIND_VAR);
	if (id <= 0 || !btf_percpu_var(btf, id)) {
		sema_err(s, n->a, "Could not resolve per-CPU kernel variable: %s", n->a->str);
		return type_none();
	}
	/* the verifier resolves the address with kallsyms, which holds data
	 * symbols only with CONFIG_KALLSYMS_ALL */
	if (!kallsyms_addr(n->a->str, &addr)) {
		sema_err(s, n->a,
			 "percpu_kaddr(): %s is not in /proc/kallsyms (the kernel needs "
			 "CONFIG_KALLSYMS_ALL)",
			 n->a->str);
		return type_none();
	}
	n->ival = id;
	return type_int(8, false);
}

/* cgroupid("/sys/fs/cgroup/x"): the cgroup v2 id is the directory's file handle. */
static bool cgroup_id(const char *path, uint64_t *id)
{
	struct {
		struct file_handle fh;
		uint64_t id;
	} h;
	int mount_id;

	h.fh.handle_bytes = sizeof(uint64_t);
	if (name_to_handle_at(AT_FDCWD, path, &h.fh, &mount_id, 0))
		return false;
	memcpy(id, h.fh.f_handle, sizeof(*id));
	return true;
}

static int signal_number(const char *name)
{
	static const struct {
		const char *name;
		int sig;
	} sigs[] = {
		{"HUP", SIGHUP},       {"INT", SIGINT},	  {"QUIT", SIGQUIT},   {"ILL", SIGILL},
		{"TRAP", SIGTRAP},     {"ABRT", SIGABRT}, {"BUS", SIGBUS},     {"FPE", SIGFPE},
		{"KILL", SIGKILL},     {"USR1", SIGUSR1}, {"SEGV", SIGSEGV},   {"USR2", SIGUSR2},
		{"PIPE", SIGPIPE},     {"ALRM", SIGALRM}, {"TERM", SIGTERM},   {"CHLD", SIGCHLD},
		{"CONT", SIGCONT},     {"STOP", SIGSTOP}, {"TSTP", SIGTSTP},   {"TTIN", SIGTTIN},
		{"TTOU", SIGTTOU},     {"URG", SIGURG},	  {"XCPU", SIGXCPU},   {"XFSZ", SIGXFSZ},
		{"VTALRM", SIGVTALRM}, {"PROF", SIGPROF}, {"WINCH", SIGWINCH}, {"IO", SIGIO},
		{"PWR", SIGPWR},       {"SYS", SIGSYS},
	};

	if (!strncmp(name, "SIG", 3))
		name += 3;
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		if (!strcmp(sigs[i].name, name))
			return sigs[i].sig;
	return -1;
}

static bool unsafe_ok(struct sctx *s, struct node *n)
{
	if (s->opts->unsafe)
		return true;
	if (!s->quiet)
		diag_error_hint(s->d, &n->loc, "run with --unsafe to allow it",
				"%s() is an unsafe function", n->str);
	return false;
}

/* printf-like calls: fmt literal + args; the event carries them. */
static const struct type *fmt_event(struct sctx *s, struct node *n, enum event_kind kind)
{
	struct node *fmt = n->a;
	int na = ast_list_len(n->a);

	if (na < 1) {
		sema_err(s, n, "%s() requires at least 1 argument (0 provided)", n->str);
		return type_void();
	}
	for (struct node *a = fmt->next; a; a = a->next)
		sema_expr(s, a);
	if (fmt->kind != N_STRING) {
		sema_err(s, fmt, "%s() expects a string literal as its first argument", n->str);
		return type_void();
	}
	for (struct node *a = fmt->next; a; a = a->next)
		if (a->type && (a->type->kind == T_VOID || a->type->kind == T_AGG))
			sema_err(s, a, "%s() cannot print a value of type %s", n->str,
				 type_str(a->type));
	sema_check_printf(s, n, fmt->str, fmt->next);
	if (!s->quiet && kind != EV_PRINTF) {
		struct event_desc *ev = sema_new_event(s, n, kind);
		ev->fmt = arena_strdup(&s->prog->arena, fmt->str);
		ev->loc = n->loc;
		ev->top = s->opts->max_cat_bytes ? s->opts->max_cat_bytes : 10240;
		sema_event_args(s, ev, fmt->next, na - 1);
		s->prog->source = s->d->src;
	}
	return type_void();
}

static const struct type *call_ntop(struct sctx *s, struct node *n)
{
	if (!sema_nargs_ok(s, n, 1, 2))
		return type_none();
	struct node *addr = sema_arg(n, ast_list_len(n->a) - 1);
	if (addr != n->a && !sema_int_arg(s, n, n->a, "address family"))
		return type_none();
	const struct type *t = sema_expr(s, addr);
	if (!known(t))
		return type_none();
	bool arr = is_str(t) || (t->kind == T_ARRAY && t->elem->size == 1);
	bool ok = t->kind == T_INT || (arr && (t->size == 4 || t->size == 16));
	if (!ok) {
		sema_err(s, addr,
			 "ntop() expects an integer or a char array of 4 or 16 bytes (%s provided)",
			 type_str(t));
		return type_none();
	}
	return type_simple(T_INET, 24);
}

static const struct type *call_buf(struct sctx *s, struct node *n)
{
	uint32_t cap = s->opts->max_strlen;
	int64_t v;

	if (!sema_nargs_ok(s, n, 1, 2))
		return type_none();
	const struct type *t = sema_expr(s, n->a);
	if (!known(t))
		return type_none();
	if (t->kind != T_INT && t->kind != T_PTR && !is_str(t)) {
		sema_err(s, n->a, "buf() expects a pointer, an integer or an array (%s provided)",
			 type_str(t));
		return type_none();
	}
	struct node *len = sema_arg(n, 1);
	if (len) {
		if (!sema_int_arg(s, n, len, "length"))
			return type_none();
		if (sema_const_int(len, &v)) {
			if (v < 0) {
				sema_err(s, len, "buf() length must be positive (%lld given)",
					 (long long)v);
				return type_none();
			}
			if ((uint64_t)v < cap)
				cap = (uint32_t)v;
		}
	} else if (is_str(t)) {
		cap = t->size;
	} else {
		sema_err(s, n, "buf() requires a length argument for a pointer");
		return type_none();
	}
	if (cap == 0)
		cap = 1;
	return type_simple(T_BUFFER, 4 + cap);
}

static const struct type *map_query(struct sctx *s, struct node *n, int nargs)
{
	if (!sema_nargs_ok(s, n, nargs, nargs))
		return NULL;
	struct node *m = n->a;
	if (m->kind != N_MAP || m->a) {
		sema_err(s, m, "%s() expects a map without a key as its first argument", n->str);
		return NULL;
	}
	struct map_desc *md = sema_map_get(s, m);
	if (sema_tseries_refuse(s, m, md, n->str))
		return NULL;
	if (!md->key && md->value) {
		sema_err(s, m, "%s() expects a map with keys: %s has none", n->str, m->str);
		return NULL;
	}
	/* Type the key as if written @m[key]. */
	m->a = m->next;
	bool ok = sema_map_key(s, m, md);
	m->a = NULL;
	return ok ? type_bool() : NULL;
}

const struct type *sema_call_more(struct sctx *s, struct node *n, enum sema_func f, bool as_stmt)
{
	struct program *p = s->prog;
	int64_t v;
	uint64_t u;

	switch (f) {
	case F_COMM:
		return sema_comm_of_pid(s, n);
	case F_STRLEN:
		if (!sema_nargs_ok(s, n, 1, 1) || !str_arg(s, n, n->a, "first"))
			return type_none();
		return type_int(8, false);
	case F_STRNCMP:
		if (!sema_nargs_ok(s, n, 3, 3))
			return type_none();
		/* check both arguments, so both get their errors */
		if (!str_arg(s, n, n->a, "first") + !str_arg(s, n, n->a->next, "second"))
			return type_none();
		if (!sema_const_int(n->a->next->next, &v) || v < 0) {
			sema_err(s, n->a->next->next,
				 "strncmp() expects a non-negative integer literal as its third "
				 "argument");
			return type_none();
		}
		sema_expr(s, n->a->next->next);
		return type_int(8, true);
	case F_STRCONTAINS:
	case F_STRSTR:
		if (!sema_nargs_ok(s, n, 2, 2))
			return type_none();
		/* check both arguments, so both get their errors */
		if (!str_arg(s, n, n->a, "first") + !str_arg(s, n, n->a->next, "second"))
			return type_none();
		return f == F_STRSTR ? type_int(8, true) : type_bool();
	case F_BSWAP: {
		if (!sema_nargs_ok(s, n, 1, 1))
			return type_none();
		const struct type *t = sema_expr(s, n->a);
		if (!known(t))
			return type_none();
		if (t->kind != T_INT) {
			sema_err(s, n->a, "bswap() expects an integer (%s provided)", type_str(t));
			return type_none();
		}
		return type_int(t->size, false);
	}
	case F_KADDR:
		if (!sema_nargs_ok(s, n, 1, 1) || !literal_arg(s, n, n->a, "first"))
			return type_none();
		if (!kallsyms_addr(n->a->str, &u)) {
			sema_err(s, n->a, "Failed to resolve kernel symbol: %s", n->a->str);
			return type_none();
		}
		n->ival = (int64_t)u;
		return type_int(8, false);
	case F_PERCPU_KADDR:
		return sema_percpu_kaddr(s, n);
	case F_REG:
		return sema_reg(s, n);
	case F_CGROUPID:
		if (!sema_nargs_ok(s, n, 1, 1) || !literal_arg(s, n, n->a, "first"))
			return type_none();
		if (!cgroup_id(n->a->str, &u)) {
			sema_err(s, n->a, "cgroupid: cannot resolve cgroup path: %s", n->a->str);
			return type_none();
		}
		n->ival = (int64_t)u;
		return type_int(8, false);
	case F_PTON: {
		unsigned char a[16];
		if (!sema_nargs_ok(s, n, 1, 1) || !literal_arg(s, n, n->a, "first"))
			return type_none();
		/* uint8[4] or uint8[16], printed as [a,b,...] like bpftrace */
		if (inet_pton(AF_INET, n->a->str, a) == 1)
			return type_array(type_int(1, false), 4);
		if (inet_pton(AF_INET6, n->a->str, a) == 1)
			return type_array(type_int(1, false), 16);
		sema_err(s, n->a, "pton: invalid IP address: %s", n->a->str);
		return type_none();
	}
	case F_NTOP:
		return call_ntop(s, n);
	case F_MACADDR: {
		if (!sema_nargs_ok(s, n, 1, 1))
			return type_none();
		const struct type *t = sema_expr(s, n->a);
		if (!known(t))
			return type_none();
		if (t->kind != T_INT && t->kind != T_PTR && !(is_str(t) && t->size >= 6)) {
			sema_err(s, n->a,
				 "macaddr() expects a pointer or an array of at least 6 "
				 "bytes (%s provided)",
				 type_str(t));
			return type_none();
		}
		return type_simple(T_MACADDR, 6);
	}
	case F_BUF:
		return call_buf(s, n);
	case F_STRERROR:
		if (!sema_nargs_ok(s, n, 1, 1) || !sema_int_arg(s, n, n->a, "argument"))
			return type_none();
		return type_simple(T_STRERROR, 8);
	case F_CGROUP_PATH:
		if (!sema_nargs_ok(s, n, 1, 2) || !sema_int_arg(s, n, n->a, "cgroup id"))
			return type_none();
		if (n->a->next) {
			sema_unsupported(s, n->a->next, "the cgroup_path() filter argument");
			return type_none();
		}
		return type_simple(T_CGROUP_PATH, 8);
	case F_STRFTIME:
		if (!sema_nargs_ok(s, n, 2, 2) || !literal_arg(s, n, n->a, "first") ||
		    !sema_int_arg(s, n, n->a->next, "timestamp"))
			return type_none();
		n->ival = prog_string(p, n->a->str);
		return type_simple(T_TIMESTAMP, 16);
	case F_HAS_KEY: {
		const struct type *t = map_query(s, n, 2);
		return t ? t : type_none();
	}
	case F_SIGNAL: {
		if (!sema_nargs_ok(s, n, 1, 1))
			return type_void();
		if (!unsafe_ok(s, n))
			return type_void();
		if (s->pd && (s->pd->is_begin || s->pd->is_end)) {
			sema_err(s, n, "signal() is not supported in BEGIN or END probes");
			return type_void();
		}
		if (n->a->kind == N_STRING) {
			int sig = signal_number(n->a->str);
			if (sig < 0) {
				sema_err(s, n->a, "%s is not a valid signal", n->a->str);
				return type_void();
			}
			n->ival = sig;
			n->a->type = type_string((unsigned)n->a->len + 1);
			return type_void();
		}
		if (!sema_int_arg(s, n, n->a, "signal"))
			return type_void();
		if (sema_const_int(n->a, &v) && (v < 1 || v > 64)) {
			sema_err(s, n->a, "%lld is not a valid signal", (long long)v);
			return type_void();
		}
		n->ival = -1;
		return type_void();
	}
	case F_SYSTEM:
		if (!unsafe_ok(s, n)) {
			for (struct node *a = n->a; a; a = a->next)
				sema_expr(s, a);
			return type_void();
		}
		return fmt_event(s, n, EV_SYSTEM);
	case F_CAT:
		return fmt_event(s, n, EV_CAT);
	case F_ERRORF:
		return fmt_event(s, n, EV_ERRORF);
	case F_WARNF:
		return fmt_event(s, n, EV_WARNF);
	case F_DEBUGF: {
		const struct type *t = fmt_event(s, n, EV_PRINTF);
		if (ast_list_len(n->a) > 4)
			sema_err(s, n,
				 "debugf() takes at most 3 arguments after the format (%d "
				 "provided)",
				 ast_list_len(n->a) - 1);
		for (struct node *a = n->a ? n->a->next : NULL; a; a = a->next)
			if (known(a->type) && a->type->kind != T_INT && a->type->kind != T_BOOL &&
			    a->type->kind != T_PTR)
				sema_err(s, a, "debugf() only prints integers (%s provided)",
					 type_str(a->type));
		if (!s->quiet && n->a && n->a->kind == N_STRING)
			diag_warn(s->d, &n->loc,
				  "debugf() writes to /sys/kernel/tracing/trace_pipe, not to "
				  "sonde's output");
		return t;
	}
	case F_JOIN: {
		if (!sema_nargs_ok(s, n, 1, 2))
			return type_void();
		if (!sema_int_arg(s, n, n->a, "array"))
			return type_void();
		struct node *sep = n->a->next;
		if (sep && !literal_arg(s, n, sep, "separator"))
			return type_void();
		if (!s->quiet) {
			struct event_desc *ev = sema_new_event(s, n, EV_JOIN);
			ev->fmt = arena_strdup(&p->arena, sep ? sep->str : " ");
			ev->top = 16; /* strings */
			ev->div = s->opts->max_strlen;
			ev->nargs = 1;
			ev->args = arena_alloc(&p->arena, sizeof(*ev->args));
			ev->args[0].type = type_string((unsigned)(ev->top * ev->div));
			ev->size = (uint32_t)(ev->top * ev->div + 7) / 8 * 8;
		}
		return type_void();
	}
	case F_ASSERT: {
		if (!sema_nargs_ok(s, n, 2, 2))
			return type_void();
		const struct type *c = sema_expr(s, n->a);
		if (known(c) && c->kind != T_INT && c->kind != T_BOOL && c->kind != T_PTR)
			sema_err(s, n->a,
				 "assert() condition must be an integer or bool (%s "
				 "provided)",
				 type_str(c));
		if (!literal_arg(s, n, n->a->next, "message"))
			return type_void();
		if (!s->quiet) {
			struct event_desc *ev = sema_new_event(s, n, EV_ERRORF);
			struct strbuf sb;
			sb_init(&sb);
			sb_puts(&sb, "assert failed: ");
			for (const char *q = n->a->next->str; *q; q++)
				sb_puts(&sb, *q == '%' ? "%%" : (char[]){*q, 0});
			ev->fmt = arena_strdup(&p->arena, sb.buf);
			sb_free(&sb);
			ev->loc = n->loc;
			ev->div = 1; /* exit(1) after the message */
			ev->args = arena_alloc(&p->arena, sizeof(*ev->args));
			s->prog->source = s->d->src;
		}
		return type_void();
	}
	case F_STATIC_ASSERT: {
		if (!sema_nargs_ok(s, n, 1, 2))
			return type_void();
		if (n->a->next && !literal_arg(s, n, n->a->next, "message"))
			return type_void();
		sema_expr(s, n->a);
		if (!sema_const_int(n->a, &v) && n->a->kind != N_BOOL) {
			sema_err(s, n->a,
				 "static_assert() needs a condition known at compile time");
			return type_void();
		}
		if (n->a->kind == N_BOOL)
			v = n->a->ival;
		if (!v)
			sema_err(s, n, "%s", n->a->next ? n->a->next->str : "static_assert failed");
		return type_void();
	}
	case F_FAIL:
		if (!sema_nargs_ok(s, n, 1, 1) || !literal_arg(s, n, n->a, "first"))
			return type_void();
		sema_err(s, n, "%s", n->a->str);
		return type_void();
	case F_LEN:
		return sema_len(s, n);
	case F_FIND:
		return sema_find(s, n);
	case F_UADDR:
		return sema_uaddr(s, n);
	case F_GETOPT:
		return sema_getopt(s, n);
	default:
		BUG("function %s", n->str);
	}
}
