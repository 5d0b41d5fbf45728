// SPDX-License-Identifier: GPL-2.0
/*
 * Aggregation maps read as values: `@c > 10`, `$x = @s`, `(int64)@m`.
 * count, sum, min, max and avg give one integer that codegen sums over
 * the per-CPU slots; hist, lhist and stats have no single value.
 */
#include "sema/sema_int.h"

const struct type *sema_agg_read(struct sctx *s, struct node *n, const struct map_desc *md)
{
	switch (md->agg) {
	case AGG_COUNT:
		return type_int(8, false);
	case AGG_SUM:
	case AGG_MIN:
	case AGG_MAX:
	case AGG_AVG:
		return type_int(8, true);
	default:
		sema_err(s, n, "%s holds a %s() aggregation, which has no single value to use here",
			 n->str,
			 md->agg == AGG_HIST	? "hist"
			 : md->agg == AGG_LHIST ? "lhist"
						: "stats");
		return type_none();
	}
}
