// SPDX-License-Identifier: GPL-2.0
/*
 * Values as text and the user printf engine. printf follows bpftrace: each
 * conversion is handed to the C library with the argument widened to 64
 * bits by its own type and then cast to the C type that the conversion and
 * its length modifier name, so the output is glibc's, byte for byte.
 */
#include <inttypes.h>
#include <string.h>

#include "runtime/output.h"

out_value_fn out_value_ext;

static uint64_t load_uint(const void *data, uint32_t size)
{
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64 = 0;

	switch (size) {
	case 1:
		memcpy(&u8, data, 1);
		return u8;
	case 2:
		memcpy(&u16, data, 2);
		return u16;
	case 4:
		memcpy(&u32, data, 4);
		return u32;
	default:
		memcpy(&u64, data, size < 8 ? size : 8);
		return u64;
	}
}

static int64_t load_sint(const void *data, uint32_t size)
{
	uint64_t u = load_uint(data, size);

	switch (size) {
	case 1:
		return (int8_t)u;
	case 2:
		return (int16_t)u;
	case 4:
		return (int32_t)u;
	default:
		return (int64_t)u;
	}
}

/* The value widened to 64 bits as its type says (bool, pointers and probes are unsigned). */
static uint64_t load_widened(const struct type *t, const void *data)
{
	if (t->kind == T_INT && t->is_signed)
		return (uint64_t)load_sint(data, t->size);
	return load_uint(data, t->size);
}

static void buffer_value(struct strbuf *sb, const struct type *t, const uint8_t *data)
{
	uint32_t len, cap = t->size > 4 ? t->size - 4 : 0;

	memcpy(&len, data, sizeof(len));
	if (len > cap)
		len = cap;
	for (uint32_t i = 0; i < len; i++) {
		uint8_t c = data[4 + i];
		if (c >= 32 && c <= 126)
			sb_putc(sb, (char)c);
		else
			sb_printf(sb, "\\x%02x", c);
	}
}

static void tuple_value(struct strbuf *sb, const struct program *p, const struct type *t,
			const uint8_t *data)
{
	bool record = t->nfields > 0 && t->fields[0].name;

	if (record) {
		sb_puts(sb, "{ ");
		for (int i = 0; i < t->nfields; i++) {
			if (i)
				sb_puts(sb, ", ");
			sb_printf(sb, ".%s = ", t->fields[i].name ? t->fields[i].name : "");
			out_value(sb, p, t->fields[i].type, data + t->fields[i].offset);
		}
		sb_puts(sb, " }");
		return;
	}
	sb_putc(sb, '(');
	for (int i = 0; i < t->nfields; i++) {
		if (i)
			sb_puts(sb, ", ");
		out_value(sb, p, t->fields[i].type, data + t->fields[i].offset);
	}
	sb_putc(sb, ')');
}

bool out_str_truncated(const struct program *p, const struct type *t, size_t len)
{
	return p && p->str_trunc_trailer && p->str_trunc_size == t->size && len + 1 == t->size;
}

void out_value(struct strbuf *sb, const struct program *p, const struct type *t, const void *data)
{
	const uint8_t *d = data;

	if (!t || !data)
		return;
	switch (t->kind) {
	case T_INT:
		if (t->name && type_enum_name(t, load_sint(d, t->size)))
			sb_puts(sb, type_enum_name(t, load_sint(d, t->size)));
		else if (t->is_signed)
			sb_printf(sb, "%" PRId64, load_sint(d, t->size));
		else
			sb_printf(sb, "%" PRIu64, load_uint(d, t->size));
		break;
	case T_BOOL:
		sb_puts(sb, d[0] ? "true" : "false");
		break;
	case T_STRING: {
		size_t len = strnlen((const char *)d, t->size);
		sb_add(sb, (const char *)d, len);
		if (out_str_truncated(p, t, len))
			sb_puts(sb, p->str_trunc_trailer);
		break;
	}
	case T_PROBE: {
		uint64_t idx = load_uint(d, 8);
		if (p && idx < p->probe_names.n)
			sb_puts(sb, (const char *)p->probe_names.v[idx]);
		break;
	}
	case T_PTR:
		sb_printf(sb, "0x%" PRIx64, load_uint(d, 8));
		break;
	case T_TUPLE:
		tuple_value(sb, p, t, d);
		break;
	case T_BUFFER:
		buffer_value(sb, t, d);
		break;
	case T_RECORD:
	case T_ARRAY:
		out_c_value(sb, p, t, d);
		break;
	case T_USERNAME:
	case T_INET:
	case T_MACADDR:
	case T_STRERROR:
	case T_CGROUP_PATH:
		out_value_special(sb, p, t, data);
		break;
	case T_TIMESTAMP:
		if (out_value_special(sb, p, t, data))
			break;
		if (out_value_ext && out_value_ext(sb, p, t, data))
			break;
		sb_printf(sb, "%" PRIu64, load_uint(d, 8));
		break;
	case T_KSTACK:
	case T_USTACK:
		out_stack_text(sb, t, data);
		break;
	case T_NONE:
	case T_VOID:
	case T_AGG:
		break;
	}
}

/* One parsed conversion: "%[flags][width][.prec][len]conv". */
struct conv {
	char flags[8];
	int nflags;
	char width[16];
	char prec[16]; /* includes the '.', empty when absent */
	int len;       /* 0 none, 1 hh, 2 h, 3 l/ll/j/z/t */
	char conv;
	char raw; /* %r variant: 0, 'x' or 'h' */
};

