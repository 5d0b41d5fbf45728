// SPDX-License-Identifier: GPL-2.0
/*
 * ast_dump(): an indented S-expression per node, one node per line:
 *
 *   (probe
 *     (attach "tracepoint:syscalls:sys_enter_openat")
 *     (pred
 *       (binop == (ident "pid") (int 1)))
 *     (block ...))
 *
 * A node's attributes (names, values, operators, flags) follow its kind on
 * the same line; children follow on their own lines. Spans are left out so
 * that goldens stay stable. A NULL child before a present one prints "nil".
 */
#include "ast/ast.h"

#include <inttypes.h>
#include <string.h>

#define MAX_DEPTH 2000

static void put_quoted(struct strbuf *out, const char *s, size_t len)
{
	sb_putc(out, '"');
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '"':
			sb_puts(out, "\\\"");
			break;
		case '\\':
			sb_puts(out, "\\\\");
			break;
		case '\n':
			sb_puts(out, "\\n");
			break;
		case '\t':
			sb_puts(out, "\\t");
			break;
		case '\r':
			sb_puts(out, "\\r");
			break;
		default:
			if (c < 0x20 || c >= 0x7f)
				sb_printf(out, "\\x%02x", c);
			else
				sb_putc(out, (char)c);
		}
	}
	sb_putc(out, '"');
}

static void put_str(struct strbuf *out, const char *s)
{
	sb_putc(out, ' ');
	if (s)
		put_quoted(out, s, strlen(s));
	else
		sb_puts(out, "nil");
}

/* Which slots of a kind hold lists (printed element by element). */
static bool slot_is_list(enum node_kind kind, int slot)
{
	if (slot != 0)
		return false;
	switch (kind) {
	case N_PROGRAM:
	case N_PROBE:
	case N_CONFIG:
	case N_MACRO:
	case N_FN:
	case N_BLOCK:
	case N_CALL:
	case N_TUPLE:
	case N_RECORD:
		return true;
	default:
		return false;
	}
}

static void dump_node(const struct node *n, struct strbuf *out, int depth);

/* Small expressions print on one line: count nodes up to a budget. */
static bool is_small(const struct node *n, int *budget)
{
	if (!n)
		return true;
	switch (n->kind) {
	case N_PROGRAM:
	case N_PROBE:
	case N_CONFIG:
	case N_MACRO:
	case N_FN:
	case N_BLOCK:
	case N_IF:
	case N_WHILE:
	case N_UNROLL:
	case N_FOR_MAP:
	case N_FOR_RANGE:
		return false;
	default:
		break;
	}
	if (--*budget < 0)
		return false;
	if (slot_is_list(n->kind, 0)) {
		for (const struct node *p = n->a; p; p = p->next)
			if (!is_small(p, budget))
				return false;
	} else if (!is_small(n->a, budget)) {
		return false;
	}
	return is_small(n->b, budget) && is_small(n->c, budget) && is_small(n->d, budget);
}

/* depth < 0: single-line mode */
static void newline(struct strbuf *out, int depth)
{
	if (depth < 0) {
		sb_putc(out, ' ');
		return;
	}
	sb_putc(out, '\n');
	for (int i = 0; i < depth; i++)
		sb_puts(out, "  ");
}

static int child_depth(int depth)
{
	return depth < 0 ? depth : depth + 1;
}

static void dump_child(const struct node *n, struct strbuf *out, int depth)
{
	newline(out, depth);
	if (n)
		dump_node(n, out, depth);
	else
		sb_puts(out, "nil");
}

/* A child wrapped in a label: (pred X), (else X), (value X). */
static void dump_labelled(const char *label, const struct node *n, struct strbuf *out, int depth)
{
	int budget = 6;

	newline(out, depth);
	sb_printf(out, "(%s", label);
	dump_child(n, out, is_small(n, &budget) ? -1 : child_depth(depth));
	sb_putc(out, ')');
}

