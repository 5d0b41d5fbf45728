// SPDX-License-Identifier: GPL-2.0
/*
 * The map report against real BPF maps (needs root): maps are created and
 * filled from user space, described by hand as the compiler would, and
 * printed into a memory stream.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "runtime/output.h"

static int failures;
static int ncpus;
static struct program prog;

#define CHECK_STR(got, want)                                                                       \
	do {                                                                                       \
		const char *g_ = (got), *w_ = (want);                                              \
		if (strcmp(g_, w_)) {                                                              \
			fprintf(stderr, "%s:%d: FAIL %s\n--- got:\n%s--- want:\n%s---\n",          \
				__FILE__, __LINE__, #got, g_, w_);                                 \
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

static char *text;

/* Print one map (or all maps when m is NULL) and return the text. */
static const char *render(const struct map_desc *m, int64_t top, int64_t div, bool v017)
{
	size_t len;
	FILE *f;
	struct output o = {.format = OUT_TEXT, .prog = &prog, .ncpus = ncpus, .compat_v017 = v017};

	free(text);
	f = open_memstream(&text, &len);
	o.f = f;
	if (m)
		CHECK(out_map(&o, m, top, div) == 0);
	else
		CHECK(out_all_maps(&o) == 0);
	fclose(f);
	return text;
}

static struct map_desc *new_map(const char *name, enum agg_kind agg, const struct type *key,
				const struct type *value)
{
	struct map_desc *m = arena_alloc(&prog.arena, sizeof(*m));

	m->name = name;
	m->id = (int)prog.maps.n;
	m->agg = agg;
	m->key = key;
	m->value = value ? value : type_agg(agg);
	m->key_size = key ? key->size : 8;
	m->max_entries = 1024;
	switch (agg) {
	case AGG_NONE:
		m->bpf_type = BPF_MAP_TYPE_HASH;
		m->value_size = m->value->size;
		break;
	case AGG_HIST:
	case AGG_LHIST:
		m->bpf_type = BPF_MAP_TYPE_PERCPU_HASH;
		m->percpu = true;
		m->key_size = (key ? key->size : 0) + 8;
		m->value_size = 8;
		break;
	default:
		m->bpf_type = BPF_MAP_TYPE_PERCPU_HASH;
		m->percpu = true;
		m->value_size = type_agg(agg)->size;
		break;
	}
	m->fd = bpf_map_create(m->bpf_type, NULL, m->key_size, m->value_size, m->max_entries, NULL);
	if (m->fd < 0) {
		fprintf(stderr, "bpf_map_create(%s): %s\n", name, strerror(errno));
		exit(1);
	}
	vec_push(&prog.maps, m);
	return m;
}

/* Per-CPU value buffer: ncpus slots of value_size rounded up to 8. */
static uint8_t *pcpu_buf(const struct map_desc *m)
{
	return calloc((size_t)ncpus, (m->value_size + 7) & ~7u);
}

static void *slot(const struct map_desc *m, uint8_t *buf, int cpu)
{
	return buf + (size_t)(cpu % ncpus) * ((m->value_size + 7) & ~7u);
}

static void update(const struct map_desc *m, const void *key, const void *val)
{
	if (bpf_map_update_elem(m->fd, key, val, BPF_ANY)) {
		fprintf(stderr, "update %s: %s\n", m->name, strerror(errno));
		exit(1);
	}
}

/* count()/sum(): the total split over two CPUs. */
static void put_u64_split(const struct map_desc *m, const void *key, uint64_t total)
{
	uint8_t *b = pcpu_buf(m);
	uint64_t a = total / 2, c = total - a;

	if (ncpus == 1)
		a = total, c = 0;
	memcpy(slot(m, b, 0), &a, 8);
	if (ncpus > 1)
		memcpy(slot(m, b, 1), &c, 8);
	update(m, key, b);
	free(b);
}

static uint64_t zero_key;

