// SPDX-License-Identifier: GPL-2.0
/*
 * Histogram rows as bpftrace prints them: bucket labels for hist() and
 * lhist(), the '@' bar and the row layout. Bucket maths come from
 * prog/agg.c; the label rules follow bpftrace's build_histogram() /
 * build_linear_histogram() and its text emitter.
 */
#include <inttypes.h>
#include <string.h>

#include "runtime/output.h"

#define BAR_WIDTH 52

/*
 * Upper bound of hist() bucket idx (idx > 2 << k), printed with a K/M/G...
 * suffix chosen by the power of two of the sub-bucket size, as bpftrace's
 * hist_index_label() does (so with k = 2, 1024 prints as "1024").
 */
static void hist_bound_sym(struct strbuf *sb, int64_t idx, int k)
{
	uint64_t n = (uint64_t)1 << k;
	uint64_t interval = (uint64_t)idx & (n - 1);
	uint64_t power = ((uint64_t)idx >> k) - 1;
	uint64_t decade = power / 10;
	static const char suffix[] = "\0KMGTPE";

	power -= 10 * decade;
	sb_printf(sb, "%" PRIu64, ((uint64_t)1 << power) * (n + interval));
	if (decade < sizeof(suffix) - 1 && suffix[decade])
		sb_putc(sb, suffix[decade]);
}

/* Upper bound of bucket idx: a plain integer up to 2 << k, else symbolic. */
static void hist_bound(struct strbuf *sb, int64_t idx, int k)
{
	if (idx <= ((int64_t)2 << k))
		sb_printf(sb, "%" PRId64, idx);
	else
		hist_bound_sym(sb, idx, k);
}

void out_hist_label(struct strbuf *sb, int64_t idx, int k)
{
	int64_t single = (int64_t)2 << k;

	if (idx <= 0) {
		sb_puts(sb, "(..., 0)");
		return;
	}
	/* Buckets 1 .. 2 << k hold the single value idx - 1. */
	if (idx <= single) {
		sb_printf(sb, "[%" PRId64 "]", idx - 1);
		return;
	}
	sb_putc(sb, '[');
	hist_bound(sb, idx - 1, k);
	sb_puts(sb, ", ");
	hist_bound(sb, idx, k);
	sb_putc(sb, ')');
}

static void lhist_number(struct strbuf *sb, int64_t v, int64_t step, bool v017)
{
	const int64_t kilo = 1024, mega = 1024 * 1024;

	if ((!v017 && step % kilo != 0) || v == 0)
		sb_printf(sb, "%" PRId64, v);
	else if (v % mega == 0)
		sb_printf(sb, "%" PRId64 "M", v / mega);
	else if (v % kilo == 0)
		sb_printf(sb, "%" PRId64 "K", v / kilo);
	else
		sb_printf(sb, "%" PRId64, v);
}

void out_lhist_label(struct strbuf *sb, int64_t idx, int64_t min, int64_t max, int64_t step,
		     bool v017)
{
	int64_t nb;

	if (step <= 0)
		step = 1;
	nb = agg_lhist_nbuckets(min, max, step);
	if (idx <= 0) {
		sb_puts(sb, "(..., ");
		lhist_number(sb, min, step, v017);
		sb_putc(sb, ')');
		return;
	}
	if (idx >= nb - 1) {
		sb_putc(sb, '[');
		lhist_number(sb, max, step, v017);
		sb_puts(sb, ", ...)");
		return;
	}
	int64_t a = min + (idx - 1) * step, b = min + idx * step;
	/* Current bpftrace prints integer bounds one apart as a single value. */
	if (!v017 && step % 1024 != 0 && a + 1 == b) {
		sb_printf(sb, "[%" PRId64 "]", a);
		return;
	}
	sb_putc(sb, '[');
	lhist_number(sb, a, step, v017);
	sb_puts(sb, ", ");
	lhist_number(sb, b, step, v017);
	sb_putc(sb, ')');
}

void out_hist_bar(struct strbuf *sb, uint64_t count, uint64_t max)
{
	int w = 0;

	/* Float maths, as bpftrace: (int)(count / (float)max * 52). */
	if (max > 0)
		w = (int)((float)count / (float)max * (float)BAR_WIDTH);
	if (w < 0)
		w = 0;
	if (w > BAR_WIDTH)
		w = BAR_WIDTH;
	for (int i = 0; i < w; i++)
		sb_putc(sb, '@');
	for (int i = w; i < BAR_WIDTH; i++)
		sb_putc(sb, ' ');
}

void out_hist_rows(struct strbuf *sb, const struct map_desc *m, const uint64_t *counts, int64_t n,
		   int64_t div, bool v017)
{
	int64_t first = -1, last = -1;
	uint64_t max = 0, d = div > 0 ? (uint64_t)div : 1;
	bool lin = m->agg == AGG_LHIST;
	struct strbuf label;

	if (lin)
		d = 1; /* div has no effect on linear histograms */
	for (int64_t i = 0; i < n; i++) {
		if (!counts[i])
			continue;
		if (first < 0)
			first = i;
		last = i;
	}
	if (first < 0)
		return;
	/* Current bpftrace scales bars on the divided counts, 0.17 on the raw ones. */
	for (int64_t i = first; i <= last; i++) {
		uint64_t c = v017 ? counts[i] : counts[i] / d;
		if (c > max)
			max = c;
	}
	sb_init(&label);
	for (int64_t i = first; i <= last; i++) {
		sb_reset(&label);
		if (lin)
			out_lhist_label(&label, i, m->lhist_min, m->lhist_max, m->lhist_step, v017);
		else
			out_hist_label(&label, i, m->hist_k);
		sb_printf(sb, "%-16s%8" PRIu64 " |", label.buf, counts[i] / d);
		out_hist_bar(sb, v017 ? counts[i] : counts[i] / d, max);
		sb_puts(sb, "|\n");
	}
	sb_free(&label);
}
