// SPDX-License-Identifier: GPL-2.0
/*
 * The config block's settings beyond strings and map sizes (toplevel.c).
 * Every key K may also come from the environment as BPFTRACE_<K>, which
 * wins over the script, as in bpftrace: sema_config_env() applies the
 * environment first, and a script setting is ignored when it is set.
 */
#include "sema/sema_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

enum cfg_kind { CFG_BOOL, CFG_NUM, CFG_MODE, CFG_STR };

struct cfg_key {
	const char *name;
	enum cfg_kind kind;
	const char *const *modes; /* CFG_MODE: the accepted values, NULL-terminated */
};

static const char *const stack_modes[] = {"bpftrace", "perf", "raw", "build_id", NULL};
static const char *const missing_modes[] = {"error", "warn", "ignore", NULL};
static const char *const cache_modes[] = {"per_pid", "per_program", "none", NULL};
static const char *const unstable_modes[] = {"enable", "warn", "error", "true", "false", NULL};

static const struct cfg_key keys[] = {
	{"stack_mode", CFG_MODE, stack_modes},
	{"missing_probes", CFG_MODE, missing_modes},
	{"cache_user_symbols", CFG_MODE, cache_modes},
	{"print_maps_on_exit", CFG_BOOL, NULL},
	{"cpp_demangle", CFG_BOOL, NULL},
	{"lazy_symbolication", CFG_BOOL, NULL},
	{"show_debug_info", CFG_BOOL, NULL},
	{"use_blazesym", CFG_BOOL, NULL},
	{"perf_rb_pages", CFG_NUM, NULL},
	{"max_probes", CFG_NUM, NULL},
	{"max_bpf_progs", CFG_NUM, NULL},
	{"log_size", CFG_NUM, NULL},
	{"on_stack_limit", CFG_NUM, NULL},
	{"max_cat_bytes", CFG_NUM, NULL},
	{"license", CFG_STR, NULL},
	{"unstable_tseries", CFG_MODE, unstable_modes},
	{"unstable_dw_ustack", CFG_MODE, unstable_modes},
	{"unstable_typeinfo", CFG_MODE, unstable_modes},
	{"unstable_import_statement", CFG_MODE, unstable_modes},
};

static const struct cfg_key *find_key(const char *key)
{
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (!strcmp(keys[i].name, key))
			return &keys[i];
	return NULL;
}

static void env_name(const char *key, char *out, size_t len)
{
	size_t n = (size_t)snprintf(out, len, "BPFTRACE_%s", key);

	for (size_t i = 9; i < n && i < len; i++)
		out[i] = (char)toupper((unsigned char)out[i]);
}

static int mode_index(const struct cfg_key *k, const char *v)
{
	for (int i = 0; k->modes[i]; i++)
		if (!strcasecmp(v, k->modes[i]))
			return i;
	return -1;
}

/* Store one parsed value. num: the number, bool or mode index. */
static void apply(struct sctx *s, const struct cfg_key *k, uint64_t num, const char *str)
{
	struct program *p = s->prog;
	const char *n = k->name;

	if (!strcmp(n, "stack_mode"))
		s->stack_mode = (int)num + 1;
	else if (!strcmp(n, "missing_probes"))
		p->missing_probes = (int)num;
	else if (!strcmp(n, "print_maps_on_exit"))
		p->no_exit_maps = !num;
	else if (!strcmp(n, "cpp_demangle"))
		p->no_cpp_demangle = !num;
	else if (!strcmp(n, "perf_rb_pages")) {
		/* A BPF ring buffer is a power-of-two number of pages. */
		uint64_t size = 4096;
		while (size < num * 4096 && size < (1u << 30))
			size <<= 1;
		p->ringbuf_size = (uint32_t)size;
	} else if (!strcmp(n, "max_probes"))
		p->max_probes = (uint32_t)num;
	else if (!strcmp(n, "max_bpf_progs"))
		p->max_bpf_progs = (uint32_t)num;
	else if (!strcmp(n, "log_size"))
		p->log_size = (uint32_t)num;
	else if (!strcmp(n, "on_stack_limit"))
		p->on_stack_limit = (uint32_t)(num < 16 ? 16 : num);
	else if (!strcmp(n, "max_cat_bytes"))
		((struct sema_opts *)s->opts)->max_cat_bytes = (uint32_t)num;
	else if (!strcmp(n, "license"))
		p->license = arena_strdup(&p->arena, str);
	/* lazy_symbolication, cache_user_symbols, show_debug_info,
	 * use_blazesym and unstable_* are checked and have no effect (see the
	 * manual). */
}

