// SPDX-License-Identifier: GPL-2.0
/*
 * Header macro reader (see hdrmacro.h). Not a full preprocessor: it keeps
 * the object-like #defines of the active branches, knows function-like
 * ones only by name (for defined()), and reads every header once. An
 * unknown identifier in #if is 0, as in cpp. Limits on files, bytes and
 * nesting keep a hostile include from costing much.
 */
#include "sema/hdrmacro.h"
#include "sema/sema_int.h"
#include "util/util.h"

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#define HDR_MAX_FILES  512
#define HDR_MAX_BYTES  (32u << 20)
#define HDR_MAX_DEPTH  48
#define HDR_MAX_COND   64
#define HDR_MAX_EXPAND 32
#define HDR_BUCKETS    16384
#define HDR_MAX_STEPS  100000
#define HDR_MAX_NEST   200

struct hmacro {
	struct hmacro *next;
	char *name;
	char *body; /* NULL: function-like */
	bool undef;
	int64_t val; /* an enumerator's value (etab) */
};

struct hdr {
	struct arena arena;
	struct hmacro *tab[HDR_BUCKETS];
	struct hmacro *etab[HDR_BUCKETS]; /* enumerators of the headers' enums */
	struct vec dirs;		  /* char * */
	struct vec seen;		  /* char * real paths */
	size_t bytes;
	bool sys_dirs;
};

static unsigned hash(const char *s, size_t n)
{
	unsigned h = 5381;
	for (size_t i = 0; i < n; i++)
		h = h * 33 + (unsigned char)s[i];
	return h % HDR_BUCKETS;
}

static struct hmacro *lookup(struct hdr *h, const char *name, size_t n)
{
	for (struct hmacro *m = h->tab[hash(name, n)]; m; m = m->next)
		if (!strncmp(m->name, name, n) && !m->name[n])
			return m->undef ? NULL : m;
	return NULL;
}

static struct hmacro *enumerator(struct hdr *h, const char *name, size_t n)
{
	for (struct hmacro *m = h->etab[hash(name, n)]; m; m = m->next)
		if (!strncmp(m->name, name, n) && !m->name[n])
			return m;
	return NULL;
}

static void enumerator_define(struct hdr *h, const char *name, size_t n, int64_t v)
{
	struct hmacro *m = enumerator(h, name, n);

	if (!m) {
		unsigned b = hash(name, n);
		m = arena_alloc(&h->arena, sizeof(*m));
		m->name = arena_strndup(&h->arena, name, n);
		m->next = h->etab[b];
		h->etab[b] = m;
	}
	m->val = v;
}

static void define(struct hdr *h, const char *name, size_t n, const char *body, size_t blen,
		   bool func)
{
	unsigned b = hash(name, n);
	struct hmacro *m;

	for (m = h->tab[b]; m; m = m->next)
		if (!strncmp(m->name, name, n) && !m->name[n])
			break;
	if (!m) {
		m = arena_alloc(&h->arena, sizeof(*m));
		m->name = arena_strndup(&h->arena, name, n);
		m->next = h->tab[b];
		h->tab[b] = m;
	}
	m->undef = false;
	m->body = func ? NULL : arena_strndup(&h->arena, body, blen);
}

static void undefine(struct hdr *h, const char *name, size_t n)
{
	struct hmacro *m = lookup(h, name, n);
	if (m)
		m->undef = true;
}

struct hdr *hdr_new(void)
{
	struct hdr *h = xcalloc(1, sizeof(*h));
	static const char *const predef[] = {
		"__linux__", "__linux", "__unix__", "__LP64__", "_LP64", "__STDC__",
	};

	for (size_t i = 0; i < ARRAY_SIZE(predef); i++)
		define(h, predef[i], strlen(predef[i]), "1", 1, false);
	define(h, "__CHAR_BIT__", 12, "8", 1, false);
	define(h, "__SIZEOF_LONG__", 15, "8", 1, false);
	define(h, "__SIZEOF_POINTER__", 18, "8", 1, false);
#if defined(__x86_64__)
	define(h, "__x86_64__", 10, "1", 1, false);
	define(h, "__x86_64", 8, "1", 1, false);
#elif defined(__aarch64__)
	define(h, "__aarch64__", 11, "1", 1, false);
#endif
	return h;
}

void hdr_add_dir(struct hdr *h, const char *dir)
{
	vec_push(&h->dirs, arena_strdup(&h->arena, dir));
}

