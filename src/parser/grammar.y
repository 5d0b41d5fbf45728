// SPDX-License-Identifier: GPL-2.0
/*
 * The bpftrace grammar (current language plus the 0.17 spellings). A
 * pure bison parser fed by the reentrant scanner in lexer.l. Actions only
 * build nodes; everything semantic happens later.
 */
%code requires {
#include "ast/ast.h"

/* A list under construction (appending is O(1)). */
struct nlist {
	struct node *head, *tail;
};

/* A block and its last statement when that has no ';' (a value). */
struct blk {
	struct node *n;
	struct node *open;
};

/* State shared by the scanner and the parser of one source text. */
struct parse_ctx {
	struct ast *ast;
	struct diag *diag;
	const struct source *src;
	const char *text; /* what the scanner reads (src->text or a slice) */
	size_t text_len;
	struct node *result;
	int start_token;   /* sent before the first real token, or 0 */
	bool lex_failed;   /* the scanner reported an error */
	/* scanner position: where the next character is */
	int line, col;
	size_t pos;
	/* current token */
	size_t tok_pos;
	/* multi-rule tokens (C definitions) */
	struct span save_loc;
	size_t save_pos;
	int depth;    /* brace depth inside a probe body or top-level construct */
	int cdepth;   /* brace depth in a C definition */
	bool cdefn_semi; /* the C definition ends at ';' (typedef, after __attribute__) */
	bool in_pred; /* inside /predicate/ */
	int last_tok;
	struct span last_end; /* span of the last token returned */
	/* names the script's typedefs declare, so that `(name)expr` is a cast */
	const char *typedefs[64];
	int ntypedefs;
};
}

%code provides {
/* Parse the value of a #define (text + len at line:col); NULL when it is no expression. */
struct node *parser_define_value(struct parse_ctx *ctx, const char *text, size_t len, int line,
				 int col);
/* Token name for dumps and messages. */
const char *parser_token_name(int tok);
}

%define api.pure full
%define api.location.type {struct span}
%define parse.error custom
%define parse.lac full
%locations
%expect 0
%lex-param {void *scanner}
%parse-param {void *scanner} {struct parse_ctx *ctx}

