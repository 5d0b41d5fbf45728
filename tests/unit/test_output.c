// SPDX-License-Identifier: GPL-2.0
/*
 * Output formatting without the kernel: printf, values, histogram labels,
 * bars and rows. Expected strings come from bpftrace (0.17 runs and the
 * current source) and glibc.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/output.h"

static int failures;

#define CHECK_STR(got, want)                                                                       \
	do {                                                                                       \
		const char *g_ = (got), *w_ = (want);                                              \
		if (strcmp(g_, w_)) {                                                              \
			fprintf(stderr, "%s:%d: FAIL %s\n  got:  [%s]\n  want: [%s]\n", __FILE__,  \
				__LINE__, #got, g_, w_);                                           \
			failures++;                                                                \
		}                                                                                  \
	} while (0)

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: FAIL %s\n", __FILE__, __LINE__, #cond);            \
			failures++;                                                                \
		}                                                                                  \
	} while (0)

static struct program prog;

/* A record builder: args laid out one after the other, 8-aligned. */
struct rec {
	uint8_t buf[512];
	uint32_t off;
	struct event_arg args[16];
	int n;
};

static void rec_add(struct rec *r, const struct type *t, const void *v)
{
	r->off = (r->off + 7) & ~7u;
	memcpy(r->buf + r->off, v, t->size);
	r->args[r->n].type = t;
	r->args[r->n].offset = r->off;
	r->n++;
	r->off += t->size;
}

static char outbuf[1024];

static const char *fmt_rec(const char *fmt, const struct rec *r)
{
	struct strbuf sb;

	sb_init(&sb);
	out_printf(&sb, &prog, fmt, r->args, r->n, r->buf);
	snprintf(outbuf, sizeof(outbuf), "%s", sb.buf ? sb.buf : "");
	sb_free(&sb);
	return outbuf;
}

/* printf with one integer argument of the given size and signedness. */
static const char *fmt_int(const char *fmt, unsigned size, bool sign, uint64_t v)
{
	struct rec r = {0};

	rec_add(&r, type_int(size, sign), &v); /* little-endian: the low bytes */
	return fmt_rec(fmt, &r);
}

static const char *fmt_str(const char *fmt, const char *s, unsigned size)
{
	struct rec r = {0};
	char b[256] = {0};

	strncpy(b, s, sizeof(b) - 1);
	rec_add(&r, type_string(size), b);
	return fmt_rec(fmt, &r);
}

static const char *value_str(const struct type *t, const void *data)
{
	struct strbuf sb;

	sb_init(&sb);
	out_value(&sb, &prog, t, data);
	snprintf(outbuf, sizeof(outbuf), "%s", sb.buf ? sb.buf : "");
	sb_free(&sb);
	return outbuf;
}

