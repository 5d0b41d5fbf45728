// SPDX-License-Identifier: GPL-2.0
#include "ast/ast.h"

static const char *const kind_names[] = {
#define X(k, s) [k] = s,
#include "ast/nodes.def"
#undef X
};

struct node *ast_new(struct ast *ast, enum node_kind kind, const struct span *loc)
{
	struct node *n = arena_alloc(&ast->arena, sizeof(*n));

	n->kind = kind;
	if (loc)
		n->loc = *loc;
	return n;
}

struct node *ast_append(struct node *head, struct node *item)
{
	struct node *p;

	if (!head)
		return item;
	for (p = head; p->next; p = p->next)
		;
	p->next = item;
	return head;
}

struct node *ast_clone_list(struct ast *ast, const struct node *n)
{
	struct node *head = NULL, **tail = &head;

	for (; n; n = n->next) {
		*tail = ast_clone(ast, n);
		tail = &(*tail)->next;
	}
	return head;
}

struct node *ast_clone(struct ast *ast, const struct node *n)
{
	struct node *c;

	if (!n)
		return NULL;
	c = arena_alloc(&ast->arena, sizeof(*c));
	*c = *n;
	c->next = NULL;
	c->a = ast_clone_list(ast, n->a);
	c->b = ast_clone_list(ast, n->b);
	c->c = ast_clone_list(ast, n->c);
	c->d = ast_clone_list(ast, n->d);
	/* sema's pass-private annotation belongs to the original */
	c->sema = NULL;
	return c;
}

int ast_list_len(const struct node *list)
{
	int n = 0;

	for (; list; list = list->next)
		n++;
	return n;
}

const char *ast_kind_name(enum node_kind kind)
{
	return kind < N__COUNT ? kind_names[kind] : "?";
}

const char *ast_op_name(int op)
{
	static const char *const names[] = {
		[OP_EQ - OP_EQ] = "==",	 [OP_NE - OP_EQ] = "!=",   [OP_LE - OP_EQ] = "<=",
		[OP_GE - OP_EQ] = ">=",	 [OP_LAND - OP_EQ] = "&&", [OP_LOR - OP_EQ] = "||",
		[OP_SHL - OP_EQ] = "<<", [OP_SHR - OP_EQ] = ">>",  [OP_INC - OP_EQ] = "++",
		[OP_DEC - OP_EQ] = "--",
	};
	static char single[128][2];

	if (op >= OP_EQ && op <= OP_DEC)
		return names[op - OP_EQ];
	if (op > 0 && op < 128) {
		single[op][0] = (char)op;
		return single[op];
	}
	return "?";
}

struct span ast_span_join(const struct span *a, const struct span *b)
{
	struct span s = *a;

	s.last_line = b->last_line;
	s.last_column = b->last_column;
	return s;
}
