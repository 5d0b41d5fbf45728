// SPDX-License-Identifier: GPL-2.0
/*
 * The map report. A map is read in two steps so that JSON can reuse the
 * first: decode (walk the BPF map, sum per-CPU values, group histogram
 * rows by user key) into a list of entries, sort them as bpftrace does,
 * then render as text or as JSON.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "runtime/output.h"

/* One map entry, per-CPU values already summed. */
struct mentry {
	uint8_t *key;	   /* user key bytes (ukey_size; a scalar map has its u64 0) */
	uint8_t *val;	   /* AGG_NONE: the value bytes */
	int64_t v;	   /* count (as u64 bits), sum, min, max */
	int64_t total;	   /* avg, stats */
	uint64_t count;	   /* avg, stats */
	uint64_t *buckets; /* hist, lhist: nbuckets counts */
	uint64_t hist_sum; /* hist, lhist: total count, the sort key */
	size_t order;	   /* kernel order, the last tie-break */
};

struct mdata {
	const struct map_desc *m;
	struct mentry *e;
	size_t n, cap;
	uint32_t ukey_size;
	int64_t nbuckets;
};

static int ncpus_of(int n)
{
	if (n > 0)
		return n;
	n = libbpf_num_possible_cpus();
	return n > 0 ? n : 1;
}

static bool is_hist(const struct map_desc *m)
{
	return m->agg == AGG_HIST || m->agg == AGG_LHIST;
}

static int64_t hist_nbuckets(const struct map_desc *m)
{
	if (m->agg == AGG_HIST)
		return agg_hist_bucket(INT64_MAX, m->hist_k) + 1;
	if (m->lhist_step <= 0)
		return 2;
	return agg_lhist_nbuckets(m->lhist_min, m->lhist_max, m->lhist_step);
}

static struct mentry *mdata_add(struct mdata *d, const uint8_t *ukey)
{
	struct mentry *e;

	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 16;
		d->e = xrealloc(d->e, d->cap * sizeof(*d->e));
	}
	e = &d->e[d->n];
	memset(e, 0, sizeof(*e));
	e->order = d->n++;
	e->key = xmalloc(d->ukey_size ? d->ukey_size : 1);
	memcpy(e->key, ukey, d->ukey_size);
	return e;
}

static void mdata_free(struct mdata *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->e[i].key);
		free(d->e[i].val);
		free(d->e[i].buckets);
	}
	free(d->e);
	memset(d, 0, sizeof(*d));
}

/* Sum the per-CPU copies of one value into e (vals holds ncpus copies, stride apart). */
static void decode_value(const struct map_desc *m, struct mentry *e, const uint8_t *vals, int ncpus,
			 size_t stride)
{
	bool any = false;

	for (int c = 0; c < ncpus; c++) {
		const uint8_t *v = vals + (size_t)c * stride;
		switch (m->agg) {
		case AGG_COUNT:
		case AGG_SUM: {
			uint64_t x;
			memcpy(&x, v, 8);
			e->v = (int64_t)((uint64_t)e->v + x);
			break;
		}
		case AGG_AVG:
		case AGG_STATS: {
			struct agg_avg a;
			memcpy(&a, v, sizeof(a));
			e->total = (int64_t)((uint64_t)e->total + (uint64_t)a.total);
			e->count += a.count;
			break;
		}
		case AGG_MIN:
		case AGG_MAX: {
			struct agg_minmax mm;
			memcpy(&mm, v, sizeof(mm));
			if (!mm.set)
				break;
			if (!any || (m->agg == AGG_MAX ? mm.value > e->v : mm.value < e->v))
				e->v = mm.value;
			any = true;
			break;
		}
		default:
			break;
		}
	}
}

static int hist_row_cmp(const void *a, const void *b, void *arg)
{
	const uint32_t ks = *(const uint32_t *)arg;
	int r = memcmp(a, b, ks);

	if (r)
		return r;
	uint64_t x, y;
	memcpy(&x, (const uint8_t *)a + ks, 8);
	memcpy(&y, (const uint8_t *)b + ks, 8);
	return x < y ? -1 : x > y;
}

/*
 * Read every key of m. Histogram rows (user key + u64 bucket -> count)
 * are collected as [key bytes | count], sorted by key and folded into one
 * entry per user key.
 */