static void test_printf_ints(void)
{
	/* Verified with bpftrace 0.17 on this machine. */
	CHECK_STR(fmt_int("[%d]", 8, false, UINT64_MAX), "[-1]");
	CHECK_STR(fmt_int("[%u]", 8, false, UINT64_MAX), "[4294967295]");
	CHECK_STR(fmt_int("[%x]", 8, false, UINT64_MAX), "[ffffffff]");
	CHECK_STR(fmt_int("[%d]", 4, true, (uint32_t)-1), "[-1]");
	CHECK_STR(fmt_int("[%u]", 4, true, (uint32_t)-1), "[4294967295]");
	CHECK_STR(fmt_int("[%d]", 8, true, 1ULL << 40), "[0]");
	CHECK_STR(fmt_int("[%ld]", 8, true, 1ULL << 40), "[1099511627776]");
	CHECK_STR(fmt_int("[%lx]", 8, true, 1ULL << 40), "[10000000000]");
	CHECK_STR(fmt_int("[%o]", 1, false, 200), "[310]");
	CHECK_STR(fmt_int("[%X]", 1, false, 200), "[C8]");
	CHECK_STR(fmt_int("[%d]", 1, true, (uint8_t)-3), "[-3]");
	CHECK_STR(fmt_int("[%x]", 1, true, (uint8_t)-3), "[fffffffd]");
	CHECK_STR(fmt_int("[%hhd]", 8, true, 300), "[44]");
	CHECK_STR(fmt_int("[%hd]", 8, true, 70000), "[4464]");
	CHECK_STR(fmt_int("[%lu %ld]", 8, true, (uint64_t)-1), "[18446744073709551615 %ld]");
	CHECK_STR(fmt_int("[%lu]", 8, true, (uint64_t)-1), "[18446744073709551615]");
	CHECK_STR(fmt_int("[%lld]", 8, true, (uint64_t)-5), "[-5]");
	CHECK_STR(fmt_int("[%llu]", 8, false, UINT64_MAX), "[18446744073709551615]");
	CHECK_STR(fmt_int("[%zd]", 8, true, 65), "[65]");
	CHECK_STR(fmt_int("[%jd]", 8, true, 65), "[65]");
	CHECK_STR(fmt_int("[%llx]", 8, true, 65), "[41]");
	CHECK_STR(fmt_int("[%i]", 2, true, (uint16_t)-2), "[-2]");
	CHECK_STR(fmt_int("[%u]", 2, true, (uint16_t)-2), "[4294967294]");
	CHECK_STR(fmt_int("[%hu]", 2, true, (uint16_t)-2), "[65534]");
	CHECK_STR(fmt_int("[%hhu]", 2, true, (uint16_t)-2), "[254]");
	CHECK_STR(fmt_int("[%u]", 2, false, 65535), "[65535]");
	CHECK_STR(fmt_int("[%d]", 2, false, 65535), "[65535]");
	CHECK_STR(fmt_int("[%hd]", 2, false, 65535), "[-1]");
	/* Flags, width, precision. */
	CHECK_STR(fmt_int("[%5d|]", 8, true, 65), "[   65|]");
	CHECK_STR(fmt_int("[%-5d|]", 8, true, 65), "[65   |]");
	CHECK_STR(fmt_int("[%05d]", 8, true, 65), "[00065]");
	CHECK_STR(fmt_int("[%05d]", 8, true, (uint64_t)-65), "[-0065]");
	CHECK_STR(fmt_int("[%+d]", 8, true, 65), "[+65]");
	CHECK_STR(fmt_int("[% d]", 8, true, 65), "[ 65]");
	CHECK_STR(fmt_int("[%#x]", 8, true, 65), "[0x41]");
	CHECK_STR(fmt_int("[%#o]", 8, true, 8), "[010]");
	CHECK_STR(fmt_int("[%.3d]", 8, true, 65), "[065]");
	CHECK_STR(fmt_int("[%8.3d]", 8, true, 65), "[     065]");
	CHECK_STR(fmt_int("[%-08d|]", 8, true, 65), "[65      |]");
	CHECK_STR(fmt_int("[%.0d]", 8, true, 0), "[]");
	CHECK_STR(fmt_int("[%-8x|%08X]", 8, true, 3054), "[bee     |%08X]");
	/* %c, %p, %%. */
	CHECK_STR(fmt_int("[%c]", 8, true, 65), "[A]");
	CHECK_STR(fmt_int("[%c]", 8, true, 321), "[A]");
	CHECK_STR(fmt_int("[%3c]", 8, true, 66), "[  B]");
	CHECK_STR(fmt_int("[%p]", 8, false, 0x1234), "[0x1234]");
	CHECK_STR(fmt_int("[%p]", 8, false, 0), "[(nil)]");
	CHECK_STR(fmt_int("[%p]", 1, false, 3), "[0x3]");
	CHECK_STR(fmt_int("[%%] [%d] %%", 8, true, 5), "[%] [5] %");
	/* %s of an integer prints it (signed by its type), with width. */
	CHECK_STR(fmt_int("[%s]", 8, true, (uint64_t)-3), "[-3]");
	CHECK_STR(fmt_int("[%5s]", 8, false, 42), "[   42]");
	/* No argument left: the conversion is copied. */
	CHECK_STR(fmt_int("%d %d", 8, true, 1), "1 %d");
	CHECK_STR(fmt_int("no conv\n", 8, true, 1), "no conv\n");
}