/* Parse a conversion at s (just after '%'); returns its length or 0 if malformed. */
static size_t parse_conv(const char *s, struct conv *c)
{
	const char *q = s;
	int n;

	memset(c, 0, sizeof(*c));
	while (*q && strchr("-0+ #", *q)) {
		if (c->nflags < (int)sizeof(c->flags) - 1)
			c->flags[c->nflags++] = *q;
		q++;
	}
	for (n = 0; *q >= '0' && *q <= '9'; q++)
		if (n < (int)sizeof(c->width) - 1)
			c->width[n++] = *q;
	if (*q == '.') {
		c->prec[0] = '.';
		q++;
		for (n = 1; *q >= '0' && *q <= '9'; q++)
			if (n < (int)sizeof(c->prec) - 1)
				c->prec[n++] = *q;
	}
	if (q[0] == 'h' && q[1] == 'h') {
		c->len = 1;
		q += 2;
	} else if (q[0] == 'h') {
		c->len = 2;
		q++;
	} else if (q[0] == 'l' && q[1] == 'l') {
		c->len = 3;
		q += 2;
	} else if (strchr("ljzt", q[0]) && q[0]) {
		c->len = 3;
		q++;
	}
	if (q[0] == 'r') {
		/* %r: buffer as text; %rx: every byte \xNN; %rh: hex bytes, space separated */
		c->conv = 'r';
		c->raw = q[1] == 'x' || q[1] == 'h' ? q[1] : 0;
		q += c->raw ? 2 : 1;
		return (size_t)(q - s);
	}
	if (!*q || !strchr("diuoxXcsp", *q))
		return 0;
	c->conv = *q++;
	return (size_t)(q - s);
}

/* Build the C format for c with the given length modifier text and conversion. */
static void conv_cfmt(const struct conv *c, const char *len, char conv, char *out, size_t n)
{
	snprintf(out, n, "%%%s%s%s%s%c", c->flags, c->width, c->prec, len, conv);
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static void put_str(struct strbuf *sb, const struct conv *c, const char *s)
{
	char f[64];

	conv_cfmt(c, "", 's', f, sizeof(f));
	sb_printf(sb, f, s);
}

static void put_int(struct strbuf *sb, const struct conv *c, uint64_t v)
{
	char f[64];

	switch (c->conv) {
	case 'd':
	case 'i': {
		long long s;
		if (c->len == 1)
			s = (signed char)v;
		else if (c->len == 2)
			s = (short)v;
		else if (c->len == 0)
			s = (int)v;
		else
			s = (long long)v;
		conv_cfmt(c, "ll", c->conv, f, sizeof(f));
		sb_printf(sb, f, s);
		break;
	}
	case 'u':
	case 'o':
	case 'x':
	case 'X': {
		unsigned long long u;
		if (c->len == 1)
			u = (unsigned char)v;
		else if (c->len == 2)
			u = (unsigned short)v;
		else if (c->len == 0)
			u = (unsigned int)v;
		else
			u = v;
		conv_cfmt(c, "ll", c->conv, f, sizeof(f));
		sb_printf(sb, f, u);
		break;
	}
	case 'c':
		conv_cfmt(c, "", 'c', f, sizeof(f));
		sb_printf(sb, f, (int)v);
		break;
	case 'p':
		conv_cfmt(c, "", 'p', f, sizeof(f));
		sb_printf(sb, f, (void *)(uintptr_t)v);
		break;
	}
}
#pragma GCC diagnostic pop

static bool is_intlike(const struct type *t)
{
	return t->kind == T_INT || t->kind == T_BOOL || t->kind == T_PTR;
}

static void put_arg(struct strbuf *sb, const struct program *p, const struct conv *c,
		    const struct event_arg *a, const uint8_t *rec)
{
	const uint8_t *d = rec + a->offset;
	struct strbuf tmp;

	if (c->conv == 'r' && a->type && a->type->kind == T_BUFFER && c->raw) {
		uint32_t len, cap = a->type->size - 4;
		memcpy(&len, d, 4);
		for (uint32_t i = 0; i < len && i < cap; i++)
			sb_printf(sb, c->raw == 'x' ? "\\x%02x" : i ? " %02x" : "%02x", d[4 + i]);
		return;
	}
	if (c->conv != 's' && c->conv != 'r' && a->type && is_intlike(a->type)) {
		put_int(sb, c, load_widened(a->type, d));
		return;
	}
	sb_init(&tmp);
	out_value(&tmp, p, a->type, d);
	put_str(sb, c, tmp.buf ? tmp.buf : "");
	sb_free(&tmp);
}

void out_printf(struct strbuf *sb, const struct program *p, const char *fmt,
		const struct event_arg *args, int nargs, const void *rec)
{
	const char *s = fmt;
	int argi = 0;

	if (!fmt)
		return;
	while (*s) {
		const char *pct = strchr(s, '%');
		struct conv c;
		size_t n;

		if (!pct) {
			sb_puts(sb, s);
			break;
		}
		sb_add(sb, s, (size_t)(pct - s));
		if (pct[1] == '%') {
			sb_putc(sb, '%');
			s = pct + 2;
			continue;
		}
		n = parse_conv(pct + 1, &c);
		if (!n || argi >= nargs) {
			/* Not a conversion we know, or no argument left: copy it. */
			sb_putc(sb, '%');
			s = pct + 1;
			continue;
		}
		put_arg(sb, p, &c, &args[argi++], rec);
		s = pct + 1 + n;
	}
}