%code {
#include <string.h>

int yylex(YYSTYPE *lval, YYLTYPE *lloc, void *scanner);
static void yyerror(YYLTYPE *loc, void *scanner, struct parse_ctx *ctx, const char *msg);

static struct node *mk(struct parse_ctx *ctx, enum node_kind kind, const YYLTYPE *loc)
{
	return ast_new(ctx->ast, kind, loc);
}

static struct node *mk_ab(struct parse_ctx *ctx, enum node_kind kind, const YYLTYPE *loc,
			  struct node *a, struct node *b)
{
	struct node *n = ast_new(ctx->ast, kind, loc);

	n->a = a;
	n->b = b;
	return n;
}

static struct node *mk_op(struct parse_ctx *ctx, enum node_kind kind, const YYLTYPE *loc, int op,
			  struct node *a, struct node *b)
{
	struct node *n = mk_ab(ctx, kind, loc, a, b);

	n->op = op;
	return n;
}

static struct node *mk_str(struct parse_ctx *ctx, enum node_kind kind, const YYLTYPE *loc,
			   const char *str)
{
	struct node *n = ast_new(ctx->ast, kind, loc);

	n->str = str;
	return n;
}

static struct nlist nl_one(struct node *n)
{
	return (struct nlist){ n, n };
}

static struct nlist nl_push(struct nlist l, struct node *n)
{
	if (!n)
		return l;
	if (!l.head)
		return nl_one(n);
	l.tail->next = n;
	l.tail = n;
	return l;
}

static struct node *mk_block(struct parse_ctx *ctx, const YYLTYPE *loc, struct nlist l)
{
	struct node *n = ast_new(ctx->ast, N_BLOCK, loc);

	n->a = l.head;
	return n;
}

static bool if_has_value(const struct node *n);

/* Does the block end in an expression without ';', or in an if/else chain
 * whose every branch does? */
static bool block_has_value(const struct node *blk)
{
	const struct node *l = blk->a;

	while (l && l->next)
		l = l->next;
	if (!l)
		return false;
	if (l->kind == N_EXPR_STMT)
		return l->flags & AST_OPEN;
	return l->kind == N_IF && if_has_value(l);
}

static bool if_has_value(const struct node *n)
{
	if (!n->c || (n->flags & AST_COMPTIME) || !block_has_value(n->b))
		return false;
	return n->c->kind == N_IF ? if_has_value(n->c) : block_has_value(n->c);
}

/* Move the final statement of a block_has_value() block into its b. */
static void take_value(struct node *blk)
{
	struct node **pp = &blk->a, *l;

	while ((*pp)->next)
		pp = &(*pp)->next;
	l = *pp;
	*pp = NULL;
	if (l->kind == N_EXPR_STMT) {
		blk->b = l->a;
		return;
	}
	for (struct node *i = l; i; i = i->c && i->c->kind == N_IF ? i->c : NULL) {
		take_value(i->b);
		if (i->c->kind != N_IF)
			take_value(i->c);
	}
	blk->b = l; /* the if statement is now an if expression */
}

/* A block used as a value: its trailing expression without ';' becomes b. */
static struct node *value_block(struct blk b)
{
	if (block_has_value(b.n))
		take_value(b.n);
	return b.n;
}

/* Map keys: one expression, or several that form one tuple. */
static struct node *map_key(struct parse_ctx *ctx, const YYLTYPE *loc, struct nlist keys)
{
	if (keys.head == keys.tail)
		return keys.head;
	return mk_ab(ctx, N_TUPLE, loc, keys.head, NULL);
}

/* `if comptime (c)` is parsed as `if <comptime expr>`. */
static struct node *mk_if(struct parse_ctx *ctx, const YYLTYPE *loc, struct node *cond,
			  struct node *then, struct node *els)
{
	struct node *n = mk_ab(ctx, N_IF, loc, cond, then);

	n->c = els;
	if (cond->kind == N_COMPTIME) {
		n->a = cond->a;
		n->flags |= AST_COMPTIME;
	}
	return n;
}

static struct node *mk_type(struct parse_ctx *ctx, const YYLTYPE *loc, struct node *base,
			    int64_t ptr, struct node *size)
{
	base->loc = *loc;
	base->ival = ptr;
	base->b = size;
	if (size && size->kind == N_TYPE) { /* '[' ']': the marker below */
		base->b = NULL;
		base->flags |= AST_UNSIZED;
	}
	return base;
}

static const char *path_join(struct parse_ctx *ctx, const char *a, const char *b)
{
	return arena_printf(&ctx->ast->arena, "%s.%s", a, b);
}
}

%union {
	struct node *node;
	const char *str;
	int64_t num;
	struct nlist list;
	struct blk blk;
}

%token END 0 "end of file"
%token START_PROGRAM "start of program" START_EXPR "start of expression"
%token LEXERR "invalid token"
%token <str> IDENT "identifier" TYPE_IDENT "type name" VAR "variable" MAP "map"
%token <str> ATTACH "attach point" PROBE_NAME "probe name" INCLUDE "#include"
%token <str> C_DEFN "C definition" TYPE_KW "type" STRUCT "struct"
%token <node> INT "integer" STRING "string" DEFINE "#define"
%token <num> POSITIONAL "positional parameter" COMPOUND_ASSIGN "compound assignment"
%token ENDPRED "end of predicate"
%token EBRACE IF_EXPR /* '{' and `if` where an operand is expected */
%token BREAK "break" CONFIG "config" CONTINUE "continue" ELSE "else" FOR "for" IF "if"
%token IMPORT "import" LET "let" MACRO "macro" OFFSETOF "offsetof" RETURN "return"
%token SIZEOF "sizeof" UNROLL "unroll" WHILE "while" FN "fn" COMPTIME "comptime"
%token TYPEOF "typeof" TRUE "true" FALSE "false" DISCARD "_"
%token EQ "==" NE "!=" LE "<=" GE ">=" LAND "&&" LOR "||" SHL "<<" SHR ">>"
%token INC "++" DEC "--" ARROW "->" DOTDOT ".."

%right '?' ':'
%left LOR
%left LAND
%left '|'
%left '^'
%left '&'
%left EQ NE
%left '<' '>' LE GE
%left SHL SHR
%left '+' '-'
%left '*' '/' '%'
/* @m[k] is a keyed map, never an index into @m */
%precedence MAP_NO_KEY
%precedence '['
%token '{' /* numbered here so that "expecting ..." lists keep their order */

