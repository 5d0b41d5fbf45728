// SPDX-License-Identifier: GPL-2.0
/*
 * Top-level definitions: `#define NAME value` constants, the
 * `config = { ... }` block (the BPFTRACE_* environment wins over it) and
 * map declarations `let @m = hash(N);`.
 */
#include "sema/sema_int.h"

#include <ctype.h>
#include <inttypes.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct map_decl {
	struct node *n;
	uint32_t bpf_type; /* the non-per-CPU type; per-CPU variants below */
	bool percpu, lru;
};

/* ---- #define ---- */

static struct node *clone(struct sctx *s, const struct node *n)
{
	if (!n)
		return NULL;
	struct node *c = arena_alloc(&s->ast->arena, sizeof(*c));
	*c = *n;
	c->a = clone(s, n->a);
	c->b = clone(s, n->b);
	c->c = clone(s, n->c);
	c->d = clone(s, n->d);
	c->next = clone(s, n->next);
	c->type = NULL;
	c->sema = NULL;
	return c;
}

bool sema_define_expand(struct sctx *s, struct node *ident)
{
	for (size_t i = 0; i < s->defines.n; i++) {
		struct node *d = s->defines.v[i];
		if (strcmp(d->str, ident->str))
			continue;
		struct node *v = clone(s, d->a);
		struct node *next = ident->next;
		struct span loc = ident->loc;
		*ident = *v;
		ident->next = next;
		ident->loc = loc;
		ident->type = d->a->type; /* an enumerator keeps its enum (sema N_INT) */
		return true;
	}
	return false;
}

/* `#define NAME` with nothing after: a flag for #ifdef (scriptcond.c). */
static bool define_is_flag(const struct node *n)
{
	const char *p = n->str2 ? strstr(n->str2, "define") : NULL;

	if (!p)
		return false;
	for (p += 6; *p == ' ' || *p == '\t';)
		p++;
	while (isalnum((unsigned char)*p) || *p == '_')
		p++;
	for (; *p; p++)
		if (!isspace((unsigned char)*p))
			return false;
	return true;
}

static void define(struct sctx *s, struct node *n)
{
	if (!n->a && define_is_flag(n))
		return;
	if (!n->a) {
		sema_unsupported(s, n, "a #define that is not a simple constant");
		return;
	}
	vec_push(&s->defines, n);
}

/* ---- config ---- */

static const char *const config_keys[] = {
	"max_strlen",	      "max_map_keys",
	"max_probes",	      "max_bpf_progs",
	"max_cat_bytes",      "log_size",
	"perf_rb_pages",      "cpp_demangle",
	"cache_user_symbols", "stack_mode",
	"str_trunc_trailer",  "missing_probes",
	"print_maps_on_exit", "on_stack_limit",
	"lazy_symbolication", "license",
	"show_debug_info",    "use_blazesym",
	"unstable_tseries",   "unstable_dw_ustack",
	"unstable_typeinfo",  "unstable_import_statement",
};

static const struct {
	const char *old, *now;
} renamed[] = {
	{"strlen", "max_strlen"},
	{"no_cpp_demangle", "cpp_demangle"},
	{"cat_bytes_max", "max_cat_bytes"},
	{"map_keys_max", "max_map_keys"},
};

/* Keys bpftrace reads from the environment only. */
static const char *const env_only_keys[] = {
	"btf", "debug_output", "kernel_build", "kernel_source", "max_ast_nodes", "vmlinux",
};

/* The span of an item's key, where bpftrace reports a bad key. */
static struct span key_span(const struct node *it)
{
	struct span sp = it->loc;

	sp.last_line = sp.first_line;
	sp.last_column = sp.first_column + (int)strlen(it->str);
	return sp;
}

/* `stack_mode`, `STACK_MODE` and `BPFTRACE_STACK_MODE` name one key. */
static void config_key(const char *raw, char *out, size_t len)
{
	size_t i = 0;

	if (!strncasecmp(raw, "bpftrace_", 9))
		raw += 9;
	for (; raw[i] && i + 1 < len; i++)
		out[i] = (char)tolower((unsigned char)raw[i]);
	out[i] = 0;
}

/* A positive number from the environment, or 0 when unset. */
static uint32_t env_num(const char *name)
{
	const char *v = getenv(name);
	char *end;

	if (!v || !*v)
		return 0;
	unsigned long n = strtoul(v, &end, 10);
	return *end || n > 1u << 30 ? 0 : (uint32_t)n;
}