static void test_count_sum(void)
{
	struct map_desc *c = new_map("@c", AGG_COUNT, NULL, NULL);
	put_u64_split(c, &zero_key, 7);
	CHECK_STR(render(c, 0, 0, false), "@c: 7\n");

	struct map_desc *k = new_map("@k", AGG_COUNT, type_int(8, true), NULL);
	int64_t keys[] = {1, 2, -3, 40};
	uint64_t vals[] = {5, 1, 3, 9};
	for (int i = 0; i < 4; i++)
		put_u64_split(k, &keys[i], vals[i]);
	CHECK_STR(render(k, 0, 0, false), "@k[2]: 1\n@k[-3]: 3\n@k[1]: 5\n@k[40]: 9\n");
	CHECK_STR(render(k, 2, 0, false), "@k[1]: 5\n@k[40]: 9\n");
	CHECK_STR(render(k, 0, 2, false), "@k[2]: 0\n@k[-3]: 1\n@k[1]: 2\n@k[40]: 4\n");
	CHECK_STR(render(k, 10, 0, false), "@k[2]: 1\n@k[-3]: 3\n@k[1]: 5\n@k[40]: 9\n");

	/* Equal values: ordered by key. */
	struct map_desc *e = new_map("@e", AGG_COUNT, type_int(8, true), NULL);
	int64_t ek[] = {3, -1, 2};
	for (int i = 0; i < 3; i++)
		put_u64_split(e, &ek[i], 1);
	CHECK_STR(render(e, 0, 0, false), "@e[-1]: 1\n@e[2]: 1\n@e[3]: 1\n");

	struct map_desc *s = new_map("@s", AGG_SUM, type_string(8), NULL);
	char sk[3][8] = {"neg", "pos", "zero"};
	int64_t sv[] = {-10, 10, 0};
	for (int i = 0; i < 3; i++)
		put_u64_split(s, sk[i], (uint64_t)sv[i]);
	CHECK_STR(render(s, 0, 0, false), "@s[neg]: -10\n@s[zero]: 0\n@s[pos]: 10\n");
	CHECK_STR(render(s, 0, 3, false), "@s[neg]: -3\n@s[zero]: 0\n@s[pos]: 3\n");
}

static void put_avg(const struct map_desc *m, const void *key, int64_t t0, uint64_t c0, int64_t t1,
		    uint64_t c1)
{
	uint8_t *b = pcpu_buf(m);
	struct agg_avg a = {t0, c0}, z = {t1, c1};

	if (ncpus == 1) {
		a.total += t1;
		a.count += c1;
	}
	memcpy(slot(m, b, 0), &a, sizeof(a));
	if (ncpus > 1)
		memcpy(slot(m, b, 1), &z, sizeof(z));
	update(m, key, b);
	free(b);
}

static void test_avg_stats(void)
{
	struct map_desc *a = new_map("@a", AGG_AVG, type_int(8, true), NULL);
	int64_t k1 = 1, k2 = 2, k3 = 3;
	put_avg(a, &k1, 10, 1, 0, 0);  /* 10 */
	put_avg(a, &k2, 2, 1, 1, 1);   /* 3 / 2 = 1 */
	put_avg(a, &k3, -4, 1, -3, 1); /* -7 / 2 = -3 (C division) */
	CHECK_STR(render(a, 0, 0, false), "@a[3]: -3\n@a[2]: 1\n@a[1]: 10\n");
	CHECK_STR(render(a, 0, 0, true), "@a[3]: -3\n@a[2]: 1\n@a[1]: 10\n\n");
	CHECK_STR(render(a, 1, 0, false), "@a[1]: 10\n");
	CHECK_STR(render(a, 0, 2, false), "@a[3]: -1\n@a[2]: 0\n@a[1]: 5\n");

	struct map_desc *s = new_map("@st", AGG_STATS, NULL, NULL);
	put_avg(s, &zero_key, 10, 1, 5, 1);
	CHECK_STR(render(s, 0, 0, false), "@st: { .count = 2, .average = 7, .total = 15 }\n");
	CHECK_STR(render(s, 0, 0, true), "@st: count 2, average 7, total 15\n\n");

	struct map_desc *sk = new_map("@sk", AGG_STATS, type_int(8, true), NULL);
	put_avg(sk, &k1, 10, 1, 5, 1);
	put_avg(sk, &k2, -4, 1, 0, 0);
	CHECK_STR(render(sk, 0, 0, false), "@sk[2]: { .count = 1, .average = -4, .total = -4 }\n"
					   "@sk[1]: { .count = 2, .average = 7, .total = 15 }\n");
}

static void put_minmax(const struct map_desc *m, const void *key, int64_t v0, bool s0, int64_t v1,
		       bool s1)
{
	uint8_t *b = pcpu_buf(m);
	struct agg_minmax a = {v0, s0}, z = {v1, s1};

	memcpy(slot(m, b, 0), &a, sizeof(a));
	if (ncpus > 1)
		memcpy(slot(m, b, 1), &z, sizeof(z));
	update(m, key, b);
	free(b);
}

