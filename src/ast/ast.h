/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The abstract syntax tree. One flat node struct for every kind (as in
 * chibicc): easy to build from grammar actions, dump and debug. Which
 * fields a kind uses is written next to it in nodes.def. Lists are
 * chained through `next`. Nodes live in the arena of their program.
 */
#ifndef SONDE_AST_H
#define SONDE_AST_H

#include "util/diag.h"
#include "util/util.h"

enum node_kind {
#define X(k, s) k,
#include "ast/nodes.def"
#undef X
	N__COUNT
};

/* Operators: single-character ones use the character itself. */
enum ast_op {
	OP_EQ = 256, /* == */
	OP_NE,	     /* != */
	OP_LE,	     /* <= */
	OP_GE,	     /* >= */
	OP_LAND,     /* && */
	OP_LOR,	     /* || */
	OP_SHL,	     /* << */
	OP_SHR,	     /* >> */
	OP_INC,	     /* ++ */
	OP_DEC,	     /* -- */
		     /* '+', '-', '*', '/', '%', '&', '|', '^', '<', '>', '!', '~' as themselves */
};

enum {
	AST_POSTFIX = 1 << 0,	   /* N_INCDEC: x++ rather than ++x */
	AST_ARROW = 1 << 1,	   /* N_FIELD: written with -> */
	AST_UNSIGNED_LIT = 1 << 2, /* N_INT: value does not fit int64 (use uval) */
	AST_COMPTIME = 1 << 3,	   /* N_IF: if comptime */
	AST_PAREN = 1 << 4,	   /* expression was parenthesised */
	AST_UNSIZED = 1 << 5,	   /* N_TYPE: an array of unwritten size, int8[] */
	AST_OPEN = 1 << 6,	   /* N_EXPR_STMT: ends its block without ';' */
};

struct type;

struct node {
	enum node_kind kind;
	struct span loc;
	struct node *next; /* next in a list */
	struct node *a, *b, *c, *d;
	const char *str, *str2;
	size_t len;
	union {
		int64_t ival;
		uint64_t uval;
	};
	int op;
	int flags;

	/* Filled by semantic analysis. */
	const struct type *type;
	void *sema; /* pass-private annotation (variable, map, builtin...) */
	int id;	    /* pass-private index */
};

struct ast {
	struct arena arena;
	struct node *root; /* N_PROGRAM */
};

struct node *ast_new(struct ast *ast, enum node_kind kind, const struct span *loc);
/* Append `item` (and whatever follows it) to the list `head`; returns the head. */
struct node *ast_append(struct node *head, struct node *item);
int ast_list_len(const struct node *list);
const char *ast_kind_name(enum node_kind kind);
/* Text of an operator for dumps and messages ("==", "+", "++"). */
const char *ast_op_name(int op);
/*
 * A deep copy of n and its operands (lists included), in ast's arena;
 * n's own `next` is not followed. Strings are shared: nodes never write
 * into them. The copy keeps `type` (fn parameters carry their declared
 * type) and drops `sema`: probe copies per context, macro and fn bodies
 * per use are typed afresh.
 */
struct node *ast_clone(struct ast *ast, const struct node *n);
/* The same for a whole list (n and every node after it). */
struct node *ast_clone_list(struct ast *ast, const struct node *n);
/* A span covering a .. b. */
struct span ast_span_join(const struct span *a, const struct span *b);

/* Stable S-expression dump (used by -d ast and the parser golden tests). */
void ast_dump(const struct node *n, struct strbuf *out);

#endif
