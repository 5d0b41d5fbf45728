// SPDX-License-Identifier: GPL-2.0
/*
 * Histogram bucket maths, shared by codegen (which emits the same
 * computation in BPF) and the output code (which labels buckets).
 *
 * hist(n, k): bucket 0 holds negative values; for n < 2^k bucket 1 + n
 * holds exactly n; above that each power-of-two range [2^l, 2^(l+1)) is
 * split into 2^k equal sub-buckets. With k = 0 that is bpftrace's classic
 * layout: (..., 0), [0], [1], [2, 4), [4, 8) ...
 */
#include "prog/prog.h"

static int ilog2_u64(uint64_t v)
{
	return 63 - __builtin_clzll(v);
}

int64_t agg_hist_bucket(int64_t v, int k)
{
	int64_t sub_n = (int64_t)1 << k;

	if (v < 0)
		return 0;
	if (v < sub_n)
		return 1 + v;
	int l = ilog2_u64((uint64_t)v);
	int64_t sub = (v >> (l - k)) & (sub_n - 1);
	return 1 + sub_n + (int64_t)(l - k) * sub_n + sub;
}

int64_t agg_hist_bucket_low(int64_t idx, int k)
{
	int64_t sub_n = (int64_t)1 << k;

	if (idx <= 0)
		return -1;
	if (idx <= sub_n)
		return idx - 1;
	int64_t j = idx - 1 - sub_n;
	int l = (int)(j / sub_n) + k;
	int64_t sub = j % sub_n;
	return (int64_t)(((uint64_t)1 << l) + (uint64_t)sub * ((uint64_t)1 << (l - k)));
}

int64_t agg_lhist_nbuckets(int64_t min, int64_t max, int64_t step)
{
	return (max - min + step - 1) / step + 2;
}
