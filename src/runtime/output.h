/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Output: printf formatting, value printing and the map report, in
 * bpftrace's text format. Reads maps through their fds, sums per-CPU
 * values, decodes into values and renders them; never sees the AST.
 */
#ifndef SONDE_OUTPUT_H
#define SONDE_OUTPUT_H

#include "prog/prog.h"

enum out_format {
	OUT_TEXT,
	OUT_JSON,
};

struct output {
	FILE *f;
	enum out_format format;
	const struct program *prog;
	int ncpus; /* possible CPUs, for per-CPU value arrays */
};

/*
 * Format a user printf: fmt is the script's format string, args describe
 * where each argument lives in rec (rec points just after the u64 event
 * id). Conversions d i u o x X c s p with flags, width, precision and
 * length modifiers (l ll h hh z j are accepted and ignored: the argument's
 * type decides its size).
 */
void out_printf(struct strbuf *sb, const struct program *p, const char *fmt,
		const struct event_arg *args, int nargs, const void *rec);

/* Render one value as text: ints, bool, strings, tuples "(1, abc)", probe names. */
void out_value(struct strbuf *sb, const struct program *p, const struct type *t, const void *data);

/*
 * Print one map (as at exit or print(@m, top, div)): reads every key,
 * sums per-CPU values, sorts as bpftrace does and prints. top = 0 means
 * all; div = 0 means 1. Prints nothing for an empty map.
 */
int out_map(struct output *o, const struct map_desc *m, int64_t top, int64_t div);

/* The report at exit: every non-empty map, sorted by name as bpftrace sorts them. */
int out_all_maps(struct output *o);

/* clear(@m): delete every key. zero(@m): set every value to zero. */
int out_map_clear(const struct map_desc *m);
int out_map_zero(const struct map_desc *m, int ncpus);

#endif