static void add_sys_dirs(struct hdr *h)
{
	struct utsname u;

	if (h->sys_dirs)
		return;
	h->sys_dirs = true;
	hdr_add_dir(h, "/usr/local/include");
	if (!uname(&u)) {
		const char *m = !strcmp(u.machine, "x86_64") ? "x86_64" : u.machine;
		vec_push(&h->dirs, arena_printf(&h->arena, "/usr/include/%s-linux-gnu", m));
	}
	hdr_add_dir(h, "/usr/include");
}

void hdr_free(struct hdr *h)
{
	if (!h)
		return;
	vec_free(&h->dirs);
	vec_free(&h->seen);
	arena_free(&h->arena);
	free(h);
}

/* ---- expressions ---- */

enum tok { T_END, T_NUM, T_IDENT, T_OP };

struct ev {
	struct hdr *h;
	const char *p;
	struct {
		const char *p;
		struct hmacro *m;
	} st[HDR_MAX_EXPAND];
	int n;
	bool in_if; /* #if: unknown identifiers are 0 */
	bool raw;   /* the operand of defined: no expansion */
	bool bad;
	int depth;	/* of nested operands: a hostile header must not overflow */
	unsigned steps; /* tokens read, expansions included */
	enum tok t;
	int64_t num;
	char op[3];
	const char *id;
	size_t idlen;
};

static bool expanding(struct ev *e, const struct hmacro *m)
{
	for (int i = 0; i < e->n; i++)
		if (e->st[i].m == m)
			return true;
	return false;
}

static void next(struct ev *e)
{
	if (++e->steps > HDR_MAX_STEPS) {
		/* macros that expand exponentially */
		e->bad = true;
		e->t = T_END;
		return;
	}
	for (;;) {
		while (*e->p && isspace((unsigned char)*e->p))
			e->p++;
		if (!*e->p) {
			if (!e->n) {
				e->t = T_END;
				return;
			}
			e->p = e->st[--e->n].p;
			continue;
		}
		const char *p = e->p;
		if (isdigit((unsigned char)*p)) {
			char *end;
			e->num = (int64_t)strtoull(p, &end, 0);
			while (*end == 'u' || *end == 'U' || *end == 'l' || *end == 'L')
				end++;
			if (isalnum((unsigned char)*end) || *end == '.' || *end == '_')
				e->bad = true; /* a float or a malformed number */
			e->p = end;
			e->t = T_NUM;
			return;
		}
		if (*p == '\'') {
			p++;
			if (*p == '\\') {
				p++;
				static const char esc[] = "n\nt\tr\r0\0\\\\''";
				const char *q = strchr(esc, *p);
				e->num = q && (q - esc) % 2 == 0 ? q[1] : *p;
			} else {
				e->num = (unsigned char)*p;
			}
			if (*p)
				p++;
			if (*p != '\'')
				e->bad = true;
			e->p = *p ? p + 1 : p;
			e->t = T_NUM;
			return;
		}
		if (isalpha((unsigned char)*p) || *p == '_') {
			while (isalnum((unsigned char)*p) || *p == '_')
				p++;
			e->id = e->p;
			e->idlen = (size_t)(p - e->p);
			e->p = p;
			struct hmacro *m = e->raw ? NULL : lookup(e->h, e->id, e->idlen);
			if (m && m->body && !expanding(e, m) && e->n < HDR_MAX_EXPAND) {
				e->st[e->n].p = e->p;
				e->st[e->n++].m = m;
				e->p = m->body;
				continue;
			}
			e->t = T_IDENT;
			return;
		}
		static const char *const two[] = {"<<", ">>", "<=", ">=", "==", "!=", "&&", "||"};
		e->t = T_OP;
		for (size_t i = 0; i < ARRAY_SIZE(two); i++)
			if (p[0] == two[i][0] && p[1] == two[i][1]) {
				memcpy(e->op, two[i], 3);
				e->p += 2;
				return;
			}
		if (!strchr("()!~-+*/%<>&^|?:", *p))
			e->bad = true;
		e->op[0] = *p;
		e->op[1] = 0;
		e->p++;
		return;
	}
}

static bool is_op(struct ev *e, const char *op)
{
	return e->t == T_OP && !strcmp(e->op, op);
}