static void test_printf_mixed(void)
{
	struct rec r = {0};
	int64_t a = -7;
	uint32_t b = 0xbeef;
	char s[16] = "hello";
	uint8_t yes = 1;
	uint64_t pidx = 1;
	uint64_t ptr = 0xffff888012345678ULL;

	rec_add(&r, type_int(8, true), &a);
	rec_add(&r, type_string(16), s);
	rec_add(&r, type_int(4, false), &b);
	rec_add(&r, type_bool(), &yes);
	rec_add(&r, type_probe(), &pidx);
	rec_add(&r, type_ptr(NULL), &ptr);
	CHECK_STR(fmt_rec("a=%d s=%s b=%x %s %s %p\n", &r),
		  "a=-7 s=hello b=beef true kprobe:do_nanosleep 0xffff888012345678\n");
	CHECK_STR(fmt_rec("[%-8s|%8s|%.2s]", &r), "[-7      |   hello|48]");

	CHECK_STR(fmt_str("[%s]", "abcdef", 16), "[abcdef]");
	CHECK_STR(fmt_str("[%10s|]", "abcdef", 16), "[    abcdef|]");
	CHECK_STR(fmt_str("[%-10s|]", "abcdef", 16), "[abcdef    |]");
	CHECK_STR(fmt_str("[%.2s]", "abcdef", 16), "[ab]");
	/* No NUL inside the buffer: stop at its size. */
	CHECK_STR(fmt_str("[%s]", "abcdef", 4), "[abcd]");

	/* %s of a tuple. */
	const struct type *el[] = {type_int(8, true), type_string(4)};
	const struct type *tt = type_tuple(2, el, NULL);
	struct rec r2 = {0};
	uint8_t tv[16] = {0};
	int64_t one = 1;
	memcpy(tv + tt->fields[0].offset, &one, 8);
	memcpy(tv + tt->fields[1].offset, "ab", 3);
	rec_add(&r2, tt, tv);
	CHECK_STR(fmt_rec("<%s>", &r2), "<(1, ab)>");
}

static void test_values(void)
{
	int64_t neg = -42;
	uint64_t big = UINT64_MAX;
	uint8_t t = 1, f = 0;
	uint64_t pidx = 0, bad = 99;
	int32_t i32 = -5;
	uint16_t u16 = 65535;

	CHECK_STR(value_str(type_int(8, true), &neg), "-42");
	CHECK_STR(value_str(type_int(8, false), &big), "18446744073709551615");
	CHECK_STR(value_str(type_int(4, true), &i32), "-5");
	CHECK_STR(value_str(type_int(2, false), &u16), "65535");
	CHECK_STR(value_str(type_bool(), &t), "true");
	CHECK_STR(value_str(type_bool(), &f), "false");
	CHECK_STR(value_str(type_probe(), &pidx), "BEGIN");
	CHECK_STR(value_str(type_probe(), &bad), "");
	CHECK_STR(value_str(type_string(8), "xyz\0junk"), "xyz");
	CHECK_STR(value_str(type_ptr(NULL), &big), "0xffffffffffffffff");
	CHECK_STR(value_str(type_agg(AGG_COUNT), &big), "");

	/* Tuple (int64, string[8], bool, (int32, string[4])). */
	const struct type *inner_el[] = {type_int(4, true), type_string(4)};
	const struct type *inner = type_tuple(2, inner_el, NULL);
	const struct type *el[] = {type_int(8, true), type_string(8), type_bool(), inner};
	const struct type *tt = type_tuple(4, el, NULL);
	uint8_t buf[64] = {0};
	int64_t one = 1;
	int32_t m3 = -3;
	memcpy(buf + tt->fields[0].offset, &one, 8);
	memcpy(buf + tt->fields[1].offset, "abc", 4);
	buf[tt->fields[2].offset] = 1;
	memcpy(buf + tt->fields[3].offset + inner->fields[0].offset, &m3, 4);
	memcpy(buf + tt->fields[3].offset + inner->fields[1].offset, "xy", 3);
	CHECK_STR(value_str(tt, buf), "(1, abc, true, (-3, xy))");

	/* Record { .a = 1, .b = x }. */
	const struct type *rel[] = {type_int(8, true), type_string(2)};
	const char *names[] = {"a", "b"};
	const struct type *rt = type_tuple(2, rel, names);
	uint8_t rb[16] = {0};
	memcpy(rb + rt->fields[0].offset, &one, 8);
	memcpy(rb + rt->fields[1].offset, "x", 2);
	CHECK_STR(value_str(rt, rb), "{ .a = 1, .b = x }");

	/* Buffer: printable bytes kept, others escaped. */
	const struct type *bt = type_simple(T_BUFFER, 12);
	uint8_t bb[12] = {5, 0, 0, 0, 'a', 'b', 0, 0x7f, '\n', 'z'};
	CHECK_STR(value_str(bt, bb), "ab\\x00\\x7f\\x0a");
}