%type <node> item config import probe pred macro macro_param fn fn_param map_decl
%type <node> config_item
%type <node> simple_stmt compound_stmt sblock vblock if_stmt if_expr else_value expr_block rhs let_type let_init
%type <node> expr unary postfix primary map type type_base ann_type array_opt typeof
%type <node> call paren
%type <str> probe_name field_path
%type <num> stars
%type <list> items attach_list config_items config_list stmts_sep macro_params macro_param_list
%type <list> fn_params fn_param_list expr_list named_list
%type <blk> block block_body

%%

start:
	START_PROGRAM items	{ ctx->result = mk_ab(ctx, N_PROGRAM, &@$, $2.head, NULL); }
	| START_EXPR expr	{ ctx->result = $2; }
	;

items:
	%empty			{ $$ = (struct nlist){ 0 }; }
	| items item		{ $$ = nl_push($1, $2); }
	;

item:
	INCLUDE			{ $$ = mk_str(ctx, N_INCLUDE, &@$, $1); }
	| DEFINE		{ $$ = $1; }
	| C_DEFN		{ $$ = mk_str(ctx, N_C_DEFN, &@$, $1); }
	| config
	| import
	| probe
	| macro
	| fn
	| map_decl
	;

/* config = { key = value; ... } */
config:
	CONFIG '=' EBRACE config_items '}'	{ $$ = mk_ab(ctx, N_CONFIG, &@$, $4.head, NULL); }
	;

config_items:
	%empty			{ $$ = (struct nlist){ 0 }; }
	| config_list
	| config_list ';'
	;

config_list:
	config_item			{ $$ = nl_one($1); }
	| config_list ';' config_item	{ $$ = nl_push($1, $3); }
	;

config_item:
	IDENT '=' expr		{ $$ = mk_str(ctx, N_CONFIG_ITEM, &@$, $1); $$->a = $3; }
	;

import:
	IMPORT STRING ';'	{ $$ = mk_str(ctx, N_IMPORT, &@$, $2->str); }
	;

/* [name=]attach, attach... [/pred/] { ... } */
probe:
	probe_name attach_list pred sblock
		{ $$ = mk_ab(ctx, N_PROBE, &@$, $2.head, $3); $$->c = $4; $$->str = $1; }
	;

probe_name:
	%empty			{ $$ = NULL; }
	| PROBE_NAME
	;

attach_list:
	ATTACH				{ $$ = nl_one(mk_str(ctx, N_ATTACH, &@1, $1)); }
	| attach_list ',' ATTACH	{ $$ = nl_push($1, mk_str(ctx, N_ATTACH, &@3, $3)); }
	| attach_list ATTACH		{ $$ = nl_push($1, mk_str(ctx, N_ATTACH, &@2, $2)); }
	;

pred:
	%empty			{ $$ = NULL; }
	| '/' expr ENDPRED	{ $$ = $2; }
	;

/* macro name($a, @m, x) { ... } */
macro:
	MACRO IDENT '(' macro_params ')' vblock
		{ $$ = mk_str(ctx, N_MACRO, &@$, $2); $$->a = $4.head; $$->c = $6; }
	;

macro_params:
	%empty			{ $$ = (struct nlist){ 0 }; }
	| macro_param_list
	;

macro_param_list:
	macro_param				{ $$ = nl_one($1); }
	| macro_param_list ',' macro_param	{ $$ = nl_push($1, $3); }
	;

macro_param:
	VAR			{ $$ = mk_str(ctx, N_VAR, &@$, $1); }
	| MAP			{ $$ = mk_str(ctx, N_MAP, &@$, $1); }
	| IDENT			{ $$ = mk_str(ctx, N_IDENT, &@$, $1); }
	;

/* fn name($a: int32): void { ... } */
fn:
	FN IDENT '(' fn_params ')' ':' ann_type sblock
		{ $$ = mk_str(ctx, N_FN, &@$, $2); $$->a = $4.head; $$->b = $7; $$->c = $8; }
	| FN IDENT '(' fn_params ')' sblock
		{ $$ = mk_str(ctx, N_FN, &@$, $2); $$->a = $4.head; $$->c = $6; }
	;

fn_params:
	%empty			{ $$ = (struct nlist){ 0 }; }
	| fn_param_list
	;

