// SPDX-License-Identifier: GPL-2.0
/*
 * Printing tseries() maps. Each BPF entry is one interval of one key
 * (user key + u64 epoch -> struct agg_tseries). The window is the
 * num_intervals epochs ending at the latest epoch of the whole map; a key
 * prints from its first interval in the window to that end, an interval
 * without a value as "-" (null in JSON). The graph: the value axis is 53
 * columns between '|' marks, a point is 'o', '.' marks zero when the axis
 * spans it; equal minimum and maximum widen by one each way.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>

#include "runtime/output.h"

#define TS_WIDTH 53
#define TS_PAD	 21

struct ts_row {
	uint8_t *key;
	uint64_t epoch;
	struct agg_tseries v;
};

struct ts_ctx {
	const struct map_desc *m;
	uint32_t ks; /* user key bytes */
};

static int row_cmp(const void *pa, const void *pb, void *arg)
{
	const struct ts_ctx *c = arg;
	const struct ts_row *a = pa, *b = pb;
	int r = out_map_key_cmp(c->m->key, a->key, b->key);

	if (!r)
		r = memcmp(a->key, b->key, c->ks);
	if (!r)
		r = a->epoch < b->epoch ? -1 : a->epoch > b->epoch;
	return r;
}

static int read_rows(const struct map_desc *m, uint32_t ks, struct ts_row **out, size_t *nout)
{
	uint32_t bks = ks + 8;
	uint8_t *cur = xcalloc(1, bks), *next = xcalloc(1, bks);
	struct ts_row *rows = NULL;
	size_t n = 0, cap = 0;
	bool first = true;
	int err = 0;

	for (;;) {
		struct agg_tseries v;
		if (bpf_map_get_next_key(m->fd, first ? NULL : cur, next)) {
			if (errno != ENOENT)
				err = -errno;
			break;
		}
		first = false;
		memcpy(cur, next, bks);
		if (bpf_map_lookup_elem(m->fd, cur, &v) || !v.count)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			rows = xrealloc(rows, cap * sizeof(*rows));
		}
		rows[n].key = xmalloc(ks ? ks : 1);
		memcpy(rows[n].key, cur, ks);
		memcpy(&rows[n].epoch, cur + ks, 8);
		rows[n].v = v;
		n++;
	}
	free(cur);
	free(next);
	*out = rows;
	*nout = n;
	return err;
}

static int64_t row_value(const struct map_desc *m, const struct ts_row *r)
{
	if (m->ts_agg == TS_AVG)
		return r->v.value / (int64_t)r->v.count;
	return r->v.value;
}

/* Digits after the seconds: by the interval's unit, as bpftrace picks it. */
static int frac_digits(int64_t interval)
{
	if (interval % 1000000000 == 0)
		return 0;
	if (interval % 1000000 == 0)
		return 3;
	if (interval % 1000 == 0)
		return 6;
	return 9;
}

static int64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The wall-clock start of epoch: HH:MM:SS[.fff] in text, ISO 8601 in JSON. */
static void epoch_time(struct strbuf *sb, const struct map_desc *m, uint64_t epoch, bool iso)
{
	int64_t wall = (int64_t)epoch * m->ts_interval +
		       (clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_BOOTTIME));
	time_t t = (time_t)(wall / 1000000000);
	int64_t ns = wall % 1000000000;
	int digits = iso ? 9 : frac_digits(m->ts_interval);
	struct tm tm;
	char buf[64];

	localtime_r(&t, &tm);
	strftime(buf, sizeof(buf), iso ? "%Y-%m-%dT%H:%M:%S" : "%H:%M:%S", &tm);
	sb_puts(sb, buf);
	if (digits) {
		int64_t f = ns;
		for (int i = digits; i < 9; i++)
			f /= 10;
		sb_printf(sb, ".%0*" PRId64, digits, f);
	}
}