static int map_decode(const struct map_desc *m, int ncpus, struct mdata *d)
{
	uint32_t ks = m->key_size ? m->key_size : 8;
	size_t stride = ((size_t)m->value_size + 7) & ~(size_t)7;
	size_t vlen = m->percpu ? stride * (size_t)ncpus : m->value_size;
	uint8_t *cur = xcalloc(1, ks), *next = xcalloc(1, ks), *val = xcalloc(1, vlen ? vlen : 8);
	uint8_t *rows = NULL;
	size_t nrows = 0, caprows = 0, rowsz = (size_t)ks + 8;
	bool first = true;
	int err = 0;

	memset(d, 0, sizeof(*d));
	d->m = m;
	if (is_hist(m)) {
		d->ukey_size = ks >= 8 ? ks - 8 : 0;
		d->nbuckets = hist_nbuckets(m);
	} else {
		d->ukey_size = ks;
	}
	if (!m->percpu)
		ncpus = 1;
	for (;;) {
		if (bpf_map_get_next_key(m->fd, first ? NULL : cur, next)) {
			if (errno != ENOENT)
				err = -errno;
			break;
		}
		first = false;
		memcpy(cur, next, ks);
		if (bpf_map_lookup_elem(m->fd, cur, val))
			continue; /* deleted meanwhile */
		if (is_hist(m)) {
			uint64_t sum = 0, x;
			for (int c = 0; c < ncpus; c++) {
				memcpy(&x, val + (size_t)c * stride, 8);
				sum += x;
			}
			if (nrows == caprows) {
				caprows = caprows ? caprows * 2 : 64;
				rows = xrealloc(rows, caprows * rowsz);
			}
			memcpy(rows + nrows * rowsz, cur, ks);
			memcpy(rows + nrows * rowsz + ks, &sum, 8);
			nrows++;
			continue;
		}
		struct mentry *e = mdata_add(d, cur);
		if (m->agg == AGG_NONE) {
			e->val = xmalloc(m->value_size ? m->value_size : 1);
			memcpy(e->val, val, m->value_size);
		} else {
			decode_value(m, e, val, ncpus, stride);
		}
	}
	if (nrows) {
		uint32_t uks = d->ukey_size;
		qsort_r(rows, nrows, rowsz, hist_row_cmp, &uks);
		struct mentry *e = NULL;
		for (size_t i = 0; i < nrows; i++) {
			const uint8_t *r = rows + i * rowsz;
			uint64_t bucket, cnt;
			if (!e || memcmp(e->key, r, uks)) {
				e = mdata_add(d, r);
				e->buckets = xcalloc((size_t)d->nbuckets, sizeof(uint64_t));
			}
			memcpy(&bucket, r + uks, 8);
			memcpy(&cnt, r + ks, 8);
			if (bucket < (uint64_t)d->nbuckets)
				e->buckets[bucket] += cnt;
			e->hist_sum += cnt;
		}
	}
	free(rows);
	free(cur);
	free(next);
	free(val);
	return err;
}

/* Keys compare as bpftrace's sort_by_key: ints signed by size, strings bytewise, tuples fieldwise.
 */
static int cmp_i64(int64_t a, int64_t b)
{
	return a < b ? -1 : a > b;
}

