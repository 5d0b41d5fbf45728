// SPDX-License-Identifier: GPL-2.0
/*
 * Glue between the generated scanner/parser and the rest of sonde: the
 * generated headers are included here and in grammar.y/lexer.l only.
 */
#include "parser/parser.h"

#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "grammar.h"
#include "lexer.h"

static void ctx_init(struct parse_ctx *ctx, struct ast *ast, struct diag *d,
		     const struct source *src, const char *text, size_t len, int start)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->ast = ast;
	ctx->diag = d;
	ctx->src = src;
	ctx->text = text;
	ctx->text_len = len;
	ctx->start_token = start;
	ctx->line = 1;
	ctx->col = 1;
}

static int run(struct parse_ctx *ctx)
{
	yyscan_t sc;
	YY_BUFFER_STATE buf;
	int rc;

	if (ctx->text_len > INT_MAX / 2) {
		diag_error(ctx->diag, NULL, "program too large");
		return -1;
	}
	if (yylex_init_extra(ctx, &sc))
		BUG("cannot initialise the scanner");
	buf = yy_scan_bytes(ctx->text, (int)ctx->text_len, sc);
	rc = yyparse(sc, ctx);
	yy_delete_buffer(buf, sc);
	yylex_destroy(sc);
	return rc;
}

/*
 * Every later pass (dump, sema, codegen) walks expressions recursively: a
 * machine-made `1+1+...+1` of 200,000 terms would overflow their stack.
 * Refuse trees deeper than this, found here without recursion.
 */
#define MAX_DEPTH 1000

static int check_depth(struct node *root, struct diag *d)
{
	struct vec stack = {0}; /* pairs: node, depth */
	int rc = 0;

	vec_push(&stack, root);
	vec_push(&stack, (void *)(uintptr_t)1);
	while (stack.n && !rc) {
		uintptr_t depth = (uintptr_t)stack.v[--stack.n];
		struct node *n = stack.v[--stack.n];

		for (; n; n = n->next) {
			if (depth > MAX_DEPTH) {
				diag_error_hint(
					d, &n->loc, "split it with variables",
					"expression nested too deeply (more than %d levels)",
					MAX_DEPTH);
				rc = -1;
				break;
			}
			struct node *kids[] = {n->a, n->b, n->c, n->d};
			for (int i = 0; i < 4; i++) {
				if (!kids[i])
					continue;
				vec_push(&stack, kids[i]);
				vec_push(&stack, (void *)(depth + 1));
			}
		}
	}
	vec_free(&stack);
	return rc;
}

int parse_program(struct ast *ast, struct diag *d)
{
	struct parse_ctx ctx;
	int before = d->nerrors, rc;

	ctx_init(&ctx, ast, d, d->src, d->src->text, d->src->len, START_PROGRAM);
	rc = run(&ctx);
	if (rc || ctx.lex_failed || d->nerrors > before || !ctx.result) {
		if (d->nerrors == before)
			diag_error(d, NULL, "syntax error");
		ast->root = NULL;
		return -1;
	}
	if (check_depth(ctx.result, d)) {
		ast->root = NULL;
		return -1;
	}
	ast->root = ctx.result;
	return 0;
}

struct node *parser_define_value(struct parse_ctx *outer, const char *text, size_t len, int line,
				 int col)
{
	struct parse_ctx ctx;
	struct diag d;
	int rc;

	diag_init(&d, outer->src);
	ctx_init(&ctx, outer->ast, &d, outer->src, text, len, START_EXPR);
	ctx.line = line;
	ctx.col = col;
	rc = run(&ctx);
	diag_free(&d);
	return rc || ctx.lex_failed ? NULL : ctx.result;
}

void parse_dump_tokens(const struct source *src, struct strbuf *out)
{
	struct ast ast = {0};
	struct parse_ctx ctx;
	struct diag d;
	yyscan_t sc;
	YY_BUFFER_STATE buf;

	diag_init(&d, src);
	ctx_init(&ctx, &ast, &d, src, src->text, src->len, 0);
	if (src->len > INT_MAX / 2 || yylex_init_extra(&ctx, &sc)) {
		diag_free(&d);
		return;
	}
	buf = yy_scan_bytes(src->text, (int)src->len, sc);
	for (;;) {
		YYSTYPE lval;
		YYLTYPE loc;
		int tok = yylex(&lval, &loc, sc);

		if (tok == END)
			break;
		sb_printf(out, "%d:%d %s ", loc.first_line, loc.first_column,
			  parser_token_name(tok));
		for (size_t i = ctx.tok_pos; i < ctx.pos && i < src->len; i++) {
			unsigned char c = (unsigned char)src->text[i];

			if (c == '\n')
				sb_puts(out, "\\n");
			else if (c < 0x20 || c >= 0x7f)
				sb_printf(out, "\\x%02x", c);
			else
				sb_putc(out, (char)c);
		}
		sb_putc(out, '\n');
		if (tok == LEXERR) {
			sb_add(out, d.errors.buf ? d.errors.buf : "", d.errors.len);
			break;
		}
	}
	yy_delete_buffer(buf, sc);
	yylex_destroy(sc);
	diag_free(&d);
	arena_free(&ast.arena);
}