static void graph(struct strbuf *sb, const struct map_desc *m, const struct ts_row *r, size_t n,
		  uint64_t from, uint64_t last, bool fixed, int64_t amin, int64_t amax)
{
	static const char *const units[] = {"", "",	   "", ".mmm", "",
					    "", ".uuuuuu", "", "",     ".nnnnnnnnn"};
	int digits = frac_digits(m->ts_interval);
	int tsize = 8 + (digits ? 1 + digits : 0);
	int64_t lo = amin, hi = amax;
	size_t i = 0;

	if (!fixed) {
		lo = hi = row_value(m, &r[0]);
		for (size_t k = 1; k < n; k++) {
			int64_t v = row_value(m, &r[k]);
			lo = v < lo ? v : lo;
			hi = v > hi ? v : hi;
		}
		if (lo == hi) {
			if (lo > INT64_MIN)
				lo--;
			if (hi < INT64_MAX)
				hi++;
		}
	}
	double span = (double)hi - (double)lo;
	int zero = 0;
	if (lo < 0 && hi > 0)
		zero = (int)((float)TS_WIDTH * (float)(0.0 - (double)lo) / (float)span);

	sb_printf(sb, "%-*s ", tsize + 1, digits ? "" : "hh:mm:ss");
	if (digits) {
		sb->len -= (size_t)tsize + 2;
		sb_printf(sb, "hh:mm:ss%-*s ", tsize + 1 - 8, units[digits]);
	}
	for (int k = 0; k < TS_WIDTH - 2; k++)
		sb_putc(sb, '_');
	sb_putc(sb, '\n');
	for (uint64_t e = from; e <= last; e++) {
		char line[TS_WIDTH + 1];
		memset(line, ' ', TS_WIDTH);
		line[TS_WIDTH] = 0;
		line[0] = line[TS_WIDTH - 1] = '|';
		if (zero > 0)
			line[zero] = '.';
		epoch_time(sb, m, e, false);
		sb_putc(sb, ' ');
		while (i < n && r[i].epoch < e)
			i++;
		if (i < n && r[i].epoch == e) {
			int64_t v = row_value(m, &r[i]);
			int off = TS_WIDTH / 2;
			if (lo != hi) {
				/* float as bpftrace computes it; off the fixed axis: its ends */
				float f = (float)(TS_WIDTH - 1) * (float)((double)v - (double)lo) /
					  (float)span;
				off = f < 0 ? 0 : f > TS_WIDTH - 1 ? TS_WIDTH - 1 : (int)f;
			}
			line[off] = 'o';
			sb_printf(sb, "%s %" PRId64 "\n", line, v);
		} else {
			sb_printf(sb, "%s -\n", line);
		}
	}
	sb_printf(sb, "%*s v", tsize, "");
	for (int k = 0; k < TS_WIDTH - 2; k++)
		sb_putc(sb, '_');
	sb_puts(sb, "v\n");
	char l[32], h[32];
	snprintf(l, sizeof(l), "%" PRId64, lo);
	snprintf(h, sizeof(h), "%" PRId64, hi);
	sb_printf(sb, "%*s %-*s%*s\n", tsize, "", TS_PAD, l, TS_WIDTH - TS_PAD, h);
}

static void series_json(struct strbuf *sb, const struct map_desc *m, const struct ts_row *r,
			size_t n, uint64_t from, uint64_t last)
{
	size_t i = 0;

	sb_putc(sb, '[');
	for (uint64_t e = from; n && e <= last; e++) {
		if (e > from)
			sb_puts(sb, ", ");
		sb_puts(sb, "{\"interval_start\": \"");
		epoch_time(sb, m, e, true);
		sb_puts(sb, "\", \"value\": ");
		while (i < n && r[i].epoch < e)
			i++;
		if (i < n && r[i].epoch == e)
			json_int(sb, row_value(m, &r[i]));
		else
			sb_puts(sb, "null");
		sb_putc(sb, '}');
	}
	sb_putc(sb, ']');
}

int out_tseries(struct output *o, const struct map_desc *m, int64_t min, int64_t max, bool at_exit)
{
	struct ts_ctx c = {.m = m, .ks = m->key_size >= 8 ? m->key_size - 8 : 0};
	bool json = o->format == OUT_JSON, fixed = min < max; /* else from the values */
	struct ts_row *rows;
	size_t n, k = 0, keys = 0;
	uint64_t last = 0, lo;
	struct strbuf sb;
	int err = read_rows(m, c.ks, &rows, &n);

	for (size_t i = 0; i < n; i++)
		last = rows[i].epoch > last ? rows[i].epoch : last;
	lo = last >= (uint64_t)m->ts_num ? last - (uint64_t)m->ts_num + 1 : 0;
	/* drop intervals that left the window */
	for (size_t i = 0; i < n; i++) {
		if (rows[i].epoch >= lo)
			rows[k++] = rows[i];
		else
			free(rows[i].key);
	}
	n = k;
	if (err || (!n && at_exit)) {
		for (size_t i = 0; i < n; i++)
			free(rows[i].key);
		free(rows);
		return err;
	}
	if (n) /* rows is NULL when the map is empty */
		qsort_r(rows, n, sizeof(*rows), row_cmp, &c);
	sb_init(&sb);
	if (json) {
		sb_puts(&sb, "{\"type\": \"tseries\", \"data\": {");
		json_str(&sb, m->name, strlen(m->name));
		sb_puts(&sb, ": ");
		if (m->key)
			sb_putc(&sb, '{');
	} else if (!n) {
		sb_printf(&sb, "%s:\n<no data>\n", m->name);
	}
	for (size_t i = 0; i < n; keys++) {
		size_t j = i + 1;
		while (j < n && !memcmp(rows[j].key, rows[i].key, c.ks))
			j++;
		if (json) {
			if (m->key) {
				if (keys)
					sb_puts(&sb, ", ");
				out_map_key_json(&sb, o, m, rows[i].key);
				sb_puts(&sb, ": ");
			}
			series_json(&sb, m, rows + i, j - i, rows[i].epoch, last);
		} else {
			sb_puts(&sb, m->name);
			if (m->key) {
				sb_putc(&sb, '[');
				out_map_key_text(&sb, o, m, rows[i].key);
				sb_putc(&sb, ']');
			}
			sb_puts(&sb, ":\n");
			graph(&sb, m, rows + i, j - i, rows[i].epoch, last, fixed, min, max);
			sb_putc(&sb, '\n');
		}
		i = j;
	}
	if (json) {
		if (m->key)
			sb_putc(&sb, '}');
		else if (!n)
			sb_puts(&sb, "[]");
		sb_puts(&sb, "}}\n");
	}
	if (sb.len && fwrite(sb.buf, 1, sb.len, o->f) != sb.len)
		err = -EIO;
	sb_free(&sb);
	for (size_t i = 0; i < n; i++)
		free(rows[i].key);
	free(rows);
	return err;
}
