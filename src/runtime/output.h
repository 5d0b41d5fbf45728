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
	OUT_FOLDED, /* maps keyed by stacks as folded lines "a;b;c N"; the rest as text */
};

struct output {
	FILE *f;
	enum out_format format;
	const struct program *prog;
	int ncpus; /* possible CPUs, for per-CPU value arrays; <= 0: ask libbpf */
	/*
	 * Print as bpftrace 0.17 does instead of current bpftrace: "@h: " hist
	 * headers with a trailing space, a blank line after avg/stats maps,
	 * "count C, average A, total T" stats, 0.17 lhist labels, bars scaled
	 * on undivided counts, parens kept on string keys.
	 */
	bool compat_v017;
};

/*
 * Format a user printf: fmt is the script's format string, args describe
 * where each argument lives in rec (rec points just after the u64 event
 * id). Conversions d i u o x X c s p with flags (- 0 + space #), width,
 * precision and length modifiers (hh h l ll z j t). As in bpftrace (0.17
 * and current), the argument is first widened to 64 bits by its own type
 * (sign- or zero-extended), then cast to the C type that the conversion and
 * length modifier name: "%d" of 1 << 40 prints 0, "%u" of -1 prints
 * 4294967295, "%lu" of -1 prints 18446744073709551615, "%p" of 0 prints
 * "(nil)". "%s" of a non-string prints out_value() of it.
 */
void out_printf(struct strbuf *sb, const struct program *p, const char *fmt,
		const struct event_arg *args, int nargs, const void *rec);

/*
 * Render one value as text: ints, bool, strings (up to the first NUL),
 * pointers "0x1f", tuples "(1, abc)", records "{ .a = 1, .b = x }", probe
 * names, buffers (printable bytes kept, others "\xNN"). T_AGG prints
 * nothing; stacks and timestamps go to out_value_ext when it is set.
 */
void out_value(struct strbuf *sb, const struct program *p, const struct type *t, const void *data);
/* Whether a string value of len characters filled str()'s buffer (gets the trailer). */
bool out_str_truncated(const struct program *p, const struct type *t, size_t len);

/*
 * Optional renderer for values out_value cannot print alone (T_KSTACK,
 * T_USTACK, T_TIMESTAMP need symbols or a format): return true when it
 * appended the value to sb. NULL by default (timestamps print as a u64,
 * stacks as nothing).
 */
/* values.c: user names, ntop/macaddr, strerror, cgroup paths, strftime (true if printed). */
bool out_value_special(struct strbuf *sb, const struct program *p, const struct type *t,
		       const void *data);

/* cvalues.c: C structs/unions "{ .a = 1 }" and arrays "[1,2]". */
void out_c_value(struct strbuf *sb, const struct program *p, const struct type *t,
		 const uint8_t *d);

typedef bool (*out_value_fn)(struct strbuf *sb, const struct program *p, const struct type *t,
			     const void *data);
extern out_value_fn out_value_ext;

/*
 * Stacks (stack.c). out_stack_init: find the stack map of a loaded object
 * (before printing any). out_stack_text: a stack as bpftrace prints it, a
 * newline then one line per frame. out_stack_folded: one
 * stack as "outer;...;inner" (symbols without offsets) for -f folded.
 */
struct bpf_object;
void out_stack_init(struct bpf_object *obj);
/* Record the mappings of processes that took user stacks since last time. */
void out_stack_note_pids(void);
void out_stack_text(struct strbuf *sb, const struct type *t, const void *data);
void out_stack_folded(struct strbuf *sb, const struct type *t, const void *data);

/*
 * Histogram pieces, exactly as bpftrace prints them (hist.c).
 * out_hist_label: label of hist() bucket idx (0 = negatives) with k
 * sub-buckets: "(..., 0)", "[0]", "[1]", "[2, 4)", "[512, 1K)", "[4, 6)"...
 * out_lhist_label: label of lhist() bucket idx out of
 * agg_lhist_nbuckets(min, max, step): "(..., MIN)", "[a, b)" ("[a]" when
 * step is 1), "[MAX, ...)"; K/M suffixes when step is a multiple of 1024.
 * v017 selects bpftrace 0.17's lhist labels (no "[a]"; K/M whenever the
 * number is a multiple of 1024).
 * out_hist_bar: '@' x (int)(count / (float)max * 52), padded to 52.
 * out_hist_rows: the rows of one histogram (counts[0..n) by bucket index,
 * m says hist or lhist and its parameters), from the first to the last
 * non-zero bucket; hist counts are divided by div (lhist ignores div, as
 * bpftrace does). Each row: "%-16s%8llu |BAR|\n".
 */
void out_hist_label(struct strbuf *sb, int64_t idx, int k);
void out_lhist_label(struct strbuf *sb, int64_t idx, int64_t min, int64_t max, int64_t step,
		     bool v017);
void out_hist_bar(struct strbuf *sb, uint64_t count, uint64_t max);
void out_hist_rows(struct strbuf *sb, const struct map_desc *m, const uint64_t *counts, int64_t n,
		   int64_t div, bool v017);

/*
 * JSON pieces (json.c), in current bpftrace's layout. json_str: a quoted,
 * escaped string. json_int/json_uint: a number, or a string when a double
 * cannot hold it exactly. json_value: ints, bools, strings, tuples as
 * arrays, records as objects, anything else as its text in a string.
 * json_event: a whole line {"type": TYPE, "data": "s"}.
 */
void json_str(struct strbuf *sb, const char *s, size_t n);
void json_int(struct strbuf *sb, int64_t v);
void json_uint(struct strbuf *sb, uint64_t v);
void json_value(struct strbuf *sb, const struct program *p, const struct type *t, const void *data);
void json_event(struct strbuf *sb, const char *type, const char *s, size_t n);

/*
 * Print one map (as at exit or print(@m, top, div)): reads every key,
 * sums per-CPU values, sorts as bpftrace does and prints. top = 0 means
 * all; div = 0 means 1. Prints nothing for an empty map. Histograms end
 * with one blank line; print() callers add bpftrace 0.17's extra newline
 * themselves if they want it. With OUT_JSON, one line in
 * bpftrace's schema: {"type": "map"|"hist"|"stats", "data": {"@m": ...}}.
 * Returns 0, or -errno / -1.
 */
int out_map(struct output *o, const struct map_desc *m, int64_t top, int64_t div);

/*
 * A tseries() map (tseries.c): per key, the intervals from its first
 * value in the window of num_intervals ending at the map's latest one, as
 * bpftrace's graph, or {"type": "tseries", ...} in JSON. print(@m, min,
 * max) fixes the graph's axis (top/div here; both 0: from the values).
 */
int out_tseries(struct output *o, const struct map_desc *m, int64_t min, int64_t max, bool at_exit);
/* Map keys as the report writes them (mapprint.c): text without tuple
 * parens, JSON strings; key_cmp orders them as bpftrace does. */
void out_map_key_text(struct strbuf *sb, const struct output *o, const struct map_desc *m,
		      const uint8_t *key);
void out_map_key_json(struct strbuf *sb, const struct output *o, const struct map_desc *m,
		      const uint8_t *key);
int out_map_key_cmp(const struct type *t, const uint8_t *a, const uint8_t *b);

/* The report at exit: every non-empty map, sorted by name as bpftrace sorts them. */
int out_all_maps(struct output *o);

/* clear(@m): delete every key. zero(@m): set every value to zero. */
int out_map_clear(const struct map_desc *m);
int out_map_zero(const struct map_desc *m, int ncpus);

#endif