static bool is_type_word(const char *s, size_t n)
{
	static const char *const words[] = {
		"int",	    "unsigned", "signed",  "long",     "short",	  "char",
		"__u8",	    "__u16",	"__u32",   "__u64",    "__s8",	  "__s16",
		"__s32",    "__s64",	"u8",	   "u16",      "u32",	  "u64",
		"s8",	    "s16",	"s32",	   "s64",      "size_t",  "__le32",
		"__be32",   "__le16",	"__be16",  "__le64",   "__be64",  "uint32_t",
		"uint64_t", "int32_t",	"int64_t", "uint16_t", "uint8_t", "const",
	};
	for (size_t i = 0; i < ARRAY_SIZE(words); i++)
		if (strlen(words[i]) == n && !strncmp(words[i], s, n))
			return true;
	return false;
}

static int64_t cond(struct ev *e);

static int64_t unary_in(struct ev *e);

static int64_t unary(struct ev *e)
{
	if (++e->depth > HDR_MAX_NEST) {
		e->bad = true;
		e->t = T_END;
		return 0;
	}
	int64_t v = unary_in(e);
	e->depth--;
	return v;
}

static int64_t unary_in(struct ev *e)
{
	if (e->t == T_NUM) {
		int64_t v = e->num;
		next(e);
		return v;
	}
	if (e->t == T_OP) {
		char c = e->op[1] ? 0 : e->op[0];
		if (c == '(') {
			next(e);
			if (e->t == T_IDENT && is_type_word(e->id, e->idlen)) {
				/* A cast: integer casts change nothing we print. */
				while (e->t == T_IDENT || is_op(e, "*"))
					next(e);
				if (!is_op(e, ")"))
					e->bad = true;
				next(e);
				return unary(e);
			}
			int64_t v = cond(e);
			if (!is_op(e, ")"))
				e->bad = true;
			next(e);
			return v;
		}
		if (c == '-' || c == '+' || c == '!' || c == '~') {
			next(e);
			int64_t v = unary(e);
			return c == '-'	  ? (int64_t)(0 - (uint64_t)v)
			       : c == '!' ? !v
			       : c == '~' ? ~v
					  : v;
		}
		e->bad = true;
		return 0;
	}
	if (e->t == T_IDENT) {
		if (e->in_if && e->idlen == 7 && !strncmp(e->id, "defined", 7)) {
			bool paren;
			int64_t v = 0;

			e->raw = true;
			next(e);
			paren = is_op(e, "(");
			if (paren)
				next(e);
			if (e->t == T_IDENT)
				v = lookup(e->h, e->id, e->idlen) != NULL;
			else
				e->bad = true;
			if (paren) {
				next(e);
				if (!is_op(e, ")"))
					e->bad = true;
			}
			e->raw = false;
			next(e);
			return v;
		}
		struct hmacro *m = lookup(e->h, e->id, e->idlen);
		/* cpp knows no enums; a value (`#define X X` over an enum) does */
		struct hmacro *en = e->in_if ? NULL : enumerator(e->h, e->id, e->idlen);
		next(e);
		if (en)
			return en->val;
		if ((!m || !m->body) && is_op(e, "(")) {
			/* A call (function-like macro, __has_include...): not evaluated,
			 * whatever its arguments hold. */
			bool bad = e->bad;
			int depth = 0;
			do {
				if (is_op(e, "("))
					depth++;
				else if (is_op(e, ")"))
					depth--;
				next(e);
			} while (depth > 0 && e->t != T_END);
			e->bad = bad || e->steps > HDR_MAX_STEPS;
		}
		if (!e->in_if)
			e->bad = true;
		return 0;
	}
	e->bad = true;
	return 0;
}

static int prec(const char *op)
{
	static const struct {
		const char *op;
		int prec;
	} tab[] = {
		{"*", 10}, {"/", 10}, {"%", 10}, {"+", 9}, {"-", 9},  {"<<", 8},
		{">>", 8}, {"<", 7},  {"<=", 7}, {">", 7}, {">=", 7}, {"==", 6},
		{"!=", 6}, {"&", 5},  {"^", 4},	 {"|", 3}, {"&&", 2}, {"||", 1},
	};
	for (size_t i = 0; i < ARRAY_SIZE(tab); i++)
		if (!strcmp(tab[i].op, op))
			return tab[i].prec;
	return 0;
}

