// SPDX-License-Identifier: GPL-2.0
/*
 * JSON pieces of `-f json`: string escaping and values, in current
 * bpftrace's layout (objects spaced "k": v, ", "; arrays unspaced).
 * Integers that a double cannot hold exactly are emitted as strings, as
 * bpftrace does, so that consumers never lose precision silently.
 */
#include <inttypes.h>
#include <string.h>

#include "runtime/output.h"

void json_str(struct strbuf *sb, const char *s, size_t n)
{
	sb_putc(sb, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '"':
			sb_puts(sb, "\\\"");
			break;
		case '\\':
			sb_puts(sb, "\\\\");
			break;
		case '\n':
			sb_puts(sb, "\\n");
			break;
		case '\r':
			sb_puts(sb, "\\r");
			break;
		case '\t':
			sb_puts(sb, "\\t");
			break;
		default:
			if (c < 0x20)
				sb_printf(sb, "\\u%04x", c);
			else
				sb_putc(sb, (char)c);
		}
	}
	sb_putc(sb, '"');
}

/* Whether a double holds m exactly: at most 53 significant bits. */
static bool exact_double(uint64_t m)
{
	return !m || (m >> __builtin_ctzll(m)) < (uint64_t)1 << 53;
}

void json_uint(struct strbuf *sb, uint64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	if (exact_double(v))
		sb_puts(sb, buf);
	else
		json_str(sb, buf, strlen(buf));
}

void json_int(struct strbuf *sb, int64_t v)
{
	char buf[32];
	uint64_t m = v < 0 ? -(uint64_t)v : (uint64_t)v;

	snprintf(buf, sizeof(buf), "%" PRId64, v);
	if (exact_double(m))
		sb_puts(sb, buf);
	else
		json_str(sb, buf, strlen(buf));
}

static uint64_t load_u(const uint8_t *d, uint32_t size)
{
	uint64_t v = 0;

	memcpy(&v, d, size < 8 ? size : 8);
	return v;
}

static int64_t load_s(const uint8_t *d, uint32_t size)
{
	uint64_t v = load_u(d, size);

	if (size < 8 && size > 0 && (v >> (size * 8 - 1)) & 1)
		v |= ~(uint64_t)0 << (size * 8);
	return (int64_t)v;
}

void json_value(struct strbuf *sb, const struct program *p, const struct type *t, const void *data)
{
	const uint8_t *d = data;

	if (!t || !data) {
		sb_puts(sb, "null");
		return;
	}
	switch (t->kind) {
	case T_INT:
		if (t->is_signed)
			json_int(sb, load_s(d, t->size));
		else
			json_uint(sb, load_u(d, t->size));
		break;
	case T_PTR:
		json_uint(sb, load_u(d, 8));
		break;
	case T_BOOL:
		sb_puts(sb, d[0] ? "true" : "false");
		break;
	case T_STRING: {
		size_t len = strnlen((const char *)d, t->size);
		if (out_str_truncated(p, t, len)) {
			struct strbuf tmp;
			sb_init(&tmp);
			sb_add(&tmp, (const char *)d, len);
			sb_puts(&tmp, p->str_trunc_trailer);
			json_str(sb, tmp.buf ? tmp.buf : "", tmp.len);
			sb_free(&tmp);
		} else {
			json_str(sb, (const char *)d, len);
		}
		break;
	}
	case T_TUPLE: {
		bool rec = t->nfields && t->fields[0].name;
		sb_putc(sb, rec ? '{' : '[');
		for (int i = 0; i < t->nfields; i++) {
			if (i)
				sb_puts(sb, rec ? ", " : ",");
			if (rec) {
				json_str(sb, t->fields[i].name, strlen(t->fields[i].name));
				sb_puts(sb, ": ");
			}
			json_value(sb, p, t->fields[i].type, d + t->fields[i].offset);
		}
		sb_putc(sb, rec ? '}' : ']');
		break;
	}
	case T_VOID:
	case T_NONE:
	case T_AGG:
		sb_puts(sb, "null");
		break;
	default: {
		/* Probes, stacks, timestamps, buffers: their text form as a string. */
		struct strbuf tmp;
		sb_init(&tmp);
		out_value(&tmp, p, t, data);
		json_str(sb, tmp.buf ? tmp.buf : "", tmp.len);
		sb_free(&tmp);
		break;
	}
	}
}

void json_event(struct strbuf *sb, const char *type, const char *s, size_t n)
{
	sb_printf(sb, "{\"type\": \"%s\", \"data\": ", type);
	json_str(sb, s, n);
	sb_puts(sb, "}\n");
}
