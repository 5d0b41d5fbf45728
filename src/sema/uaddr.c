// SPDX-License-Identifier: GPL-2.0
/*
 * uaddr("sym"): the address of a symbol in the binary of a uprobe,
 * uretprobe or usdt probe, read from its ELF symbol table at compile time
 * and emitted as a constant. The value is the symbol's link-time address:
 * right for non-PIE executables, while PIE executables and shared
 * libraries are loaded at a random base that it does not include (as in
 * bpftrace). The type is a user pointer to an unsigned integer of the
 * symbol's size (1, 2, 4 bytes; 8 otherwise).
 */
#include <string.h>

#include "probes/provider.h"
#include "probes/uprobe.h"
#include "sema/sema_int.h"

static bool uaddr_provider(const struct provider *p)
{
	return p && (!strcmp(p->name, "uprobe") || !strcmp(p->name, "uretprobe") ||
		     !strcmp(p->name, "usdt"));
}

const struct type *sema_uaddr(struct sctx *s, struct node *n)
{
	const struct attach_target *first = NULL;
	uint64_t addr = 0, size = 0;
	struct node *a = n->a;

	if (!sema_nargs_ok(s, n, 1, 1))
		return type_none();
	if (a->kind != N_STRING || memchr(a->str, 0, a->len)) {
		sema_err(s, a, "uaddr() expects a string literal as its argument");
		return type_none();
	}
	a->type = type_string((unsigned)a->len + 1);
	if (!s->pd || !uaddr_provider(s->pd->prov)) {
		sema_err(s, n, "uaddr can only be used with u(ret)probes and usdt probes");
		return type_none();
	}
	for (size_t i = 0; i < s->pd->targets.n; i++) {
		const struct attach_target *t = s->pd->targets.v[i];
		uint64_t ad, sz;

		if (first && !strcmp(t->target, first->target))
			continue; /* same binary, same answer */
		if (uprobe_find_sym(t->target, a->str, &ad, &sz)) {
			sema_err(s, n, "Could not resolve symbol: %s:%s", t->target, a->str);
			return type_none();
		}
		if (!first) {
			first = t;
			addr = ad;
			size = sz;
			continue;
		}
		if (sz != size) {
			sema_err(s, n,
				 "Symbol size mismatch between probes. Symbol \"%s\" has size %llu "
				 "for probe \"%s\" but size %llu for probe \"%s\"",
				 a->str, (unsigned long long)size, first->name,
				 (unsigned long long)sz, t->name);
			return type_none();
		}
		if (ad != addr) {
			/* One program serves every attach point of a probe. */
			sema_unsupported_why(s, n, "uaddr() of a symbol at different addresses",
					     "the probe's binaries place it differently; write "
					     "one probe per binary");
			return type_none();
		}
	}
	n->uval = addr;
	unsigned bytes = size == 1 || size == 2 || size == 4 ? (unsigned)size : 8;
	return type_ptr_user(type_int(bytes, false), true);
}