fn_param_list:
	fn_param			{ $$ = nl_one($1); }
	| fn_param_list ',' fn_param	{ $$ = nl_push($1, $3); }
	;

fn_param:
	VAR ':' ann_type	{ $$ = mk_ab(ctx, N_LET, &@$, mk_str(ctx, N_VAR, &@1, $1), $3); }
	;

/* let @m = hash(100); */
map_decl:
	LET MAP '=' IDENT '(' expr ')' ';'
		{ $$ = mk_str(ctx, N_MAP_DECL, &@$, $2); $$->str2 = $4; $$->a = $6; }
	| LET MAP '=' IDENT '(' ')' ';'
		{ $$ = mk_str(ctx, N_MAP_DECL, &@$, $2); $$->str2 = $4; }
	;

/* Blocks. A statement needs a ';' after it unless it ends in a block. */
block:
	'{' block_body '}'	{ $$ = $2; $$.n->loc = @$; }
	;

block_body:
	stmts_sep		{ $$.n = mk_block(ctx, &@$, $1); $$.open = NULL; }
	| stmts_sep simple_stmt	{ $$.n = mk_block(ctx, &@$, nl_push($1, $2)); $$.open = $2;
				  $2->flags |= AST_OPEN; }
	;

stmts_sep:
	%empty				{ $$ = (struct nlist){ 0 }; }
	| stmts_sep simple_stmt ';'	{ $$ = nl_push($1, $2); }
	| stmts_sep compound_stmt	{ $$ = nl_push($1, $2); }
	| stmts_sep ';'			{ $$ = $1; }
	;

sblock:
	block			{ $$ = $1.n; }
	;

vblock:
	block			{ $$ = value_block($1); }
	;

simple_stmt:
	expr			{ $$ = mk_ab(ctx, N_EXPR_STMT, &@$, $1, NULL); }
	| unary '=' rhs		{ $$ = mk_ab(ctx, N_ASSIGN, &@$, $1, $3); }
	| unary COMPOUND_ASSIGN rhs
				{ $$ = mk_op(ctx, N_ASSIGN, &@$, (int)$2, $1, $3); }
	| DISCARD '=' rhs	{ $$ = mk_ab(ctx, N_ASSIGN, &@$, mk(ctx, N_DISCARD, &@1), $3); }
	| LET VAR let_type let_init
		{ $$ = mk_ab(ctx, N_LET, &@$, mk_str(ctx, N_VAR, &@2, $2), $3); $$->c = $4; }
	| RETURN		{ $$ = mk(ctx, N_RETURN, &@$); }
	| RETURN rhs		{ $$ = mk_ab(ctx, N_RETURN, &@$, $2, NULL); }
	| BREAK			{ $$ = mk(ctx, N_BREAK, &@$); }
	| CONTINUE		{ $$ = mk(ctx, N_CONTINUE, &@$); }
	;

let_type:
	%empty			{ $$ = NULL; }
	| ':' ann_type		{ $$ = $2; }
	;

let_init:
	%empty			{ $$ = NULL; }
	| '=' rhs		{ $$ = $2; }
	;

/* Block and if expressions are primaries (the scanner tells them apart). */
rhs:
	expr
	;

compound_stmt:
	if_stmt
	| WHILE expr sblock	{ $$ = mk_ab(ctx, N_WHILE, &@$, $2, $3); }
	| UNROLL expr sblock	{ $$ = mk_ab(ctx, N_UNROLL, &@$, $2, $3); }
	| FOR '(' VAR ':' MAP ')' sblock
		{ $$ = mk_ab(ctx, N_FOR_MAP, &@$, mk_str(ctx, N_VAR, &@3, $3),
			     mk_str(ctx, N_MAP, &@5, $5)); $$->c = $7; }
	| FOR VAR ':' MAP sblock
		{ $$ = mk_ab(ctx, N_FOR_MAP, &@$, mk_str(ctx, N_VAR, &@2, $2),
			     mk_str(ctx, N_MAP, &@4, $4)); $$->c = $5; }
	| FOR '(' VAR ':' expr DOTDOT expr ')' sblock
		{ $$ = mk_ab(ctx, N_FOR_RANGE, &@$, mk_str(ctx, N_VAR, &@3, $3), $5);
		  $$->c = $7; $$->d = $9; }
	| FOR VAR ':' expr DOTDOT expr sblock
		{ $$ = mk_ab(ctx, N_FOR_RANGE, &@$, mk_str(ctx, N_VAR, &@2, $2), $4);
		  $$->c = $6; $$->d = $7; }
	| sblock
	;

