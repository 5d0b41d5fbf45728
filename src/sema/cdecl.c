// SPDX-License-Identifier: GPL-2.0
/*
 * struct/union/enum definitions written in the script, parsed by a small
 * C declaration parser: scalar types, pointers, arrays, bitfields, nested
 * and anonymous records, function pointers, and names of other types
 * (struct foo, typedefs) resolved from earlier definitions or BTF. Records
 * are laid out as C lays them out on x86-64. Enumerators become constants.
 */
#include "sema/sema_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cparse {
	struct sctx *s;
	struct node *n; /* the N_C_DEFN, for locations */
	const char *p;
	char tok[128];
	bool failed;
	int anon;
};

static void cp_err(struct cparse *c, const char *fmt, const char *arg)
{
	if (c->failed)
		return;
	c->failed = true;
	sema_err(c->s, c->n, fmt, arg);
}

static void skip_ws(struct cparse *c)
{
	for (;;) {
		while (isspace((unsigned char)*c->p))
			c->p++;
		if (c->p[0] == '/' && c->p[1] == '/') {
			while (*c->p && *c->p != '\n')
				c->p++;
		} else if (c->p[0] == '/' && c->p[1] == '*') {
			const char *e = strstr(c->p + 2, "*/");
			c->p = e ? e + 2 : c->p + strlen(c->p);
		} else {
			return;
		}
	}
}

/* Next token into c->tok ("" at the end). */
static const char *next(struct cparse *c)
{
	size_t n = 0;

	skip_ws(c);
	if (isalnum((unsigned char)*c->p) || *c->p == '_') {
		while ((isalnum((unsigned char)*c->p) || *c->p == '_') && n < sizeof(c->tok) - 1)
			c->tok[n++] = *c->p++;
	} else if (*c->p) {
		c->tok[n++] = *c->p++;
	}
	c->tok[n] = '\0';
	return c->tok;
}

static const char *peek(struct cparse *c)
{
	const char *save = c->p;
	next(c);
	c->p = save;
	return c->tok;
}

static bool accept(struct cparse *c, const char *t)
{
	if (strcmp(peek(c), t))
		return false;
	next(c);
	return true;
}

static void expect(struct cparse *c, const char *t)
{
	if (!accept(c, t))
		cp_err(c, "Invalid C definition: expected '%s'", t);
}

static bool number(struct cparse *c, int64_t *v)
{
	int64_t sign = accept(c, "-") ? -1 : 1;

	next(c);
	char *end;
	long long x = strtoll(c->tok, &end, 0);
	while (*end == 'u' || *end == 'U' || *end == 'l' || *end == 'L')
		end++;
	if (!c->tok[0] || *end) {
		cp_err(c, "Invalid C definition: expected a number, not '%s'", c->tok);
		return false;
	}
	*v = sign * x;
	return true;
}

static const struct type *record_body(struct cparse *c, const char *kw, const char *name);
static void enum_body(struct cparse *c, const char *ename);

static bool is_qualifier(const char *t)
{
	return !strcmp(t, "const") || !strcmp(t, "volatile") || !strcmp(t, "static") ||
	       !strcmp(t, "__attribute__") || !strcmp(t, "restrict");
}

/* The base type of a declaration: "unsigned long", "struct foo", "u32"... */
static const struct type *base_type(struct cparse *c)
{
	static const char *const words[] = {"unsigned", "signed", "char", "short",
					    "int",	"long",	  "_Bool"};
	char buf[64] = "";
	const char *t;

	while (is_qualifier(peek(c)))
		next(c);
	t = peek(c);
	if (!strcmp(t, "struct") || !strcmp(t, "union") || !strcmp(t, "enum")) {
		char kw[8], name[128] = "";
		snprintf(kw, sizeof(kw), "%s", next(c));
		if (isalpha((unsigned char)peek(c)[0]) || peek(c)[0] == '_')
			snprintf(name, sizeof(name), "%s", next(c));
		if (!strcmp(peek(c), "{")) {
			next(c);
			if (!strcmp(kw, "enum")) {
				enum_body(c, name[0] ? name : NULL);
				return type_int(4, false);
			}
			return record_body(c, kw, name[0] ? name : NULL);
		}
		if (!name[0]) {
			cp_err(c, "Invalid C definition: %s without a name", kw);
			return NULL;
		}
		char full[160];
		snprintf(full, sizeof(full), "%s %s", kw, name);
		if (!strcmp(kw, "enum")) {
			const struct type *e = sema_c_type_named(full);
			return e ? e : type_int(4, false);
		}
		return type_record(full); /* completed when used by value */
	}
	for (;;) {
		bool word = false;
		for (size_t i = 0; i < ARRAY_SIZE(words); i++)
			if (!strcmp(peek(c), words[i]))
				word = true;
		if (!word)
			break;
		if (buf[0])
			strncat(buf, " ", sizeof(buf) - strlen(buf) - 1);
		strncat(buf, next(c), sizeof(buf) - strlen(buf) - 1);
		while (is_qualifier(peek(c)))
			next(c);
	}
	if (buf[0]) {
		/* canonical spellings: "long int" is long, "unsigned long int"... */
		char *p;
		if (strcmp(buf, "int") && (p = strstr(buf, " int")) && !p[4])
			*p = '\0';
		if (!strcmp(buf, "long long int"))
			strcpy(buf, "long long");
		if (!strcmp(buf, "signed char") || !strcmp(buf, "signed int"))
			memmove(buf, buf + 7, strlen(buf + 7) + 1);
		const struct type *ty = sema_c_type_named(buf);
		if (!ty)
			cp_err(c, "Unknown type in C definition: '%s'", buf);
		return ty;
	}
	next(c);
	if (!strcmp(c->tok, "void"))
		return NULL;
	if (type_int_named(c->tok))
		return type_int_named(c->tok);
	if (!strcmp(c->tok, "bool"))
		return type_int(1, false);
	const struct type *ty = sema_c_type_named(c->tok);
	if (!ty)
		cp_err(c, "Unknown type in C definition: '%s'", c->tok);
	return ty;
}

