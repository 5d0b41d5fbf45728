/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The front end: a reentrant flex scanner and a pure bison parser. No
 * generated header leaks past this file.
 */
#ifndef SONDE_PARSER_H
#define SONDE_PARSER_H

#include "ast/ast.h"

/*
 * Parse d->src into ast->root (an N_PROGRAM). Syntax errors go to d with
 * their location; returns 0 on success, -1 when any error was reported.
 */
int parse_program(struct ast *ast, struct diag *d);

/* Token dump for -d tokens: one "LINE:COL KIND text" line per token. */
void parse_dump_tokens(const struct source *src, struct strbuf *out);

#endif
