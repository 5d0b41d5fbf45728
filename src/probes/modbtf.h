/* SPDX-License-Identifier: GPL-2.0 */
/* Kernel module BTF for fentry/fexit and raw tracepoints (modbtf.c). */
#ifndef SONDE_MODBTF_H
#define SONDE_MODBTF_H

#include "util/util.h"

struct btf;

/* Where the kernel's BTF files are: "/sys/kernel/btf" (the tests change it). */
extern const char *modbtf_dir;

/*
 * The BTF of module (split BTF on top of vmlinux's), loaded once; "vmlinux"
 * is the kernel's own. NULL + one sentence in err when it has none.
 */
struct btf *modbtf_get(const char *module, struct strbuf *err);
/* The first type id of btf's own (1 for vmlinux, past the base for a module). */
uint32_t modbtf_first_id(const struct btf *btf);
/*
 * Names of the modules with BTF whose name matches the wildcard pattern,
 * vmlinux excluded, sorted: appended to names (malloc'd). Returns how many.
 */
int modbtf_modules(const char *pattern, struct vec *names);
struct provider;
/* Finds name in one BTF (module's; "vmlinux" for the kernel's), appending targets. */
typedef void (*modbtf_find_fn)(const struct provider *p, const struct btf *btf, const char *module,
			       const char *name, struct vec *out);
/*
 * find(name) in every module with BTF matching pattern (vmlinux excluded).
 * 0, or -1 + err when a matching module's BTF cannot be read.
 */
int modbtf_find_in_modules(const struct provider *p, const char *pattern, const char *name,
			   modbtf_find_fn find, struct vec *out, struct strbuf *err);
/*
 * A provider target "MODULE:name" (plain "name": vmlinux): the BTF to look
 * name up in, *name pointing past the module; NULL + err if unavailable.
 */
struct btf *modbtf_of_target(const char **name, struct strbuf *err);

#endif