static void test_min_max(void)
{
	bool two = ncpus > 1;
	struct map_desc *mn = new_map("@mn", AGG_MIN, type_int(8, true), NULL);
	struct map_desc *mx = new_map("@mx", AGG_MAX, type_int(8, true), NULL);
	int64_t k1 = 1, k2 = 2;

	/* CPU 1's value counts only when set: key 1 has min(5, unset -100) = 5. */
	put_minmax(mn, &k1, 5, true, -100, false);
	put_minmax(mn, &k2, 7, true, two ? 3 : 7, true);
	CHECK_STR(render(mn, 0, 0, false),
		  two ? "@mn[2]: 3\n@mn[1]: 5\n" : "@mn[1]: 5\n@mn[2]: 7\n");
	put_minmax(mx, &k1, 5, true, 100, false);
	put_minmax(mx, &k2, 1, true, two ? 9 : 1, true);
	CHECK_STR(render(mx, 0, 0, false),
		  two ? "@mx[1]: 5\n@mx[2]: 9\n" : "@mx[2]: 1\n@mx[1]: 5\n");

	struct map_desc *sm = new_map("@smin", AGG_MIN, NULL, NULL);
	put_minmax(sm, &zero_key, -5, true, 0, false);
	CHECK_STR(render(sm, 0, 0, false), "@smin: -5\n");
}

/* Add count to hist row (ukey, bucket), spread over the CPUs. */
static void hist_add(const struct map_desc *m, const void *ukey, uint64_t bucket, uint64_t count)
{
	uint32_t uks = m->key_size - 8;
	uint8_t key[64] = {0};
	uint8_t *b = pcpu_buf(m);

	if (uks)
		memcpy(key, ukey, uks);
	memcpy(key + uks, &bucket, 8);
	for (uint64_t i = 0; i < count; i++) {
		uint64_t *p = slot(m, b, (int)i);
		(*p)++;
	}
	update(m, key, b);
	free(b);
}

#define FULL "|@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
#define NONE "|                                                    |\n"

static void test_hist(void)
{
	struct map_desc *h = new_map("@h", AGG_HIST, NULL, NULL);
	hist_add(h, NULL, agg_hist_bucket(5, 0), 1);
	hist_add(h, NULL, agg_hist_bucket(100, 0), 1);
	hist_add(h, NULL, agg_hist_bucket(-1, 0), 1);
	CHECK_STR(render(h, 0, 0, false),
		  "@h:\n"
		  "(..., 0)               1 " FULL "[0]                    0 " NONE
		  "[1]                    0 " NONE "[2, 4)                 0 " NONE
		  "[4, 8)                 1 " FULL "[8, 16)                0 " NONE
		  "[16, 32)               0 " NONE "[32, 64)               0 " NONE
		  "[64, 128)              1 " FULL "\n");
	CHECK(!strncmp(render(h, 0, 0, true), "@h: \n(..., 0) ", 14));

	/* Keyed by string, K/M labels, sorted by total count. */
	struct map_desc *hk = new_map("@hk", AGG_HIST, type_string(4), NULL);
	char big[4] = "big", sm[4] = "sm";
	hist_add(hk, big, agg_hist_bucket(1024, 0), 2);
	hist_add(hk, big, agg_hist_bucket(3000000, 0), 4);
	hist_add(hk, sm, agg_hist_bucket(700, 0), 1);
	CHECK_STR(
		render(hk, 0, 0, false),
		"@hk[sm]:\n"
		"[512, 1K)              1 " FULL "\n"
		"@hk[big]:\n"
		"[1K, 2K)               2 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
		"[2K, 4K)               0 " NONE "[4K, 8K)               0 " NONE
		"[8K, 16K)              0 " NONE "[16K, 32K)             0 " NONE
		"[32K, 64K)             0 " NONE "[64K, 128K)            0 " NONE
		"[128K, 256K)           0 " NONE "[256K, 512K)           0 " NONE
		"[512K, 1M)             0 " NONE "[1M, 2M)               0 " NONE
		"[2M, 4M)               4 " FULL "\n");
	/* top keeps the largest; div divides hist counts. */
	CHECK_STR(
		render(hk, 1, 2, false),
		"@hk[big]:\n"
		"[1K, 2K)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
		"[2K, 4K)               0 " NONE "[4K, 8K)               0 " NONE
		"[8K, 16K)              0 " NONE "[16K, 32K)             0 " NONE
		"[32K, 64K)             0 " NONE "[64K, 128K)            0 " NONE
		"[128K, 256K)           0 " NONE "[256K, 512K)           0 " NONE
		"[512K, 1M)             0 " NONE "[1M, 2M)               0 " NONE
		"[2M, 4M)               2 " FULL "\n");

	/* hist(n, 2) */
	struct map_desc *h2 = new_map("@h2", AGG_HIST, NULL, NULL);
	h2->hist_k = 2;
	hist_add(h2, NULL, agg_hist_bucket(7, 2), 1);
	hist_add(h2, NULL, agg_hist_bucket(9, 2), 2);
	CHECK_STR(
		render(h2, 0, 0, false),
		"@h2:\n"
		"[7]                    1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
		"[8, 10)                2 " FULL "\n");
}