static const char *hl(int64_t idx, int k)
{
	struct strbuf sb;

	sb_init(&sb);
	out_hist_label(&sb, idx, k);
	snprintf(outbuf, sizeof(outbuf), "%s", sb.buf);
	sb_free(&sb);
	return outbuf;
}

static const char *ll(int64_t idx, int64_t min, int64_t max, int64_t step, bool v017)
{
	struct strbuf sb;

	sb_init(&sb);
	out_lhist_label(&sb, idx, min, max, step, v017);
	snprintf(outbuf, sizeof(outbuf), "%s", sb.buf);
	sb_free(&sb);
	return outbuf;
}

/* Parse "123", "5K", "3M"... as bpftrace prints them. */
static uint64_t parse_num(const char *s, const char **end)
{
	char *e;
	uint64_t v = strtoull(s, &e, 10);
	const char *suf = "KMGTPE";
	const char *p = *e ? strchr(suf, *e) : NULL;

	if (p) {
		for (long i = 0; i <= p - suf; i++)
			v *= 1024;
		e++;
	}
	*end = e;
	return v;
}

static void test_hist_labels(void)
{
	CHECK_STR(hl(0, 0), "(..., 0)");
	CHECK_STR(hl(1, 0), "[0]");
	CHECK_STR(hl(2, 0), "[1]");
	CHECK_STR(hl(3, 0), "[2, 4)");
	CHECK_STR(hl(4, 0), "[4, 8)");
	CHECK_STR(hl(agg_hist_bucket(100, 0), 0), "[64, 128)");
	CHECK_STR(hl(agg_hist_bucket(1000, 0), 0), "[512, 1K)");
	CHECK_STR(hl(agg_hist_bucket(1024, 0), 0), "[1K, 2K)");
	CHECK_STR(hl(agg_hist_bucket(3000000, 0), 0), "[2M, 4M)");
	CHECK_STR(hl(agg_hist_bucket(1LL << 30, 0), 0), "[1G, 2G)");
	CHECK_STR(hl(agg_hist_bucket(1LL << 40, 0), 0), "[1T, 2T)");
	CHECK_STR(hl(agg_hist_bucket(1LL << 50, 0), 0), "[1P, 2P)");
	CHECK_STR(hl(agg_hist_bucket(INT64_MAX, 0), 0), "[4E, 8E)");
	/* k = 1: [0] [1] [2] [3] then [4, 6) [6, 8) [8, 12)... */
	CHECK_STR(hl(4, 1), "[3]");
	CHECK_STR(hl(5, 1), "[4, 6)");
	CHECK_STR(hl(6, 1), "[6, 8)");
	CHECK_STR(hl(7, 1), "[8, 12)");
	CHECK_STR(hl(agg_hist_bucket(1024, 1), 1), "[1024, 1536)");
	CHECK_STR(hl(agg_hist_bucket(1536, 1), 1), "[1536, 2K)");
	/* k = 2: bpftrace picks the suffix by the sub-bucket size. */
	CHECK_STR(hl(8, 2), "[7]");
	CHECK_STR(hl(9, 2), "[8, 10)");
	CHECK_STR(hl(agg_hist_bucket(1024, 2), 2), "[1024, 1280)");
	CHECK_STR(hl(agg_hist_bucket(4096, 2), 2), "[4K, 5K)");
	CHECK_STR(hl(agg_hist_bucket(64, 5), 5), "[64, 66)");
	CHECK_STR(hl(agg_hist_bucket(63, 5), 5), "[63]");

	/* Every label's bounds agree with agg.c's bucket maths. */
	for (int k = 0; k <= 5; k++) {
		int64_t nb = agg_hist_bucket(INT64_MAX, k);
		for (int64_t i = 1; i < nb; i++) {
			const char *s = hl(i, k), *e;
			uint64_t lo = (uint64_t)agg_hist_bucket_low(i, k);
			uint64_t hi = (uint64_t)agg_hist_bucket_low(i + 1, k);
			if (hi == lo + 1) {
				CHECK(s[0] == '[' && parse_num(s + 1, &e) == lo && !strcmp(e, "]"));
				continue;
			}
			uint64_t a = parse_num(s + 1, &e);
			CHECK(a == lo && !strncmp(e, ", ", 2));
			uint64_t b = parse_num(e + 2, &e);
			if (a != lo || b != hi || strcmp(e, ")")) {
				fprintf(stderr,
					"k=%d idx=%" PRId64 " label %s want [%" PRIu64 ", %" PRIu64
					")\n",
					k, i, s, lo, hi);
				failures++;
			}
		}
	}
}