static int64_t binop(struct ev *e, const char *op, int64_t a, int64_t b)
{
	uint64_t ua = (uint64_t)a, ub = (uint64_t)b;

	switch (op[0]) {
	case '*':
		return (int64_t)(ua * ub);
	case '/':
	case '%':
		if (!b || (a == INT64_MIN && b == -1)) {
			e->bad = true;
			return 0;
		}
		return op[0] == '/' ? a / b : a % b;
	case '+':
		return (int64_t)(ua + ub);
	case '-':
		return (int64_t)(ua - ub);
	case '<':
		if (op[1] == '<')
			return ub < 64 ? (int64_t)(ua << ub) : 0;
		return op[1] == '=' ? a <= b : a < b;
	case '>':
		if (op[1] == '>')
			return ub < 64 ? a >> ub : 0;
		return op[1] == '=' ? a >= b : a > b;
	case '=':
		return a == b;
	case '!':
		return a != b;
	case '&':
		return op[1] ? a && b : a & b;
	case '^':
		return a ^ b;
	case '|':
		return op[1] ? a || b : a | b;
	}
	return 0;
}

static int64_t binary(struct ev *e, int min)
{
	int64_t a = unary(e);

	while (e->t == T_OP && prec(e->op) >= min && !e->bad) {
		char op[3];
		memcpy(op, e->op, sizeof(op));
		int p = prec(op);
		next(e);
		int64_t b = binary(e, p + 1);
		a = binop(e, op, a, b);
	}
	return a;
}

static int64_t cond_in(struct ev *e);

/* `a ? b : c` nests without operands: count it too. */
static int64_t cond(struct ev *e)
{
	if (++e->depth > HDR_MAX_NEST) {
		e->bad = true;
		e->t = T_END;
		return 0;
	}
	int64_t v = cond_in(e);
	e->depth--;
	return v;
}

static int64_t cond_in(struct ev *e)
{
	int64_t c = binary(e, 1);

	if (!is_op(e, "?"))
		return c;
	next(e);
	int64_t a = cond(e);
	if (!is_op(e, ":")) {
		e->bad = true;
		return 0;
	}
	next(e);
	int64_t b = cond(e);
	return c ? a : b;
}

static bool eval(struct hdr *h, const char *text, bool in_if, int64_t *v)
{
	struct ev e = {.h = h, .p = text, .in_if = in_if};

	next(&e);
	*v = cond(&e);
	return !e.bad && e.t == T_END;
}

bool hdr_eval_if(struct hdr *h, const char *expr, int64_t *v)
{
	return eval(h, expr, true, v);
}

void hdr_define(struct hdr *h, const char *name, const char *body)
{
	define(h, name, strlen(name), body, strlen(body), false);
}

/* ---- files ---- */

/* Comments become spaces and continued lines are joined (in place). */
static void clean(char *s)
{
	char *w = s, q = 0;

	for (char *r = s; *r;) {
		if (r[0] == '\\' && r[1] == '\n') {
			r += 2;
		} else if (q) {
			if (*r == '\\' && r[1] && r[1] != '\n')
				*w++ = *r++;
			else if (*r == q || *r == '\n')
				q = 0;
			*w++ = *r++;
		} else if (r[0] == '/' && r[1] == '*') {
			char *end = strstr(r + 2, "*/");
			/* Keep the newlines so directives stay on their lines. */
			for (char *c = r; c < (end ? end : r + strlen(r)); c++)
				if (*c == '\n')
					*w++ = '\n';
			*w++ = ' ';
			r = end ? end + 2 : r + strlen(r);
		} else if (r[0] == '/' && r[1] == '/') {
			while (*r && *r != '\n')
				r++;
		} else {
			if (*r == '"' || *r == '\'')
				q = *r;
			*w++ = *r++;
		}
	}
	*w = 0;
}

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static size_t ident_len(const char *p)
{
	size_t n = 0;
	if (isalpha((unsigned char)*p) || *p == '_')
		while (isalnum((unsigned char)p[n]) || p[n] == '_')
			n++;
	return n;
}

static void read_file(struct hdr *h, const char *path, int dir, int depth);

/* Find an include: quoted names relative to the including file first;
 * include_next continues after the directory the includer came from. */
static void include(struct hdr *h, const char *spec, const char *from, int from_dir, bool next,
		    int depth)
{
	char name[PATH_MAX];
	size_t n;
	char close;

	spec = skip_ws(spec);
	if (*spec != '<' && *spec != '"')
		return; /* a computed include */
	close = *spec == '<' ? '>' : '"';
	const char *end = strchr(spec + 1, close);
	if (!end || (n = (size_t)(end - spec - 1)) == 0 || n >= sizeof(name))
		return;
	memcpy(name, spec + 1, n);
	name[n] = 0;
	if (close == '"' && !next) {
		char *path;
		const char *slash = from ? strrchr(from, '/') : NULL;
		if (slash)
			path = xasprintf("%.*s/%s", (int)(slash - from), from, name);
		else
			path = xstrdup(name);
		bool found = !access(path, R_OK);
		if (found)
			read_file(h, path, from_dir, depth);
		free(path);
		if (found)
			return;
	}
	for (size_t i = next ? (size_t)(from_dir + 1) : 0; i < h->dirs.n; i++) {
		char *path = xasprintf("%s/%s", (char *)h->dirs.v[i], name);
		bool found = !access(path, R_OK);
		if (found)
			read_file(h, path, (int)i, depth);
		free(path);
		if (found)
			return;
	}
}