/* Parentheses are optional: `if (c)` is `if` + a parenthesised expression. */
if_stmt:
	IF expr sblock			{ $$ = mk_if(ctx, &@$, $2, $3, NULL); }
	| IF expr sblock ELSE sblock	{ $$ = mk_if(ctx, &@$, $2, $3, $5); }
	| IF expr sblock ELSE if_stmt	{ $$ = mk_if(ctx, &@$, $2, $3, $5); }
	;

if_expr:
	IF_EXPR expr vblock ELSE else_value	{ $$ = mk_if(ctx, &@$, $2, $3, $5); }
	;

else_value:
	vblock
	| IF expr vblock ELSE else_value	{ $$ = mk_if(ctx, &@$, $2, $3, $5); }
	;

expr_block:
	EBRACE block_body '}'	{ $2.n->loc = @$; $$ = value_block($2); }
	;

/* Expressions */
expr:
	unary
	| expr '?' expr ':' expr	{ $$ = mk_ab(ctx, N_TERNARY, &@$, $1, $3); $$->c = $5; }
	| expr '?' ':' expr		{ $$ = mk_ab(ctx, N_TERNARY, &@$, $1, NULL); $$->c = $4; }
	| expr LOR expr		{ $$ = mk_op(ctx, N_BINOP, &@$, OP_LOR, $1, $3); }
	| expr LAND expr	{ $$ = mk_op(ctx, N_BINOP, &@$, OP_LAND, $1, $3); }
	| expr '|' expr		{ $$ = mk_op(ctx, N_BINOP, &@$, '|', $1, $3); }
	| expr '^' expr		{ $$ = mk_op(ctx, N_BINOP, &@$, '^', $1, $3); }
	| expr '&' expr		{ $$ = mk_op(ctx, N_BINOP, &@$, '&', $1, $3); }
	| expr EQ expr		{ $$ = mk_op(ctx, N_BINOP, &@$, OP_EQ, $1, $3); }
	| expr NE expr		{ $$ = mk_op(ctx, N_BINOP, &@$, OP_NE, $1, $3); }
	| expr '<' expr		{ $$ = mk_op(ctx, N_BINOP, &@$, '<', $1, $3); }
	| expr '>' expr		{ $$ = mk_op(ctx, N_BINOP, &@$, '>', $1, $3); }
	| expr LE expr		{ $$ = mk_op(ctx, N_BINOP, &@$, OP_LE, $1, $3); }
	| expr GE expr		{ $$ = mk_op(ctx, N_BINOP, &@$, OP_GE, $1, $3); }
	| expr SHL expr		{ $$ = mk_op(ctx, N_BINOP, &@$, OP_SHL, $1, $3); }
	| expr SHR expr		{ $$ = mk_op(ctx, N_BINOP, &@$, OP_SHR, $1, $3); }
	| expr '+' expr		{ $$ = mk_op(ctx, N_BINOP, &@$, '+', $1, $3); }
	| expr '-' expr		{ $$ = mk_op(ctx, N_BINOP, &@$, '-', $1, $3); }
	| expr '*' expr		{ $$ = mk_op(ctx, N_BINOP, &@$, '*', $1, $3); }
	| expr '/' expr		{ $$ = mk_op(ctx, N_BINOP, &@$, '/', $1, $3); }
	| expr '%' expr		{ $$ = mk_op(ctx, N_BINOP, &@$, '%', $1, $3); }
	;

unary:
	postfix
	| '-' unary		{ $$ = mk_op(ctx, N_UNOP, &@$, '-', $2, NULL); }
	| '+' unary		{ $$ = mk_op(ctx, N_UNOP, &@$, '+', $2, NULL); }
	| '!' unary		{ $$ = mk_op(ctx, N_UNOP, &@$, '!', $2, NULL); }
	| '~' unary		{ $$ = mk_op(ctx, N_UNOP, &@$, '~', $2, NULL); }
	| '*' unary		{ $$ = mk_op(ctx, N_UNOP, &@$, '*', $2, NULL); }
	| '&' unary		{ $$ = mk_op(ctx, N_UNOP, &@$, '&', $2, NULL); }
	| INC unary		{ $$ = mk_op(ctx, N_INCDEC, &@$, OP_INC, $2, NULL); }
	| DEC unary		{ $$ = mk_op(ctx, N_INCDEC, &@$, OP_DEC, $2, NULL); }
	| '(' type ')' unary	{ $$ = mk_ab(ctx, N_CAST, &@$, $2, $4); }
	| COMPTIME unary	{ $$ = mk_ab(ctx, N_COMPTIME, &@$, $2, NULL); }
	;