static void test_lhist(void)
{
	struct map_desc *l = new_map("@l", AGG_LHIST, type_int(8, true), NULL);
	int64_t k1 = 1, k2 = 2;
	l->lhist_min = 0;
	l->lhist_max = 10;
	l->lhist_step = 2;
	hist_add(l, &k1, 0, 1);
	hist_add(l, &k1, 2, 1);
	hist_add(l, &k1, 6, 1);
	hist_add(l, &k2, 6, 1);
	CHECK_STR(render(l, 0, 0, false),
		  "@l[2]:\n"
		  "[10, ...)              1 " FULL "\n"
		  "@l[1]:\n"
		  "(..., 0)               1 " FULL "[0, 2)                 0 " NONE
		  "[2, 4)                 1 " FULL "[4, 6)                 0 " NONE
		  "[6, 8)                 0 " NONE "[8, 10)                0 " NONE
		  "[10, ...)              1 " FULL "\n");
}

static void test_keys_and_values(void)
{
	/* Tuple keys (int64, string[8]), plain int values sorted by value. */
	const struct type *el[] = {type_int(8, true), type_string(8)};
	const struct type *tk = type_tuple(2, el, NULL);
	struct map_desc *t = new_map("@t", AGG_NONE, tk, type_int(8, true));
	struct {
		int64_t i;
		char s[8];
	} keys[] = {{-1, "a"}, {2, "b"}, {2, "a"}};
	int64_t vals[] = {3, 1, 2};
	for (int i = 0; i < 3; i++)
		update(t, &keys[i], &vals[i]);
	CHECK_STR(render(t, 0, 0, false), "@t[2, b]: 1\n@t[2, a]: 2\n@t[-1, a]: 3\n");

	/* String values: sorted by key (bytewise), printed unquoted. */
	struct map_desc *sv = new_map("@sv", AGG_NONE, tk, type_string(8));
	char s1[8] = "one", s2[8] = "two", s3[8] = "(x)";
	update(sv, &keys[0], s1);
	update(sv, &keys[1], s2);
	update(sv, &keys[2], s3);
	CHECK_STR(render(sv, 0, 0, false), "@sv[-1, a]: one\n@sv[2, a]: (x)\n@sv[2, b]: two\n");

	/* String keys bytewise; current bpftrace strips parens off "(x)", 0.17 does not. */
	struct map_desc *sk = new_map("@sk", AGG_NONE, type_string(4), type_string(4));
	char k1[4] = "b", k2[4] = "ab", k3[4] = "(x)";
	char v1[4] = "v1", v2[4] = "v2", v3[4] = "v3";
	update(sk, k1, v1);
	update(sk, k2, v2);
	update(sk, k3, v3);
	CHECK_STR(render(sk, 0, 0, false), "@sk[x]: v3\n@sk[ab]: v2\n@sk[b]: v1\n");
	CHECK_STR(render(sk, 0, 0, true), "@sk[(x)]: v3\n@sk[ab]: v2\n@sk[b]: v1\n");

	/* Tuple values and a scalar string. */
	struct map_desc *tv = new_map("@tv", AGG_NONE, type_int(8, true), tk);
	int64_t a = 5, b = -2;
	update(tv, &a, &keys[1]);
	update(tv, &b, &keys[0]);
	CHECK_STR(render(tv, 0, 0, false), "@tv[-2]: (-1, a)\n@tv[5]: (2, b)\n");

	struct map_desc *ss = new_map("@", AGG_NONE, NULL, type_string(8));
	char hello[8] = "hello";
	update(ss, &zero_key, hello);
	CHECK_STR(render(ss, 0, 0, false), "@: hello\n");

	/* Unsigned int values and div. */
	struct map_desc *u = new_map("@u", AGG_NONE, type_int(8, false), type_int(8, false));
	uint64_t uk = 1, uv = UINT64_MAX, uk2 = 2, uv2 = 4;
	update(u, &uk, &uv);
	update(u, &uk2, &uv2);
	CHECK_STR(render(u, 0, 0, false), "@u[2]: 4\n@u[1]: 18446744073709551615\n");
	CHECK_STR(render(u, 0, 2, false), "@u[2]: 2\n@u[1]: 9223372036854775807\n");
}