struct cond {
	bool active, taken, parent;
};

static void directive(struct hdr *h, const char *p, const char *path, int dir, int depth,
		      struct cond *cs, int *ncs)
{
	bool active = !*ncs || (*ncs <= HDR_MAX_COND && cs[*ncs - 1].active);
	size_t n = ident_len(p);
	const char *arg = skip_ws(p + n);
	int64_t v;

#define IS(w) (n == sizeof(w) - 1 && !strncmp(p, w, n))
	if (IS("ifdef") || IS("ifndef") || IS("if")) {
		bool on = false;
		if (active) {
			if (IS("if"))
				on = eval(h, arg, true, &v) && v;
			else
				on = (lookup(h, arg, ident_len(arg)) != NULL) == IS("ifdef");
		}
		if (*ncs < HDR_MAX_COND)
			cs[*ncs] = (struct cond){
				.active = on, .taken = on || !active, .parent = active};
		++*ncs;
		return;
	}
	if (IS("elif") || IS("else") || IS("endif")) {
		if (!*ncs)
			return;
		if (*ncs > HDR_MAX_COND) {
			if (IS("endif"))
				--*ncs;
			return;
		}
		struct cond *c = &cs[*ncs - 1];
		if (IS("endif"))
			--*ncs;
		else if (IS("else"))
			c->active = !c->taken, c->taken = true;
		else if (c->taken)
			c->active = false;
		else
			c->taken = c->active = eval(h, arg, true, &v) && v;
		return;
	}
	if (!active)
		return;
	if (IS("define")) {
		size_t nl = ident_len(arg);
		if (!nl)
			return;
		bool func = arg[nl] == '(';
		const char *body = skip_ws(arg + nl);
		size_t bl = strlen(body);
		while (bl && isspace((unsigned char)body[bl - 1]))
			bl--;
		define(h, arg, nl, body, bl, func);
	} else if (IS("undef")) {
		undefine(h, arg, ident_len(arg));
	} else if (IS("include") || IS("include_next")) {
		include(h, arg, path, dir, IS("include_next"), depth + 1);
	}
#undef IS
}

static const char *skip_space(const char *p)
{
	while (isspace((unsigned char)*p))
		p++;
	return p;
}

/* The enumerators of `enum [name] { A = expr, B, ... }` in the active code;
 * one whose value does not evaluate (and those after it) is skipped. */
static void scan_enums(struct hdr *h, const char *code)
{
	for (const char *p = strstr(code, "enum"); p; p = strstr(p + 4, "enum")) {
		if ((p > code && (isalnum((unsigned char)p[-1]) || p[-1] == '_')) ||
		    isalnum((unsigned char)p[4]) || p[4] == '_')
			continue;
		const char *q = skip_space(p + 4);
		q = skip_space(q + ident_len(q));
		if (*q != '{')
			continue;
		q++;
		int64_t v = 0;
		bool known = true;
		for (;;) {
			q = skip_space(q);
			size_t n = ident_len(q);
			if (!n)
				break;
			const char *name = q;
			q = skip_space(q + n);
			if (*q == '=') {
				const char *x = ++q;
				int depth = 0;
				while (*q && (depth || (*q != ',' && *q != '}'))) {
					depth += *q == '(' ? 1 : *q == ')' ? -1 : 0;
					q++;
				}
				char *expr = xstrndup(x, (size_t)(q - x));
				known = eval(h, expr, false, &v);
				free(expr);
			}
			if (known)
				enumerator_define(h, name, n, v);
			v = (int64_t)((uint64_t)v + 1);
			if (*q != ',')
				break;
			q++;
		}
	}
}

