// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel symbols: /proc/kallsyms is read the first time a script needs a
 * kernel symbol (never at start-up), kept sorted by address, and searched
 * by binary search.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "symbols/symbols.h"

struct ksym {
	uint64_t addr;
	char *name;
};

static struct ksym *ksyms;
static size_t nksyms;
static bool ksyms_loaded;

static int ksym_cmp(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static void ksyms_load(void)
{
	FILE *f;
	char line[512];
	size_t cap = 0;

	ksyms_loaded = true;
	f = fopen("/proc/kallsyms", "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char type, name[256];
		uint64_t addr;
		if (sscanf(line, "%" SCNx64 " %c %255s", &addr, &type, name) != 3 || !addr)
			continue;
		/* Text symbols only: stacks hold code addresses. */
		if (type != 't' && type != 'T' && type != 'w' && type != 'W')
			continue;
		if (nksyms == cap) {
			cap = cap ? cap * 2 : 65536;
			ksyms = xrealloc(ksyms, cap * sizeof(*ksyms));
		}
		ksyms[nksyms].addr = addr;
		ksyms[nksyms].name = xstrdup(name);
		nksyms++;
	}
	fclose(f);
	if (nksyms > 1)
		qsort(ksyms, nksyms, sizeof(*ksyms), ksym_cmp);
}

static const struct ksym *ksym_find(uint64_t addr)
{
	size_t lo = 0, hi;

	if (!ksyms_loaded)
		ksyms_load();
	hi = nksyms;
	/* The last symbol whose address is <= addr. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ksyms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? &ksyms[lo - 1] : NULL;
}

bool sym_kernel(struct strbuf *sb, uint64_t addr, bool show_offset)
{
	const struct ksym *k = ksym_find(addr);

	if (!k) {
		sb_printf(sb, "0x%" PRIx64, addr);
		return false;
	}
	sb_puts(sb, k->name);
	if (show_offset)
		sb_printf(sb, "+%" PRIu64, addr - k->addr);
	return true;
}

uint64_t sym_kernel_addr(const char *name)
{
	if (!ksyms_loaded)
		ksyms_load();
	for (size_t i = 0; i < nksyms; i++)
		if (!strcmp(ksyms[i].name, name))
			return ksyms[i].addr;
	return 0;
}