static void test_clear_zero_all(void)
{
	struct vec saved = prog.maps;

	memset(&prog.maps, 0, sizeof(prog.maps));
	struct map_desc *b = new_map("@b", AGG_COUNT, type_int(8, true), NULL);
	struct map_desc *top = new_map("@", AGG_SUM, NULL, NULL);
	struct map_desc *a = new_map("@a", AGG_COUNT, NULL, NULL);
	struct map_desc *hz = new_map("@hz", AGG_HIST, NULL, NULL);
	struct map_desc *empty = new_map("@empty", AGG_COUNT, type_int(8, true), NULL);
	int64_t k1 = 1, k2 = 2;

	put_u64_split(b, &k1, 3);
	put_u64_split(b, &k2, 1);
	put_u64_split(top, &zero_key, (uint64_t)-4);
	put_u64_split(a, &zero_key, 2);
	hist_add(hz, NULL, 3, 2);
	CHECK_STR(render(empty, 0, 0, false), "");
	/* Sorted by name: "@" < "@a" < "@b" < "@empty" (prints nothing) < "@hz". */
	CHECK_STR(render(NULL, 0, 0, false), "@: -4\n@a: 2\n@b[2]: 1\n@b[1]: 3\n"
					     "@hz:\n[2, 4)                 2 " FULL "\n");

	/* zero(): values become 0, keys stay; an all-zero histogram prints its header. */
	CHECK(out_map_zero(b, ncpus) == 0);
	CHECK(out_map_zero(hz, 0) == 0);
	CHECK(out_map_zero(top, ncpus) == 0);
	CHECK_STR(render(b, 0, 0, false), "@b[1]: 0\n@b[2]: 0\n");
	CHECK_STR(render(hz, 0, 0, false), "@hz:\n\n");
	CHECK_STR(render(top, 0, 0, false), "@: 0\n");

	/* clear(): every key goes. */
	CHECK(out_map_clear(b) == 0);
	CHECK(out_map_clear(hz) == 0);
	CHECK(out_map_clear(empty) == 0);
	CHECK_STR(render(b, 0, 0, false), "");
	CHECK_STR(render(hz, 0, 0, false), "");
	CHECK_STR(render(NULL, 0, 0, false), "@: 0\n@a: 2\n");

	/* JSON renders one line (runtime/json.test checks the exact lines). */
	FILE *jf = tmpfile();
	struct output o = {.f = jf, .format = OUT_JSON, .prog = &prog, .ncpus = ncpus};
	CHECK(out_map(&o, a, 0, 0) == 0);
	if (jf)
		fclose(jf);

	vec_free(&prog.maps);
	prog.maps = saved;
}

int main(void)
{
	ncpus = libbpf_num_possible_cpus();
	if (ncpus <= 0) {
		fprintf(stderr, "libbpf_num_possible_cpus failed\n");
		return 1;
	}
	vec_push(&prog.probe_names, "BEGIN");

	test_count_sum();
	test_avg_stats();
	test_min_max();
	test_hist();
	test_lhist();
	test_keys_and_values();
	test_clear_zero_all();

	free(text);
	for (size_t i = 0; i < prog.maps.n; i++)
		close(((struct map_desc *)prog.maps.v[i])->fd);
	vec_free(&prog.maps);
	vec_free(&prog.probe_names);
	arena_free(&prog.arena);
	if (failures) {
		fprintf(stderr, "test_root_output: %d check(s) failed\n", failures);
		return 1;
	}
	printf("test_root_output: all checks passed (%d CPUs)\n", ncpus);
	return 0;
}