struct decl {
	char name[128];
	const struct type *type;
	int64_t bits; /* bitfield width, 0 if none */
	bool has_bits;
};

/* One declarator over base: "*p", "a[4][2]", "(*fn)(int)", "x : 3". */
static bool declarator(struct cparse *c, const struct type *base, struct decl *d)
{
	int stars = 0;
	bool fnptr = false;

	memset(d, 0, sizeof(*d));
	for (;;) { /* stars and qualifiers (const, volatile...) in any order */
		if (accept(c, "*"))
			stars++;
		else if (is_qualifier(peek(c)))
			next(c);
		else
			break;
	}
	if (accept(c, "(")) {
		expect(c, "*");
		fnptr = true;
	}
	const char *t = peek(c);
	if (isalpha((unsigned char)t[0]) || t[0] == '_')
		snprintf(d->name, sizeof(d->name), "%s", next(c));
	if (fnptr) {
		expect(c, ")");
		expect(c, "(");
		for (int depth = 1; depth > 0 && *c->p;) {
			next(c);
			depth += !strcmp(c->tok, "(") - !strcmp(c->tok, ")");
		}
	}
	int64_t dims[8];
	int ndims = 0;
	while (accept(c, "[")) {
		int64_t v = 0;
		if (strcmp(peek(c), "]") && !number(c, &v))
			return false;
		expect(c, "]");
		if (ndims < 8)
			dims[ndims++] = v < 0 ? 0 : v;
	}
	if (accept(c, ":")) {
		if (!number(c, &d->bits))
			return false;
		d->has_bits = true;
	}
	const struct type *ty = base;
	if (fnptr)
		ty = type_ptr(NULL);
	for (int i = 0; i < stars; i++)
		ty = type_ptr(ty);
	if (!ty && !fnptr) {
		cp_err(c, "Invalid C definition: '%s' has type void", d->name);
		return false;
	}
	if (ty && ty->kind == T_RECORD && !ty->complete && !sema_record_complete(ty)) {
		cp_err(c, "Unknown struct/union: '%s'", ty->name);
		return false;
	}
	for (int i = ndims - 1; i >= 0; i--) {
		if (ty->kind == T_INT && ty->size == 1 && ty->is_signed && i == ndims - 1 &&
		    dims[i] > 0)
			ty = type_string((unsigned)dims[i]);
		else
			ty = type_array(ty, (uint32_t)dims[i]);
	}
	d->type = ty;
	return !c->failed;
}

static uint32_t align_up(uint32_t v, uint32_t a)
{
	return a ? (v + a - 1) / a * a : v;
}