static void dump_attrs(const struct node *n, struct strbuf *out)
{
	switch (n->kind) {
	case N_PROBE:
		if (n->str)
			sb_printf(out, " name=\"%s\"", n->str);
		break;
	case N_ATTACH:
	case N_C_DEFN:
	case N_INCLUDE:
	case N_CONFIG_ITEM:
	case N_IMPORT:
	case N_MACRO:
	case N_FN:
	case N_VAR:
	case N_MAP:
	case N_IDENT:
	case N_CALL:
	case N_FIELD:
	case N_NAMED:
	case N_OFFSETOF:
	case N_TYPE:
		put_str(out, n->str);
		break;
	case N_DEFINE:
	case N_MAP_DECL:
		put_str(out, n->str);
		put_str(out, n->str2);
		break;
	case N_STRING:
		sb_putc(out, ' ');
		put_quoted(out, n->str ? n->str : "", n->len);
		break;
	case N_INT:
		if (n->flags & AST_UNSIGNED_LIT)
			sb_printf(out, " %" PRIu64 " unsigned", n->uval);
		else
			sb_printf(out, " %" PRId64, n->ival);
		if (n->str2) {
			char buf[32];

			snprintf(buf, sizeof(buf), "%" PRIu64, n->uval);
			if (strcmp(buf, n->str2) != 0)
				put_str(out, n->str2);
		}
		if (n->str)
			sb_printf(out, " suffix=%s", n->str);
		break;
	case N_BOOL:
		sb_puts(out, n->ival ? " true" : " false");
		break;
	case N_POSITIONAL:
		if (n->ival < 0)
			sb_puts(out, " #");
		else
			sb_printf(out, " %" PRId64, n->ival);
		break;
	case N_BINOP:
	case N_UNOP:
		sb_printf(out, " %s", ast_op_name(n->op));
		break;
	case N_ASSIGN:
		if (n->op)
			sb_printf(out, " %s=", ast_op_name(n->op));
		break;
	case N_INCDEC:
		sb_printf(out, " %s %s", ast_op_name(n->op),
			  n->flags & AST_POSTFIX ? "postfix" : "prefix");
		break;
	case N_IF:
		if (n->flags & AST_COMPTIME)
			sb_puts(out, " comptime");
		break;
	default:
		break;
	}
	if (n->kind == N_FIELD && (n->flags & AST_ARROW))
		sb_puts(out, " arrow");
	if (n->kind == N_TYPE && n->ival)
		sb_printf(out, " ptr=%" PRId64, n->ival);
	if (n->kind == N_TYPE && (n->flags & AST_UNSIZED))
		sb_puts(out, " unsized");
}

static void dump_node(const struct node *n, struct strbuf *out, int depth)
{
	const struct node *slots[4] = {n->a, n->b, n->c, n->d};
	int last = -1;

	int budget = 6;

	if (depth > MAX_DEPTH) {
		sb_puts(out, "...");
		return;
	}
	if (depth >= 0 && is_small(n, &budget))
		depth = -1;
	sb_printf(out, "(%s", ast_kind_name(n->kind));
	dump_attrs(n, out);

	switch (n->kind) {
	case N_PROBE:
		for (const struct node *p = n->a; p; p = p->next)
			dump_child(p, out, child_depth(depth));
		if (n->b)
			dump_labelled("pred", n->b, out, child_depth(depth));
		dump_child(n->c, out, child_depth(depth));
		sb_putc(out, ')');
		return;
	case N_BLOCK:
		for (const struct node *p = n->a; p; p = p->next)
			dump_child(p, out, child_depth(depth));
		if (n->b)
			dump_labelled("value", n->b, out, child_depth(depth));
		sb_putc(out, ')');
		return;
	case N_IF:
		dump_child(n->a, out, child_depth(depth));
		dump_child(n->b, out, child_depth(depth));
		if (n->c)
			dump_labelled("else", n->c, out, child_depth(depth));
		sb_putc(out, ')');
		return;
	case N_MACRO:
	case N_FN:
		for (const struct node *p = n->a; p; p = p->next)
			dump_child(p, out, child_depth(depth));
		if (n->b)
			dump_labelled("returns", n->b, out, child_depth(depth));
		dump_child(n->c, out, child_depth(depth));
		sb_putc(out, ')');
		return;
	case N_TYPE:
		if (n->a)
			dump_child(n->a, out, child_depth(depth));
		if (n->b)
			dump_labelled("array", n->b, out, child_depth(depth));
		sb_putc(out, ')');
		return;
	default:
		break;
	}
	for (int i = 0; i < 4; i++)
		if (slots[i])
			last = i;
	for (int i = 0; i <= last; i++) {
		if (slot_is_list(n->kind, i)) {
			for (const struct node *p = slots[i]; p; p = p->next)
				dump_child(p, out, child_depth(depth));
			if (!slots[i] && i < last && n->kind != N_MACRO && n->kind != N_FN)
				dump_child(NULL, out, child_depth(depth));
		} else {
			dump_child(slots[i], out, child_depth(depth));
		}
	}
	sb_putc(out, ')');
}

void ast_dump(const struct node *n, struct strbuf *out)
{
	if (!n) {
		sb_puts(out, "nil\n");
		return;
	}
	dump_node(n, out, 0);
	sb_putc(out, '\n');
}
