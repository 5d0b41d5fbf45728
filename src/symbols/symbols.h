/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Symbols for stacks, ksym() and usym(). Kernel symbols come from
 * /proc/kallsyms, read on first use and sorted once. User symbols come
 * from the ELF symbol tables (.symtab, else .dynsym) of the binaries
 * mapped into a process, found through /proc/PID/maps: a process's
 * mappings are cached when first seen (sym_note_pid() records them while
 * the process lives, so a report at exit still resolves after it exited).
 * C++ names are demangled.
 */
#ifndef SONDE_SYMBOLS_H
#define SONDE_SYMBOLS_H

#include "util/util.h"

/*
 * Append the kernel symbol of addr: "name+off" with show_offset, "name"
 * otherwise; "0xADDR" when unknown. Returns true when a symbol was found.
 */
bool sym_kernel(struct strbuf *sb, uint64_t addr, bool show_offset);

/* The address of a kernel symbol, 0 when unknown. */
uint64_t sym_kernel_addr(const char *name);

/*
 * Append the user symbol of addr in process pid, like sym_kernel. With
 * show_module, " (PATH)" of the mapped file follows (perf mode).
 */
bool sym_user(struct strbuf *sb, uint32_t pid, uint64_t addr, bool show_offset, bool show_module);

/* Record pid's mappings now (cheap when already recorded). */
void sym_note_pid(uint32_t pid);

/* Demangle a C++ name into sb; returns false (and appends nothing) if it is not one. */
bool sym_demangle(struct strbuf *sb, const char *name);
/* config cpp_demangle = false: user symbols print as they are in the ELF file. */
extern bool sym_no_demangle;

#endif
