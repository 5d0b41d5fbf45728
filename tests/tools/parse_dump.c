// SPDX-License-Identifier: GPL-2.0
/*
 * parse_dump FILE: parse FILE and print its AST (exit 0), or print the
 * syntax errors on stderr (exit 1). Used by the parser golden tests.
 * parse_dump -t FILE prints the token stream instead.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parser/parser.h"

int main(int argc, char **argv)
{
	struct source src;
	struct diag d;
	struct ast ast = {0};
	struct strbuf out;
	bool tokens = false;
	char *text;
	size_t len;
	int rc = 0;

	if (argc == 3 && strcmp(argv[1], "-t") == 0) {
		tokens = true;
		argv++;
		argc--;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: parse_dump [-t] FILE\n");
		return 2;
	}
	text = util_read_file(argv[1], &len);
	if (!text) {
		perror(argv[1]);
		return 2;
	}
	src.name = argv[1];
	src.text = text;
	src.len = len;
	sb_init(&out);
	if (tokens) {
		parse_dump_tokens(&src, &out);
		fputs(out.buf ? out.buf : "", stdout);
	} else {
		diag_init(&d, &src);
		if (parse_program(&ast, &d) == 0) {
			ast_dump(ast.root, &out);
			fputs(out.buf ? out.buf : "", stdout);
		} else {
			diag_flush(&d, stderr);
			rc = 1;
		}
		diag_free(&d);
	}
	sb_free(&out);
	arena_free(&ast.arena);
	free(text);
	return rc;
}