static void test_lhist_labels(void)
{
	/* lhist(n, 0, 10, 2): 7 buckets. Verified with bpftrace 0.17. */
	CHECK(agg_lhist_nbuckets(0, 10, 2) == 7);
	CHECK_STR(ll(0, 0, 10, 2, false), "(..., 0)");
	CHECK_STR(ll(1, 0, 10, 2, false), "[0, 2)");
	CHECK_STR(ll(2, 0, 10, 2, false), "[2, 4)");
	CHECK_STR(ll(5, 0, 10, 2, false), "[8, 10)");
	CHECK_STR(ll(6, 0, 10, 2, false), "[10, ...)");
	CHECK_STR(ll(1, -10, 10, 5, false), "[-10, -5)");
	CHECK_STR(ll(0, -10, 10, 5, false), "(..., -10)");
	/* step 1: current bpftrace prints single values, 0.17 ranges. */
	CHECK_STR(ll(4, 0, 5, 1, false), "[3]");
	CHECK_STR(ll(4, 0, 5, 1, true), "[3, 4)");
	CHECK_STR(ll(6, 0, 5, 1, false), "[5, ...)");
	/* K/M suffixes when the step is a multiple of 1024. */
	CHECK_STR(ll(1, 0, 4096, 1024, false), "[0, 1K)");
	CHECK_STR(ll(2, 0, 4096, 1024, false), "[1K, 2K)");
	CHECK_STR(ll(5, 0, 4096, 1024, false), "[4K, ...)");
	CHECK_STR(ll(1, 0, 2 << 20, 1 << 20, false), "[0, 1M)");
	CHECK_STR(ll(2, 0, 2 << 20, 1 << 20, false), "[1M, 2M)");
	CHECK_STR(ll(1, 0, 6144, 1536, false), "[0, 1536)");
	/* step 512: current prints plain numbers; 0.17 used K whenever it could. */
	CHECK_STR(ll(3, 0, 2048, 512, false), "[1024, 1536)");
	CHECK_STR(ll(3, 0, 2048, 512, true), "[1K, 1536)");
	CHECK_STR(ll(0, -2048, 2048, 1024, false), "(..., -2K)");
}

static const char *bar(uint64_t c, uint64_t max)
{
	struct strbuf sb;

	sb_init(&sb);
	out_hist_bar(&sb, c, max);
	snprintf(outbuf, sizeof(outbuf), "%s", sb.buf);
	sb_free(&sb);
	return outbuf;
}

static int count_at(const char *s)
{
	int n = 0;

	while (*s == '@') {
		n++;
		s++;
	}
	return n;
}