static void read_file(struct hdr *h, const char *path, int dir, int depth)
{
	char real[PATH_MAX];
	size_t len;

	if (depth > HDR_MAX_DEPTH || h->seen.n >= HDR_MAX_FILES || !realpath(path, real))
		return;
	for (size_t i = 0; i < h->seen.n; i++)
		if (!strcmp(h->seen.v[i], real))
			return; /* every header once: guards make the rest no-ops */
	vec_push(&h->seen, arena_strdup(&h->arena, real));
	char *text = util_read_file(real, &len);
	if (!text)
		return;
	if (h->bytes + len > HDR_MAX_BYTES) {
		free(text);
		return;
	}
	h->bytes += len;
	clean(text);

	struct cond cs[HDR_MAX_COND];
	struct strbuf code; /* the active lines that are not directives */
	int ncs = 0;
	sb_init(&code);
	for (char *line = text; line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = 0;
		const char *p = skip_ws(line);
		if (*p == '#') {
			directive(h, skip_ws(p + 1), real, dir, depth, cs, &ncs);
		} else if (*p && (!ncs || (ncs <= HDR_MAX_COND && cs[ncs - 1].active))) {
			sb_puts(&code, p);
			sb_putc(&code, '\n');
		}
		line = nl ? nl + 1 : NULL;
	}
	free(text);
	if (code.buf)
		scan_enums(h, code.buf);
	sb_free(&code);
}

void hdr_include(struct hdr *h, const char *spec)
{
	add_sys_dirs(h);
	spec = skip_ws(spec);
	if (*spec == '<' || *spec == '"')
		include(h, spec, NULL, -1, false, 0);
	else
		read_file(h, spec, -1, 0);
}

enum hdr_result hdr_const(struct hdr *h, const char *name, int64_t *v, const char **body)
{
	struct hmacro *m = lookup(h, name, strlen(name));
	struct hmacro *en = enumerator(h, name, strlen(name));

	if (!m && en) {
		*v = en->val;
		return HDR_CONST;
	}
	if (!m)
		return HDR_NOT_DEFINED;
	*body = m->body; /* NULL: function-like */
	if (!m->body || !*m->body)
		return HDR_NOT_CONST;
	return eval(h, name, false, v) ? HDR_CONST : HDR_NOT_CONST;
}

/* ---- sema ---- */

/* The reader for the script, made on first need; -I dirs and --include
 * files come first. */
struct hdr *sema_hdr_get(struct sctx *s)
{
	const struct sema_opts *o = s->opts;

	if (s->hdr)
		return s->hdr;
	s->hdr = hdr_new();
	for (int i = 0; i < o->nincdirs; i++)
		hdr_add_dir(s->hdr, o->incdirs[i]);
	for (int i = 0; i < o->nincfiles; i++)
		hdr_include(s->hdr, o->incfiles[i]);
	return s->hdr;
}

/* The script's includes read so far, reading the ones not read yet (on the
 * first identifier sema does not know, or a script #if). NULL if none. */
struct hdr *sema_hdr(struct sctx *s)
{
	if (!s->includes.n && !s->opts->nincfiles)
		return NULL;
	sema_hdr_get(s);
	for (; s->hdr_read < s->includes.n; s->hdr_read++)
		hdr_include(s->hdr, ((struct node *)s->includes.v[s->hdr_read])->str);
	return s->hdr;
}

bool sema_header_const(struct sctx *s, struct node *n)
{
	struct hdr *h = sema_hdr(s);
	const char *body;
	int64_t v;

	if (!h || hdr_const(h, n->str, &v, &body) != HDR_CONST)
		return false;
	n->kind = N_INT;
	n->ival = v;
	return true;
}

bool sema_header_unknown(struct sctx *s, struct node *n)
{
	struct hdr *h = sema_hdr(s);
	const char *body = NULL;
	int64_t v;
	char *hint;

	if (!h)
		return false;
	if (s->quiet) {
		s->nerr_quiet++;
		return true;
	}
	if (hdr_const(h, n->str, &v, &body) == HDR_NOT_DEFINED)
		hint = xstrdup("not defined as a constant in the included headers nor an enum in "
			       "BTF");
	else if (body)
		/* a hostile header's body may be megabytes long: show its start */
		hint = xasprintf("the included headers define it as '%.*s%s', which is not an "
				 "integer constant",
				 200, body, strlen(body) > 200 ? "..." : "");
	else
		hint = xstrdup("the included headers define it as a function-like macro");
	diag_error_hint(s->d, &n->loc, hint, "Unknown identifier: '%s'", n->str);
	free(hint);
	return true;
}

void sema_header_free(struct sctx *s)
{
	hdr_free(s->hdr);
	s->hdr = NULL;
	vec_free(&s->includes);
}