postfix:
	primary
	| postfix INC		{ $$ = mk_op(ctx, N_INCDEC, &@$, OP_INC, $1, NULL); $$->flags |= AST_POSTFIX; }
	| postfix DEC		{ $$ = mk_op(ctx, N_INCDEC, &@$, OP_DEC, $1, NULL); $$->flags |= AST_POSTFIX; }
	| postfix '[' expr ']'	{ $$ = mk_ab(ctx, N_INDEX, &@$, $1, $3); }
	| postfix '.' IDENT	{ $$ = mk_str(ctx, N_FIELD, &@$, $3); $$->a = $1; }
	| postfix '.' INT	{ $$ = mk_str(ctx, N_FIELD, &@$, $3->str2); $$->a = $1; }
	| postfix ARROW IDENT	{ $$ = mk_str(ctx, N_FIELD, &@$, $3); $$->a = $1; $$->flags |= AST_ARROW; }
	;

primary:
	INT
	| STRING
	| TRUE			{ $$ = mk(ctx, N_BOOL, &@$); $$->ival = 1; }
	| FALSE			{ $$ = mk(ctx, N_BOOL, &@$); }
	| VAR			{ $$ = mk_str(ctx, N_VAR, &@$, $1); }
	| POSITIONAL		{ $$ = mk(ctx, N_POSITIONAL, &@$); $$->ival = $1; }
	| IDENT			{ $$ = mk_str(ctx, N_IDENT, &@$, $1); }
	| map
	| call
	| paren
	| expr_block
	| if_expr
	| SIZEOF '(' type ')'	{ $$ = mk_ab(ctx, N_SIZEOF, &@$, $3, NULL); }
	| SIZEOF '(' expr ')'	{ $$ = mk_ab(ctx, N_SIZEOF, &@$, $3, NULL); }
	| OFFSETOF '(' type ',' field_path ')'
				{ $$ = mk_str(ctx, N_OFFSETOF, &@$, $5); $$->a = $3; }
	| OFFSETOF '(' expr ',' field_path ')'
				{ $$ = mk_str(ctx, N_OFFSETOF, &@$, $5); $$->a = $3; }
	;

field_path:
	IDENT
	| field_path '.' IDENT	{ $$ = path_join(ctx, $1, $3); }
	;

map:
	MAP %prec MAP_NO_KEY	{ $$ = mk_str(ctx, N_MAP, &@$, $1); }
	| MAP '[' expr_list ']'	{ $$ = mk_str(ctx, N_MAP, &@$, $1); $$->a = map_key(ctx, &@3, $3); }
	;

call:
	IDENT '(' ')'		{ $$ = mk_str(ctx, N_CALL, &@$, $1); }
	| IDENT '(' expr_list ')'
				{ $$ = mk_str(ctx, N_CALL, &@$, $1); $$->a = $3.head; }
	;

expr_list:
	expr			{ $$ = nl_one($1); }
	| expr_list ',' expr	{ $$ = nl_push($1, $3); }
	;

/* (e), (), (e,), (a, b), (a, b,), (x = 1, y = 2) */
paren:
	'(' expr ')'		{ $$ = $2; $$->flags |= AST_PAREN; }
	| '(' ')'		{ $$ = mk(ctx, N_TUPLE, &@$); }
	| '(' expr ',' ')'	{ $$ = mk_ab(ctx, N_TUPLE, &@$, $2, NULL); }
	| '(' expr ',' expr_list ')'
				{ $$ = mk_ab(ctx, N_TUPLE, &@$, $2, NULL); $2->next = $4.head; }
	| '(' expr ',' expr_list ',' ')'
				{ $$ = mk_ab(ctx, N_TUPLE, &@$, $2, NULL); $2->next = $4.head; }
	| '(' named_list ')'	{ $$ = mk_ab(ctx, N_RECORD, &@$, $2.head, NULL); }
	| '(' named_list ',' ')'
				{ $$ = mk_ab(ctx, N_RECORD, &@$, $2.head, NULL); }
	;