static void test_bars(void)
{
	CHECK(strlen(bar(0, 10)) == 52);
	CHECK(count_at(bar(0, 10)) == 0);
	CHECK(count_at(bar(10, 10)) == 52);
	CHECK(count_at(bar(5, 10)) == 26);
	CHECK(count_at(bar(1, 3)) == 17);
	CHECK(count_at(bar(2, 3)) == 34);
	CHECK(count_at(bar(1, 52)) == 1);
	CHECK(count_at(bar(1, 53)) == 0);
	CHECK(count_at(bar(1, 0)) == 0);
	CHECK(strlen(bar(1, 0)) == 52);
}

static void test_rows(void)
{
	struct map_desc m = {.name = "@h", .agg = AGG_HIST};
	uint64_t c[70] = {0};
	struct strbuf sb;
	const char *want =
		"(..., 0)               1 "
		"|@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
		"[0]                    0 |                                                    |\n"
		"[1]                    0 |                                                    |\n"
		"[2, 4)                 0 |                                                    |\n"
		"[4, 8)                 1 "
		"|@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
		"[8, 16)                0 |                                                    |\n"
		"[16, 32)               0 |                                                    |\n"
		"[32, 64)               0 |                                                    |\n"
		"[64, 128)              1 "
		"|@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n";

	/* bpftrace 0.17: hist(5), hist(100), hist(-1). */
	c[agg_hist_bucket(5, 0)]++;
	c[agg_hist_bucket(100, 0)]++;
	c[agg_hist_bucket(-1, 0)]++;
	sb_init(&sb);
	out_hist_rows(&sb, &m, c, 65, 0, false);
	CHECK_STR(sb.buf, want);

	/* lhist(3, 0, 10, 2), lhist(-3, ...), lhist(100, ...): bpftrace 0.17. */
	struct map_desc l = {
		.name = "@l", .agg = AGG_LHIST, .lhist_min = 0, .lhist_max = 10, .lhist_step = 2};
	uint64_t lc[7] = {1, 0, 1, 0, 0, 0, 1};
	sb_reset(&sb);
	out_hist_rows(&sb, &l, lc, 7, 0, false);
	CHECK_STR(
		sb.buf,
		"(..., 0)               1 "
		"|@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
		"[0, 2)                 0 |                                                    |\n"
		"[2, 4)                 1 "
		"|@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
		"[4, 6)                 0 |                                                    |\n"
		"[6, 8)                 0 |                                                    |\n"
		"[8, 10)                0 |                                                    |\n"
		"[10, ...)              1 "
		"|@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n");

	/* div: hist counts divided, bars on divided counts (current bpftrace). */
	uint64_t d[65] = {0};
	d[3] = 4;
	d[4] = 9;
	sb_reset(&sb);
	out_hist_rows(&sb, &m, d, 65, 2, false);
	CHECK_STR(
		sb.buf,
		"[2, 4)                 2 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
		"[4, 8)                 4 "
		"|@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n");
	/* 0.17 scales the bars on the raw counts. */
	sb_reset(&sb);
	out_hist_rows(&sb, &m, d, 65, 2, true);
	CHECK_STR(
		sb.buf,
		"[2, 4)                 2 |@@@@@@@@@@@@@@@@@@@@@@@                             |\n"
		"[4, 8)                 4 "
		"|@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n");
	/* lhist ignores div. */
	sb_reset(&sb);
	uint64_t lc2[7] = {0, 0, 3, 0, 0, 0, 0};
	out_hist_rows(&sb, &l, lc2, 7, 2, false);
	CHECK_STR(sb.buf, "[2, 4)                 3 "
			  "|@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n");
	/* All zero: no rows. */
	uint64_t z[7] = {0};
	sb_reset(&sb);
	out_hist_rows(&sb, &l, z, 7, 0, false);
	CHECK(sb.len == 0);
	sb_free(&sb);
}

int main(void)
{
	vec_push(&prog.probe_names, "BEGIN");
	vec_push(&prog.probe_names, "kprobe:do_nanosleep");

	test_printf_ints();
	test_printf_mixed();
	test_values();
	test_hist_labels();
	test_lhist_labels();
	test_bars();
	test_rows();
	vec_free(&prog.probe_names);
	if (failures) {
		fprintf(stderr, "test_output: %d check(s) failed\n", failures);
		return 1;
	}
	printf("test_output: all checks passed\n");
	return 0;
}
