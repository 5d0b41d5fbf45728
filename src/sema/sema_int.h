/* SPDX-License-Identifier: GPL-2.0 */
/* Private to sema/: the pass context shared by its files. */
#ifndef SONDE_SEMA_INT_H
#define SONDE_SEMA_INT_H

#include "sema/sema.h"

struct scope {
	struct scope *up;
	struct vec vars; /* struct sema_var * */
};

struct sctx {
	struct ast *ast;
	struct diag *d;
	struct program *prog;
	const struct sema_opts *opts;
	bool quiet; /* first pass: learn map types, report nothing */
	struct prog_desc *pd;
	struct vec *fields; /* struct arg_field * of the probe's args, or NULL */
	struct scope *scope;
	int nvars;
	int nerr_quiet;
};

void sema_err(struct sctx *s, const struct node *n, const char *fmt, ...) PRINTF_LIKE(3, 4);
/* Like sema_err, at the span of the node's name only (a call's function name). */
void sema_err_name(struct sctx *s, const struct node *n, const char *fmt, ...) PRINTF_LIKE(3, 4);
void sema_unsupported(struct sctx *s, const struct node *n, const char *what);

const struct type *sema_expr(struct sctx *s, struct node *n);
void sema_stmt(struct sctx *s, struct node *n);
void sema_block(struct sctx *s, struct node *n);

/* Map helpers (map.c). */
struct map_desc *sema_map_get(struct sctx *s, struct node *m);
const struct type *sema_norm(const struct type *t);
const struct type *sema_unify(const struct type *a, const struct type *b);
bool sema_map_key(struct sctx *s, struct node *m, struct map_desc *md);
bool sema_map_set_agg(struct sctx *s, struct node *m, struct map_desc *md, enum agg_kind agg);
bool sema_map_set_value(struct sctx *s, struct node *m, struct map_desc *md,
			const struct type *t);
void sema_map_finish(struct program *prog);

/* Events (calls.c). */
const struct type *sema_call(struct sctx *s, struct node *n, bool as_stmt);
bool sema_is_agg_call(const struct node *n, enum agg_kind *agg);
const struct type *sema_agg_assign(struct sctx *s, struct node *map, struct node *call);

/* Stacks and symbols (stacks.c). */
const struct type *sema_stack_builtin(struct sctx *s, bool user);
const struct type *sema_stack_call(struct sctx *s, struct node *n, bool user);
const struct type *sema_sym_call(struct sctx *s, struct node *n, bool user);

#endif