static void config_item(struct sctx *s, struct node *it)
{
	char key[64];
	bool known = false;

	config_key(it->str, key, sizeof(key));
	struct span ksp = key_span(it);
	for (size_t i = 0; i < ARRAY_SIZE(env_only_keys); i++)
		if (!strcmp(key, env_only_keys[i])) {
			diag_error(s->d, &ksp, "%s can only be set as an environment variable",
				   key);
			return;
		}
	for (size_t i = 0; i < ARRAY_SIZE(renamed); i++)
		if (!strcmp(key, renamed[i].old)) {
			sema_err(s, it, "%s has been renamed, please use: %s", it->str,
				 renamed[i].now);
			return;
		}
	for (size_t i = 0; i < ARRAY_SIZE(config_keys); i++)
		known |= !strcmp(key, config_keys[i]);
	if (!known) {
		diag_error_hint(s->d, &ksp, "see the config variables in the manual",
				"Unrecognized config variable: %s", it->str);
		return;
	}
	if (!strcmp(key, "str_trunc_trailer")) {
		char num[32];
		const char *v = it->a->str;
		size_t len = it->a->len;
		if (it->a->kind == N_INT) {
			/* bpftrace takes a number as its decimal text. */
			len = (size_t)snprintf(num, sizeof(num), "%" PRId64, it->a->ival);
			v = num;
		} else if (it->a->kind != N_STRING) {
			sema_err(s, it->a, "%s expects a string", it->str);
			return;
		}
		/* The environment wins over the script. */
		if (!getenv("BPFTRACE_STR_TRUNC_TRAILER"))
			s->prog->str_trunc_trailer = arena_strndup(&s->prog->arena, v, len);
		return;
	}
	if (sema_config_more(s, it, key))
		return;
	bool numeric = !strcmp(key, "max_strlen") || !strcmp(key, "max_map_keys");
	if (!numeric) {
		char what[96];
		snprintf(what, sizeof(what), "the config variable %s", it->str);
		sema_unsupported(s, it, what);
		return;
	}
	if (it->a->kind != N_INT || it->a->ival <= 0 || it->a->ival > (1 << 30)) {
		sema_err(s, it->a, "%s expects a positive integer", it->str);
		return;
	}
	uint32_t v = (uint32_t)it->a->ival;
	if (!strcmp(key, "max_strlen")) {
		if (v > SEMA_MAX_STRLEN) {
			sema_err(s, it->a,
				 "max_strlen %u is too large: sonde reads at most %d bytes", v,
				 SEMA_MAX_STRLEN);
			return;
		}
		/* The environment wins over the script. */
		if (!env_num("BPFTRACE_MAX_STRLEN") && !env_num("BPFTRACE_STRLEN"))
			((struct sema_opts *)s->opts)->max_strlen = v;
	} else {
		s->max_map_keys = v;
	}
}

/* ---- map declarations ---- */

static void map_decl(struct sctx *s, struct node *n)
{
	static const struct {
		const char *name;
		bool percpu, lru;
	} kinds[] = {
		{"hash", false, false},
		{"lruhash", false, true},
		{"percpuhash", true, false},
		{"percpulruhash", true, true},
	};
	struct map_decl *d = NULL;

	for (size_t i = 0; i < s->map_decls.n; i++) {
		struct map_decl *o = s->map_decls.v[i];
		if (!strcmp(o->n->str, n->str)) {
			sema_err(s, n, "Map %s is already declared", n->str);
			return;
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
		if (n->str2 && !strcmp(n->str2, kinds[i].name)) {
			d = arena_alloc(&s->ast->arena, sizeof(*d));
			d->percpu = kinds[i].percpu;
			d->lru = kinds[i].lru;
		}
	if (!d) {
		diag_error_hint(s->d, &n->loc, "use hash, lruhash, percpuhash or percpulruhash",
				"Invalid bpf map type: %s", n->str2 ? n->str2 : "");
		return;
	}
	if (!n->a || n->a->kind != N_INT || n->a->ival <= 0 || n->a->ival > (1 << 24)) {
		diag_error(s->d, n->a ? &n->a->loc : &n->loc,
			   "The size of map %s must be a positive integer constant", n->str);
		return;
	}
	d->n = n;
	vec_push(&s->map_decls, d);
}

void sema_toplevel(struct sctx *s, struct node *n)
{
	switch (n->kind) {
	case N_DEFINE:
		define(s, n);
		break;
	case N_CONFIG:
		for (struct node *it = n->a; it; it = it->next)
			config_item(s, it);
		break;
	case N_MAP_DECL:
		map_decl(s, n);
		break;
	default:
		BUG("sema_toplevel on %s", ast_kind_name(n->kind));
	}
}

/* After map typing: sizes and BPF types from declarations and config. */
void sema_toplevel_finish(struct sctx *s)
{
	uint32_t keys = env_num("BPFTRACE_MAX_MAP_KEYS");

	if (!keys)
		keys = env_num("BPFTRACE_MAP_KEYS_MAX");
	if (!keys)
		keys = s->max_map_keys;
	if (keys)
		for (size_t i = 0; i < s->prog->maps.n; i++)
			((struct map_desc *)s->prog->maps.v[i])->max_entries = keys;
	for (size_t i = 0; i < s->map_decls.n; i++) {
		struct map_decl *d = s->map_decls.v[i];
		struct map_desc *md = NULL;
		bool agg;

		for (size_t j = 0; j < s->prog->maps.n && !md; j++)
			if (!strcmp(((struct map_desc *)s->prog->maps.v[j])->name, d->n->str))
				md = s->prog->maps.v[j];
		if (!md) {
			/* As bpftrace: a warning, and no map is created. */
			diag_warn(s->d, &d->n->loc, "Unused map: %s", d->n->str);
			continue;
		}
		agg = md->agg != AGG_NONE;

		if (agg && !d->percpu) {
			diag_error_hint(
				s->d, &d->n->loc, "declare it as percpuhash or percpulruhash",
				"%s holds an aggregation, which needs a per-CPU map, not %s",
				md->name, d->n->str2);
			continue;
		}
		if (!agg && d->percpu) {
			diag_error_hint(
				s->d, &d->n->loc, "declare it as hash or lruhash",
				"%s is assigned plain values, which need a non-per-CPU map, "
				"not %s",
				md->name, d->n->str2);
			continue;
		}
		md->max_entries = (uint32_t)d->n->a->ival;
		if (d->lru)
			md->bpf_type = agg ? BPF_MAP_TYPE_LRU_PERCPU_HASH : BPF_MAP_TYPE_LRU_HASH;
	}
}
