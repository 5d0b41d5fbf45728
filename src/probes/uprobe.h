/* SPDX-License-Identifier: GPL-2.0 */
/* uprobe helpers shared with usdt and the tests. */
#ifndef SONDE_UPROBE_H
#define SONDE_UPROBE_H

#include "probes/provider.h"

#include <gelf.h>

struct uprobe_sym {
	char *name;
	char *demangled; /* C++ names; NULL otherwise */
	uint64_t addr, size;
	uint64_t offset; /* file offset, what the kernel's uprobe wants */
};

/*
 * A binary named in a probe -> absolute path (malloc'd), or NULL: a path,
 * a library mapped in pid (pid > 0), a program in $PATH, a library's
 * short name in the usual library directories.
 */
char *uprobe_resolve_binary(const char *bin, int pid);
/* Function symbols of an ELF file (struct uprobe_sym *), sorted and deduplicated by name. */
int uprobe_read_syms(const char *path, struct vec *syms, struct strbuf *err);
void uprobe_syms_free(struct vec *syms);
/* Any defined symbol (function or object) of an ELF file by name: its
 * st_value and st_size. Returns 0, or -1 when the file or symbol is missing. */
int uprobe_find_sym(const char *path, const char *name, uint64_t *addr, uint64_t *size);
int uprobe_expand_in(const struct provider *p, char **parts, int nparts, int pid, struct vec *out,
		     struct strbuf *err);
/* strerror() for attaching uprobes, with words for the kernel's ENOTSUPP (524). */
const char *uprobe_strerror(int e);
int uprobe_attach_at(struct bpf_program *prog, const struct attach_target *t, bool ret,
		     struct vec *links, struct strbuf *err);

/*
 * Call fn for each defined symbol of the .symtab and .dynsym sections of e
 * (they repeat each other: callers dedupe); stops early when fn returns true.
 * Returns whether fn stopped it.
 */
bool uprobe_elf_each_sym(Elf *e, bool (*fn)(void *ctx, const GElf_Sym *sym, const char *name),
			 void *ctx);

#endif
