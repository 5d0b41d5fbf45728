/* SPDX-License-Identifier: GPL-2.0 */
/* Kernel BTF for raw tracepoints and fentry/fexit (rawtracepoint.c). */
#ifndef SONDE_BTF_ARGS_H
#define SONDE_BTF_ARGS_H

#include "probes/provider.h"

struct btf;

/* vmlinux BTF, loaded once on first use; NULL + err if unavailable. */
struct btf *probe_vmlinux_btf(struct strbuf *err);
/*
 * The parameters of kernel function func (BTF FUNC; "MODULE:func" for a
 * module's, from its BTF), from index skip on,
 * as args fields in consecutive u64 slots: appends struct arg_field * to
 * out and returns how many, or -1 + err.
 */
int btf_func_fields(const char *func, int skip, struct vec *out, struct strbuf *err);
/*
 * The return value of kernel function func (or "MODULE:func") as a field named "retval"
 * (malloc'd: free with provider_field_free), or NULL for void or unknown.
 */
struct arg_field *btf_func_ret(const char *func);

#endif