/* on_stack_limit = 0: every value goes to scratch space (sonde: the least). */
static bool zero_ok(const struct cfg_key *k)
{
	return !strcmp(k->name, "on_stack_limit");
}

/* Parse text (from the environment or an identifier); false if invalid. */
static bool parse_text(const struct cfg_key *k, const char *v, uint64_t *num)
{
	char *end;

	switch (k->kind) {
	case CFG_BOOL:
		if (!strcmp(v, "true") || !strcmp(v, "1"))
			*num = 1;
		else if (!strcmp(v, "false") || !strcmp(v, "0"))
			*num = 0;
		else
			return false;
		return true;
	case CFG_NUM:
		*num = strtoull(v, &end, 10);
		return *v && !*end && (*num > 0 || zero_ok(k)) && *num <= (1u << 30);
	case CFG_MODE: {
		int i = mode_index(k, v);
		*num = (uint64_t)i;
		return i >= 0;
	}
	case CFG_STR:
		return true;
	}
	return false;
}

static void invalid(struct sctx *s, struct node *at, const struct cfg_key *k)
{
	switch (k->kind) {
	case CFG_BOOL:
		sema_err(s, at, "Invalid value for %s: expecting true or false", k->name);
		break;
	case CFG_NUM:
		sema_err(s, at, "Invalid value for %s: expecting a positive integer", k->name);
		break;
	case CFG_MODE: {
		struct strbuf sb;
		sb_init(&sb);
		for (int i = 0; k->modes[i]; i++)
			sb_printf(&sb, "%s%s", i ? (k->modes[i + 1] ? ", " : " or ") : "",
				  k->modes[i]);
		sema_err(s, at, "Invalid value for %s: valid values are %s", k->name, sb.buf);
		sb_free(&sb);
		break;
	}
	case CFG_STR:
		sema_err(s, at, "Invalid value for %s: expecting a string", k->name);
		break;
	}
}

void sema_config_env(struct sctx *s)
{
	char env[64];

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		uint64_t num = 0;
		env_name(keys[i].name, env, sizeof(env));
		const char *v = getenv(env);
		if (!v || !*v || !strcmp(keys[i].name, "max_cat_bytes"))
			continue; /* max_cat_bytes: the driver reads its environment */
		if (parse_text(&keys[i], v, &num))
			apply(s, &keys[i], num, v);
		else
			diag_warn(s->d, NULL, "ignoring %s=%s: not a valid value", env, v);
	}
}

bool sema_config_more(struct sctx *s, struct node *it, const char *key)
{
	const struct cfg_key *k = find_key(key);
	struct node *v = it->a;
	uint64_t num = 0;
	char env[64];

	if (!k)
		return false;
	switch (v->kind) {
	case N_BOOL:
		num = (uint64_t)v->ival;
		if (k->kind != CFG_BOOL)
			goto bad;
		break;
	case N_INT:
		num = (uint64_t)v->ival;
		if (k->kind == CFG_BOOL && v->ival != 0 && v->ival != 1)
			goto bad;
		if (k->kind == CFG_NUM &&
		    (v->ival < 0 || (!v->ival && !zero_ok(k)) || v->ival > (1 << 30)))
			goto bad;
		if (k->kind != CFG_BOOL && k->kind != CFG_NUM)
			goto bad;
		break;
	case N_IDENT:
	case N_STRING:
		if (k->kind == CFG_NUM || (k->kind == CFG_STR && v->kind != N_STRING) ||
		    !parse_text(k, v->str, &num))
			goto bad;
		break;
	default:
		goto bad;
	}
	env_name(k->name, env, sizeof(env));
	if (!getenv(env) || !*getenv(env))
		apply(s, k, num, v->str);
	return true;
bad:
	invalid(s, v, k);
	return true;
}