static int cmp_u64(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

static int64_t load_s(const uint8_t *p, uint32_t size)
{
	int8_t i8;
	int16_t i16;
	int32_t i32;
	int64_t i64 = 0;

	switch (size) {
	case 1:
		memcpy(&i8, p, 1);
		return i8;
	case 2:
		memcpy(&i16, p, 2);
		return i16;
	case 4:
		memcpy(&i32, p, 4);
		return i32;
	default:
		memcpy(&i64, p, size < 8 ? size : 8);
		return i64;
	}
}

static uint64_t load_u(const uint8_t *p, uint32_t size)
{
	uint64_t v = (uint64_t)load_s(p, size);

	return size >= 8 ? v : v & (((uint64_t)1 << (size * 8)) - 1);
}

int out_map_key_cmp(const struct type *t, const uint8_t *a, const uint8_t *b)
{
	if (!t)
		return 0;
	switch (t->kind) {
	case T_INT:
		return cmp_i64(load_s(a, t->size), load_s(b, t->size));
	case T_STRING:
		return memcmp(a, b, t->size);
	case T_TUPLE:
		for (int i = 0; i < t->nfields; i++) {
			const struct type_field *f = &t->fields[i];
			int r = 0;
			if (f->type->kind == T_INT || f->type->kind == T_STRING)
				r = out_map_key_cmp(f->type, a + f->offset, b + f->offset);
			if (r)
				return r;
		}
		return 0;
	default:
		return 0;
	}
}

static int64_t avg_of(const struct mentry *e)
{
	return e->count ? e->total / (int64_t)e->count : 0;
}

/* The value order of bpftrace: 0 when m sorts by key only. */
static int value_cmp(const struct mdata *d, const struct mentry *a, const struct mentry *b)
{
	const struct map_desc *m = d->m;

	switch (m->agg) {
	case AGG_COUNT:
		return cmp_u64((uint64_t)a->v, (uint64_t)b->v);
	case AGG_SUM:
		return cmp_i64(a->v, b->v);
	case AGG_MIN:
	case AGG_MAX: /* bpftrace compares them as u64 */
		return cmp_u64((uint64_t)a->v, (uint64_t)b->v);
	case AGG_AVG:
	case AGG_STATS:
		return cmp_i64(avg_of(a), avg_of(b));
	case AGG_HIST:
	case AGG_LHIST:
		return cmp_u64(a->hist_sum, b->hist_sum);
	case AGG_TSERIES: /* printed by tseries.c */
		return 0;
	case AGG_NONE:
		if (m->value && m->value->kind == T_INT) {
			uint32_t sz = m->value->size;
			if (m->value->is_signed)
				return cmp_i64(load_s(a->val, sz), load_s(b->val, sz));
			return cmp_u64(load_u(a->val, sz), load_u(b->val, sz));
		}
		return 0;
	}
	return 0;
}

static int entry_cmp(const void *pa, const void *pb, void *arg)
{
	const struct mdata *d = arg;
	const struct mentry *a = pa, *b = pb;
	int r = value_cmp(d, a, b);

	if (!r)
		r = out_map_key_cmp(d->m->key, a->key, b->key);
	if (!r)
		r = memcmp(a->key, b->key, d->ukey_size);
	if (!r)
		r = a->order < b->order ? -1 : a->order > b->order;
	return r;
}

/* ---- text rendering ---- */

/* A pointer key prints in hex, as bpftrace prints it (@[0x7ffe83064880]); values stay decimal. */
static void ptr_key_or_value(struct strbuf *sb, const struct output *o, const struct map_desc *m,
			     const uint8_t *key)
{
	uint64_t v;

	if (m->key->kind != T_PTR) {
		out_value(sb, o->prog, m->key, key);
		return;
	}
	memcpy(&v, key, sizeof(v));
	sb_printf(sb, "0x%" PRIx64, v);
}

void out_map_key_text(struct strbuf *sb, const struct output *o, const struct map_desc *m,
		      const uint8_t *key)
{
	struct strbuf k;
	const char *s;
	size_t n;

	sb_init(&k);
	ptr_key_or_value(&k, o, m, key);
	s = k.buf ? k.buf : "";
	n = k.len;
	/*
	 * Current bpftrace drops the outer parens of any key text that starts
	 * with '(' and ends with ')' (meant for tuples); 0.17 only had tuples.
	 */
	bool strip = o->compat_v017 ? m->key->kind == T_TUPLE : n >= 2;
	if (strip && n >= 2 && s[0] == '(' && s[n - 1] == ')')
		sb_add(sb, s + 1, n - 2);
	else
		sb_add(sb, s, n);
	sb_free(&k);
}

static void value_text(struct strbuf *sb, const struct output *o, const struct map_desc *m,
		       const struct mentry *e, int64_t div)
{
	switch (m->agg) {
	case AGG_COUNT:
		sb_printf(sb, "%" PRIu64, (uint64_t)e->v / (uint64_t)div);
		break;
	case AGG_SUM:
	case AGG_MIN:
	case AGG_MAX:
		sb_printf(sb, "%" PRId64, e->v / div);
		break;
	case AGG_AVG:
		sb_printf(sb, "%" PRId64, avg_of(e) / div);
		break;
	case AGG_STATS:
		if (o->compat_v017)
			sb_printf(sb, "count %" PRIu64 ", average %" PRId64 ", total %" PRId64,
				  e->count, avg_of(e) / div, e->total);
		else
			sb_printf(sb,
				  "{ .count = %" PRIu64 ", .average = %" PRId64
				  ", .total = %" PRId64 " }",
				  e->count, avg_of(e) / div, e->total);
		break;
	case AGG_NONE:
		if (m->value && m->value->kind == T_INT && m->value->size <= 8 &&
		    !(m->value->name && div == 1)) { /* an enum prints its names */
			uint32_t sz = m->value->size;
			if (m->value->is_signed)
				sb_printf(sb, "%" PRId64, load_s(e->val, sz) / div);
			else
				sb_printf(sb, "%" PRIu64, load_u(e->val, sz) / (uint64_t)div);
		} else {
			out_value(sb, o->prog, m->value, e->val);
		}
		break;
	default:
		break;
	}
}

static void render_text(struct strbuf *sb, const struct output *o, const struct mdata *d,
			size_t from, int64_t div)
{
	const struct map_desc *m = d->m;
	const char *hdr_end = o->compat_v017 ? ": \n" : ":\n";

	for (size_t i = from; i < d->n; i++) {
		const struct mentry *e = &d->e[i];

		sb_puts(sb, m->name);
		if (m->key) {
			sb_putc(sb, '[');
			out_map_key_text(sb, o, m, e->key);
			sb_putc(sb, ']');
		}
		if (is_hist(m)) {
			sb_puts(sb, hdr_end);
			out_hist_rows(sb, m, e->buckets, d->nbuckets, div, o->compat_v017);
			sb_putc(sb, '\n');
			continue;
		}
		sb_puts(sb, ": ");
		value_text(sb, o, m, e, div);
		sb_putc(sb, '\n');
	}
	if (o->compat_v017 && (m->agg == AGG_AVG || m->agg == AGG_STATS))
		sb_putc(sb, '\n');
}

/* ---- folded stacks (-f folded) ---- */

static bool is_stack(const struct type *t)
{
	return t && (t->kind == T_KSTACK || t->kind == T_USTACK) && STACK_TYPE_MODE(t) != STACK_SYM;
}

static bool key_has_stack(const struct type *k)
{
	if (is_stack(k))
		return true;
	if (k && k->kind == T_TUPLE)
		for (int i = 0; i < k->nfields; i++)
			if (is_stack(k->fields[i].type))
				return true;
	return false;
}

/* One key part: a stack as "outer;...;inner", anything else as its text. */
static void folded_part(struct strbuf *sb, const struct output *o, const struct type *t,
			const uint8_t *data)
{
	if (is_stack(t))
		out_stack_folded(sb, t, data);
	else
		out_value(sb, o->prog, t, data);
}

struct fline {
	char *text;
	int64_t v;
	const struct mentry *e;
};

static int fline_cmp(const void *a, const void *b)
{
	return strcmp(((const struct fline *)a)->text, ((const struct fline *)b)->text);
}

/*
 * "comm;outer;...;inner VALUE", one line per distinct stack, as
 * flamegraph.pl reads it. Stacks that differ only in offsets fold into
 * one line: counts and sums add up.
 */
static void render_folded(struct strbuf *sb, const struct output *o, const struct mdata *d,
			  size_t from, int64_t div)
{
	const struct map_desc *m = d->m;
	const struct type *k = m->key;
	bool additive = m->agg == AGG_COUNT || m->agg == AGG_SUM ||
			(m->agg == AGG_NONE && m->value && m->value->kind == T_INT);
	struct fline *fl = xcalloc(d->n - from + 1, sizeof(*fl));
	size_t n = 0;

	for (size_t i = from; i < d->n; i++) {
		const struct mentry *e = &d->e[i];
		struct strbuf line;
		sb_init(&line);
		if (k->kind == T_TUPLE) {
			for (int f = 0; f < k->nfields; f++) {
				size_t before = line.len;
				if (line.len)
					sb_putc(&line, ';');
				folded_part(&line, o, k->fields[f].type,
					    e->key + k->fields[f].offset);
				if (line.len == before + 1)
					line.len = before; /* an empty stack adds nothing */
			}
		} else {
			folded_part(&line, o, k, e->key);
		}
		sb_putc(&line, 0); /* make sure buf exists */
		fl[n].text = line.buf;
		fl[n].e = e;
		if (additive) {
			struct strbuf v;
			sb_init(&v);
			value_text(&v, o, m, e, div);
			fl[n].v = strtoll(v.buf ? v.buf : "0", NULL, 10);
			sb_free(&v);
		}
		n++;
	}
	if (additive && n) {
		qsort(fl, n, sizeof(*fl), fline_cmp);
		size_t w = 0;
		for (size_t i = 1; i < n; i++) {
			if (!strcmp(fl[w].text, fl[i].text)) {
				fl[w].v += fl[i].v;
				free(fl[i].text);
			} else {
				fl[++w] = fl[i];
			}
		}
		n = w + 1;
	}
	for (size_t i = 0; i < n; i++) {
		sb_puts(sb, fl[i].text);
		sb_putc(sb, ' ');
		if (additive)
			sb_printf(sb, "%" PRId64, fl[i].v);
		else
			value_text(sb, o, m, fl[i].e, div);
		sb_putc(sb, '\n');
		free(fl[i].text);
	}
	free(fl);
}

/* ---- JSON rendering (-f json) ---- */

/* t with its enums as plain ints: JSON keeps enum values as numbers. */
static const struct type *no_enums(const struct type *t)
{
	if (t && t->kind == T_INT && t->name)
		return type_int(t->size, t->is_signed);
	if (t && t->kind == T_TUPLE) {
		const struct type *el[t->nfields > 0 ? t->nfields : 1];
		const char *names[t->nfields > 0 ? t->nfields : 1];
		bool named = false;

		for (int i = 0; i < t->nfields; i++) {
			el[i] = no_enums(t->fields[i].type);
			names[i] = t->fields[i].name;
			named |= names[i] != NULL;
		}
		return type_tuple(t->nfields, el, named ? names : NULL);
	}
	return t;
}

/* Keys as bpftrace writes them: the text form, tuple parens and spaces dropped. */
void out_map_key_json(struct strbuf *sb, const struct output *o, const struct map_desc *m,
		      const uint8_t *key)
{
	struct strbuf k, t;
	const char *s;
	size_t n;

	sb_init(&k);
	sb_init(&t);
	if (m->key->kind == T_PTR)
		ptr_key_or_value(&k, o, m, key);
	else
		out_value(&k, o->prog, no_enums(m->key), key);
	s = k.buf ? k.buf : "";
	n = k.len;
	if (n >= 2 && s[0] == '(' && s[n - 1] == ')') {
		s++;
		n -= 2;
	}
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ')
			sb_putc(&t, s[i]);
	json_str(sb, t.buf ? t.buf : "", t.len);
	sb_free(&k);
	sb_free(&t);
}

/* One histogram: [{"min": a, "max": b, "count": c},...], non-zero range only. */
static void hist_json(struct strbuf *sb, const struct mdata *d, const uint64_t *counts, int64_t div)
{
	const struct map_desc *m = d->m;
	bool lin = m->agg == AGG_LHIST;
	uint64_t dv = !lin && div > 0 ? (uint64_t)div : 1;
	int64_t first = -1, last = -1, n = d->nbuckets;

	for (int64_t i = 0; i < n; i++) {
		if (!counts[i])
			continue;
		if (first < 0)
			first = i;
		last = i;
	}
	sb_putc(sb, '[');
	for (int64_t i = first; first >= 0 && i <= last; i++) {
		bool has_min = i > 0, has_max = true;
		int64_t lo = 0, hi = 0;
		if (lin) {
			has_max = i < n - 1;
			lo = i == n - 1 ? m->lhist_max : m->lhist_min + (i - 1) * m->lhist_step;
			hi = i == 0 ? m->lhist_min - 1 : lo + m->lhist_step - 1;
		} else {
			lo = agg_hist_bucket_low(i, m->hist_k);
			hi = i == 0	  ? -1
			     : i == n - 1 ? INT64_MAX
					  : agg_hist_bucket_low(i + 1, m->hist_k) - 1;
		}
		if (i > first)
			sb_putc(sb, ',');
		sb_putc(sb, '{');
		if (has_min) {
			sb_puts(sb, "\"min\": ");
			json_int(sb, lo);
			sb_puts(sb, ", ");
		}
		if (has_max) {
			sb_puts(sb, "\"max\": ");
			json_int(sb, hi);
			sb_puts(sb, ", ");
		}
		sb_puts(sb, "\"count\": ");
		json_uint(sb, counts[i] / dv);
		sb_putc(sb, '}');
	}
	sb_putc(sb, ']');
}

static void value_json(struct strbuf *sb, const struct output *o, const struct mdata *d,
		       const struct mentry *e, int64_t div)
{
	const struct map_desc *m = d->m;

	switch (m->agg) {
	case AGG_COUNT:
		json_uint(sb, (uint64_t)e->v / (uint64_t)div);
		break;
	case AGG_SUM:
	case AGG_MIN:
	case AGG_MAX:
		json_int(sb, e->v / div);
		break;
	case AGG_AVG:
		json_int(sb, avg_of(e) / div);
		break;
	case AGG_STATS:
		sb_puts(sb, "{\"count\": ");
		json_uint(sb, e->count);
		sb_puts(sb, ", \"average\": ");
		json_int(sb, avg_of(e) / div);
		sb_puts(sb, ", \"total\": ");
		json_int(sb, e->total);
		sb_putc(sb, '}');
		break;
	case AGG_HIST:
	case AGG_LHIST:
		hist_json(sb, d, e->buckets, div);
		break;
	case AGG_TSERIES: /* printed by tseries.c */
		break;
	case AGG_NONE:
		if (m->value && m->value->kind == T_INT && m->value->size <= 8 &&
		    !(m->value->name && div == 1)) { /* an enum prints its names */
			uint32_t sz = m->value->size;
			if (m->value->is_signed)
				json_int(sb, load_s(e->val, sz) / div);
			else
				json_uint(sb, load_u(e->val, sz) / (uint64_t)div);
		} else {
			json_value(sb, o->prog, m->value, e->val);
		}
		break;
	}
}

static void render_json(struct strbuf *sb, const struct output *o, const struct mdata *d,
			size_t from, int64_t div)
{
	const struct map_desc *m = d->m;
	const char *type = "map";

	if (is_hist(m))
		type = "hist";
	else if (m->agg == AGG_AVG || m->agg == AGG_STATS)
		type = "stats";
	sb_printf(sb, "{\"type\": \"%s\", \"data\": {", type);
	json_str(sb, m->name, strlen(m->name));
	sb_puts(sb, ": ");
	if (m->key)
		sb_putc(sb, '{');
	for (size_t i = from; i < d->n; i++) {
		if (m->key) {
			if (i > from)
				sb_puts(sb, ", ");
			out_map_key_json(sb, o, m, d->e[i].key);
			sb_puts(sb, ": ");
		}
		value_json(sb, o, d, &d->e[i], div);
		if (!m->key)
			break;
	}
	if (m->key)
		sb_putc(sb, '}');
	sb_puts(sb, "}}\n");
}

/*
 * print(@) of a keyless map that holds no value yet prints it as 0, as
 * bpftrace does; the report at exit leaves such maps out.
 */
static bool scalar_zero(struct mdata *d)
{
	const struct map_desc *m = d->m;
	uint32_t vsize = m->value && m->value->size ? m->value->size : 8;

	if (m->key ||
	    !(m->agg == AGG_COUNT || m->agg == AGG_SUM || m->agg == AGG_MIN || m->agg == AGG_MAX ||
	      m->agg == AGG_AVG || (m->agg == AGG_NONE && m->value && m->value->kind == T_INT)))
		return false;
	d->e = xcalloc(1, sizeof(*d->e));
	d->e->key = xcalloc(1, 8);
	d->e->val = xcalloc(1, vsize);
	d->n = d->cap = 1;
	return true;
}

static int print_map(struct output *o, const struct map_desc *m, int64_t top, int64_t div,
		     bool at_exit);

int out_map(struct output *o, const struct map_desc *m, int64_t top, int64_t div)
{
	return print_map(o, m, top, div, false);
}

static int print_map(struct output *o, const struct map_desc *m, int64_t top, int64_t div,
		     bool at_exit)
{
	struct mdata d;
	struct strbuf sb;
	size_t from = 0;
	int err;

	if (m->fd < 0)
		return -1;
	if (m->agg == AGG_TSERIES)
		return out_tseries(o, m, top, div, at_exit);
	err = map_decode(m, ncpus_of(o->ncpus), &d);
	if (err) {
		mdata_free(&d);
		return err;
	}
	if (!d.n && (at_exit || !scalar_zero(&d))) {
		mdata_free(&d);
		return 0;
	}
	if (div <= 0)
		div = 1;
	qsort_r(d.e, d.n, sizeof(*d.e), entry_cmp, &d);
	if (top > 0 && d.n > (size_t)top)
		from = d.n - (size_t)top;
	sb_init(&sb);
	if (o->format == OUT_JSON)
		render_json(&sb, o, &d, from, div);
	else if (o->format == OUT_FOLDED && !is_hist(m) && key_has_stack(m->key))
		render_folded(&sb, o, &d, from, div);
	else
		render_text(&sb, o, &d, from, div);
	if (sb.len && fwrite(sb.buf, 1, sb.len, o->f) != sb.len)
		err = -EIO;
	sb_free(&sb);
	mdata_free(&d);
	return err;
}

static int map_name_cmp(const void *a, const void *b)
{
	const struct map_desc *x = *(const struct map_desc *const *)a;
	const struct map_desc *y = *(const struct map_desc *const *)b;

	return strcmp(x->name, y->name);
}

int out_all_maps(struct output *o)
{
	const struct vec *maps = &o->prog->maps;
	const struct map_desc **v;
	int ret = 0;

	if (!maps->n)
		return 0;
	v = xmalloc(maps->n * sizeof(*v));
	for (size_t i = 0; i < maps->n; i++)
		v[i] = maps->v[i];
	if (maps->n > 1)
		qsort(v, maps->n, sizeof(*v), map_name_cmp);
	for (size_t i = 0; i < maps->n; i++) {
		int r;
		if (v[i]->fd < 0)
			continue;
		r = print_map(o, v[i], 0, 0, true);
		if (r && !ret)
			ret = r;
	}
	free(v);
	return ret;
}

int out_map_clear(const struct map_desc *m)
{
	uint32_t ks = m->key_size ? m->key_size : 8;
	size_t cap = (size_t)(m->max_entries ? m->max_entries : 4096) + 1, n = 0;
	uint8_t *keys, *prev = NULL;
	int err = 0;

	if (m->fd < 0)
		return -1;
	/*
	 * Snapshot the keys first, then delete them: probes may insert while
	 * we delete (clearing a map of syscall counts makes syscalls), so a
	 * "delete the first key until empty" loop might never end.
	 */
	keys = xcalloc(cap, ks);
	while (n < cap && !bpf_map_get_next_key(m->fd, prev, keys + n * ks)) {
		prev = keys + n * ks;
		n++;
	}
	for (size_t i = 0; i < n; i++)
		if (bpf_map_delete_elem(m->fd, keys + i * ks) && errno != ENOENT && !err)
			err = -errno;
	free(keys);
	return err;
}

int out_map_zero(const struct map_desc *m, int ncpus)
{
	uint32_t ks = m->key_size ? m->key_size : 8;
	size_t stride = ((size_t)m->value_size + 7) & ~(size_t)7;
	size_t vlen = m->percpu ? stride * (size_t)ncpus_of(ncpus) : m->value_size;
	uint8_t *cur = xcalloc(1, ks), *next = xcalloc(1, ks), *zero = xcalloc(1, vlen ? vlen : 8);
	bool first = true;
	int err = 0;

	if (m->fd < 0)
		err = -1;
	while (!err && !bpf_map_get_next_key(m->fd, first ? NULL : cur, next)) {
		first = false;
		memcpy(cur, next, ks);
		if (bpf_map_update_elem(m->fd, cur, zero, BPF_EXIST) && errno != ENOENT)
			err = -errno;
	}
	free(cur);
	free(next);
	free(zero);
	return err;
}