named_list:
	IDENT '=' expr		{ $$ = nl_one(mk_str(ctx, N_NAMED, &@$, $1)); $$.head->a = $3; }
	| named_list ',' IDENT '=' expr
		{ $$ = nl_push($1, mk_str(ctx, N_NAMED, &@3, $3)); $$.tail->a = $5;
		  $$.tail->loc = ast_span_join(&@3, &@5); }
	;

/*
 * Types. In casts and sizeof only unambiguous types are allowed (a type
 * keyword, struct/union/enum, typeof, or an identifier followed by '*');
 * annotations (let, fn) also accept a plain identifier.
 */
type:
	type_base stars array_opt	{ $$ = mk_type(ctx, &@$, $1, $2, $3); }
	;

ann_type:
	type
	| IDENT stars array_opt	{ $$ = mk_type(ctx, &@$, mk_str(ctx, N_TYPE, &@1, $1), $2, $3); }
	;

type_base:
	TYPE_KW			{ $$ = mk_str(ctx, N_TYPE, &@$, $1); }
	| STRUCT IDENT		{ $$ = mk_str(ctx, N_TYPE, &@$, arena_printf(&ctx->ast->arena, "%s %s", $1, $2)); }
	| TYPE_IDENT		{ $$ = mk_str(ctx, N_TYPE, &@$, $1); }
	| typeof		{ $$ = mk_str(ctx, N_TYPE, &@$, "typeof"); $$->a = $1; }
	;

typeof:
	TYPEOF '(' type ')'	{ $$ = mk_ab(ctx, N_TYPEOF, &@$, $3, NULL); }
	| TYPEOF '(' expr ')'	{ $$ = mk_ab(ctx, N_TYPEOF, &@$, $3, NULL); }
	;

stars:
	%empty			{ $$ = 0; }
	| stars '*'		{ $$ = $1 + 1; }
	;

array_opt:
	%empty			{ $$ = NULL; }
	| '[' expr ']'		{ $$ = $2; }
	| '[' ']'		{ $$ = mk(ctx, N_TYPE, &@$); /* unsized: mk_type */ }
	;

%%

static const char *token_name(yysymbol_kind_t sym)
{
	static char buf[64];
	const char *s = yysymbol_name(sym);
	size_t n;

	if (sym == YYSYMBOL_EBRACE)
		return "{";
	if (sym == YYSYMBOL_IF_EXPR)
		return "if";
	n = strlen(s);

	if (n >= 2 && (s[0] == '"' || s[0] == '\'') && s[n - 1] == s[0] && n - 2 < sizeof(buf)) {
		memcpy(buf, s + 1, n - 2);
		buf[n - 2] = 0;
		return buf;
	}
	return s;
}

const char *parser_token_name(int tok)
{
	return token_name(YYTRANSLATE(tok));
}

static int yyreport_syntax_error(const yypcontext_t *yyctx, void *scanner, struct parse_ctx *ctx)
{
	yysymbol_kind_t expected[5];
	struct strbuf sb;
	int n;

	(void)scanner;
	if (ctx->lex_failed)
		return 0;
	sb_init(&sb);
	sb_puts(&sb, "syntax error, unexpected ");
	sb_puts(&sb, token_name(yypcontext_token(yyctx)));
	n = yypcontext_expected_tokens(yyctx, expected, (int)ARRAY_SIZE(expected));
	for (int i = 0; i < n && n < (int)ARRAY_SIZE(expected); i++) {
		sb_puts(&sb, i ? " or " : ", expecting ");
		sb_puts(&sb, token_name(expected[i]));
	}
	diag_error(ctx->diag, yypcontext_location(yyctx), "%s", sb.buf);
	sb_free(&sb);
	return 0;
}

static void yyerror(YYLTYPE *loc, void *scanner, struct parse_ctx *ctx, const char *msg)
{
	(void)scanner;
	if (strcmp(msg, "memory exhausted") == 0)
		msg = "program too deeply nested (parser stack exhausted)";
	diag_error(ctx->diag, loc, "%s", msg);
}