/* After "struct [name] {": the members up to "}". */
static const struct type *record_body(struct cparse *c, const char *kw, const char *name)
{
	struct vec fields = {0};
	char full[160];
	bool is_union = !strcmp(kw, "union");
	uint64_t bitpos = 0, maxsize = 0;
	uint32_t align = 1;

	if (name)
		snprintf(full, sizeof(full), "%s %s", kw, name);
	else
		snprintf(full, sizeof(full), "%s (anonymous at line %d #%d)", kw,
			 c->n->loc.first_line, c->anon++);
	const struct type *rec = type_record(full);
	while (!c->failed && !accept(c, "}")) {
		if (!*peek(c)) {
			cp_err(c, "Invalid C definition: missing '%s'", "}");
			break;
		}
		const struct type *base = base_type(c);
		if (c->failed)
			break;
		bool anon = base && base->kind == T_RECORD && !strcmp(peek(c), ";");
		do {
			struct decl d;
			if (anon)
				memset(&d, 0, sizeof(d)), d.type = base;
			else if (!declarator(c, base, &d))
				break;
			struct type_field *f = xcalloc(1, sizeof(*f));
			uint32_t sz = d.type->size, al = d.type->align ? d.type->align : 1;
			f->name = d.name[0] ? arena_strdup(&c->s->ast->arena, d.name) : NULL;
			f->type = d.type;
			if (is_union)
				bitpos = 0;
			if (d.has_bits) {
				uint64_t unit = (uint64_t)sz * 8;
				if (d.bits == 0) {
					bitpos = align_up((uint32_t)bitpos, (uint32_t)unit);
					free(f);
					continue;
				}
				if (unit && bitpos / unit != (bitpos + (uint64_t)d.bits - 1) / unit)
					bitpos = align_up((uint32_t)bitpos, (uint32_t)unit);
				f->offset = (uint32_t)(bitpos / 8);
				f->bit_off = (uint16_t)(bitpos % 8);
				f->bit_size = (uint16_t)d.bits;
				bitpos += (uint64_t)d.bits;
			} else {
				bitpos = align_up((uint32_t)bitpos, al * 8);
				f->offset = (uint32_t)(bitpos / 8);
				bitpos += (uint64_t)sz * 8;
			}
			if (al > align)
				align = al;
			if ((bitpos + 7) / 8 > maxsize)
				maxsize = (bitpos + 7) / 8;
			vec_push(&fields, f);
		} while (!anon && accept(c, ","));
		if (strcmp(peek(c), "}")) /* the last member's ';' is optional, as for clang */
			expect(c, ";");
	}
	if (!c->failed) {
		int n = (int)fields.n;
		struct type_field *fs = xcalloc((size_t)(n ? n : 1), sizeof(*fs));
		for (int i = 0; i < n; i++)
			fs[i] = *(struct type_field *)fields.v[i];
		if (!rec->complete)
			type_record_define(rec, align_up((uint32_t)maxsize, align), align, n, fs);
		free(fs);
	}
	for (size_t i = 0; i < fields.n; i++)
		free(fields.v[i]);
	vec_free(&fields);
	return c->failed ? NULL : rec;
}

static void add_const(struct cparse *c, const char *name, int64_t v, const struct type *en)
{
	struct sctx *s = c->s;
	struct node *d = ast_new(s->ast, N_DEFINE, &c->n->loc);

	d->str = arena_strdup(&s->ast->arena, name);
	d->a = ast_new(s->ast, N_INT, &c->n->loc);
	d->a->ival = v;
	d->a->type = en; /* the enum the constant belongs to (sema_define_expand) */
	type_enum_add(en, name, v);
	vec_push(&s->defines, d);
}

/* After "enum [name] {": enumerators up to "}". */
static void enum_body(struct cparse *c, const char *ename)
{
	int64_t v = 0;
	char full[160];

	if (ename)
		snprintf(full, sizeof(full), "enum %s", ename);
	else
		snprintf(full, sizeof(full), "enum (anonymous at line %d #%d)",
			 c->n->loc.first_line, c->anon++);
	const struct type *en = type_enum(full);

	while (!c->failed && !accept(c, "}")) {
		char name[128];
		next(c);
		if (!isalpha((unsigned char)c->tok[0]) && c->tok[0] != '_') {
			cp_err(c, "Invalid C definition: expected an enumerator, not '%s'", c->tok);
			return;
		}
		snprintf(name, sizeof(name), "%s", c->tok);
		if (accept(c, "=") && !number(c, &v))
			return;
		add_const(c, name, v, en);
		v = (int64_t)((uint64_t)v + 1); /* wraps like C's unsigned enums, no UB */
		if (!accept(c, ",")) {
			expect(c, "}");
			return;
		}
	}
}

/* typedef base declarator[, declarator...]; each name stands for its type. */
static void typedef_defn(struct cparse *c)
{
	struct decl d;

	next(c);
	const struct type *base = base_type(c);
	if (c->failed)
		return;
	do {
		if (!declarator(c, base, &d))
			return;
		if (!d.name[0]) {
			cp_err(c, "Invalid C definition: %s", "typedef without a name");
			return;
		}
		const struct type *old = sema_c_typedef_find(d.name);
		if (old && old != d.type) {
			cp_err(c, "Redefinition of typedef '%s' with a different type", d.name);
			return;
		}
		sema_c_typedef_add(d.name, d.type);
	} while (accept(c, ","));
	if (strcmp(peek(c), ";") && *peek(c))
		cp_err(c, "Invalid C definition: expected ';', not '%s'", peek(c));
}

void sema_c_definition(struct sctx *s, struct node *n)
{
	struct cparse c = {.s = s, .n = n, .p = n->str};
	const char *t = peek(&c);

	if (t[0] == '#')
		return; /* #if, #pragma...: no preprocessor; types come from BTF */
	if (!strcmp(t, "typedef")) {
		typedef_defn(&c);
		return;
	}
	if (strcmp(t, "struct") && strcmp(t, "union") && strcmp(t, "enum")) {
		sema_err(s, n, "Invalid C definition");
		return;
	}
	base_type(&c);
	while (!c.failed && strcmp(peek(&c), ";") && *peek(&c))
		next(&c); /* a declarator after the definition: nothing to declare here */
	accept(&c, ";");
}
