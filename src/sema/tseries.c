// SPDX-License-Identifier: GPL-2.0
/*
 * tseries(v, interval, num_intervals[, agg]): a time series aggregation.
 * The interval (ns, duration suffixes allowed) and the number of intervals
 * kept are literals, as is agg; every use in one map must agree.
 */
#include "sema/sema_int.h"

#include <stdio.h>
#include <string.h>

static const char *const ts_aggs[] = {
	[TS_LAST] = "",	  [TS_AVG] = "avg", [TS_MAX] = "max",
	[TS_MIN] = "min", [TS_SUM] = "sum", [TS_COUNT] = "count",
};

#define TSERIES_MAX_INTERVALS 100000

/* Key operations see one entry per interval, not per key: refuse them. */
bool sema_tseries_refuse(struct sctx *s, struct node *m, const struct map_desc *md,
			 const char *what)
{
	char buf[64];

	if (md->agg != AGG_TSERIES)
		return false;
	snprintf(buf, sizeof(buf), "%s() of a tseries() map", what);
	sema_unsupported(s, m, buf);
	return true;
}

bool sema_tseries_args(struct sctx *s, struct node *call, struct map_desc *md)
{
	struct node *iv, *nv, *av;
	int64_t interval, num;
	int agg = TS_LAST;

	if (!sema_nargs_ok(s, call, 3, 4) || !sema_int_arg(s, call, call->a, "value"))
		return false;
	iv = sema_arg(call, 1);
	nv = sema_arg(call, 2);
	av = sema_arg(call, 3);
	if (!sema_const_int(iv, &interval) || interval <= 0) {
		sema_err(s, iv,
			 "tseries() interval must be a positive integer literal (nanoseconds, "
			 "or with a suffix: 100ms, 1s)");
		return false;
	}
	if (!sema_const_int(nv, &num) || num < 1 || num > TSERIES_MAX_INTERVALS) {
		sema_err(s, nv, "tseries() num_intervals must be an integer literal from 1 to %d",
			 TSERIES_MAX_INTERVALS);
		return false;
	}
	if (av) {
		if (av->kind != N_STRING) {
			sema_err(s, av, "tseries() aggregation must be a string literal");
			return false;
		}
		for (agg = TS_AVG; agg <= TS_COUNT; agg++)
			if (!strcmp(av->str, ts_aggs[agg]))
				break;
		if (agg > TS_COUNT) {
			sema_err(s, av,
				 "tseries() aggregation must be one of avg, max, min, sum or count "
				 "(\"%s\" given)",
				 av->str);
			return false;
		}
	}
	if (md->agg == AGG_TSERIES && md->value &&
	    (md->ts_interval != interval || md->ts_num != num || (int)md->ts_agg != agg)) {
		sema_err(s, call,
			 "%s already uses tseries() with a different interval, "
			 "number of intervals or aggregation",
			 md->name);
		return false;
	}
	md->ts_interval = interval;
	md->ts_num = num;
	md->ts_agg = (enum tseries_agg)agg;
	return true;
}
