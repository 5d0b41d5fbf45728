/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Code generation: the checked AST and the program contract become one
 * LLVM module (one function per probe, BTF-defined maps with debug info),
 * compiled by LLVM's BPF back end into an ELF object in memory
 * (program.elf), ready for bpf_object__open_mem().
 */
#ifndef SONDE_CODEGEN_H
#define SONDE_CODEGEN_H

#include "ast/ast.h"
#include "prog/prog.h"

struct cg_opts {
	FILE *dump_ir;	       /* -d ir: IR before optimisation */
	FILE *dump_ir_opt;     /* -d ir-opt: IR after optimisation */
	bool verify;	       /* --verify-llvm-ir */
	const char *emit_llvm; /* --emit-llvm FILE */
	bool helper_errors;    /* -k: report failing helpers (cg_helper_check) */
	/*
	 * Largest probe, in LLVM instructions, to emit (0: the kernel's
	 * 1,000,000). The fuzz target sets a small one: past it LLVM may hit a
	 * BPF limit it cannot recover from (a jump beyond 32767 instructions).
	 */
	long max_ir_insns;
};

int codegen_run(struct ast *ast, struct program *prog, struct diag *d, const struct cg_opts *opts);

/* ELF symbol of map `id` (the runtime finds maps by this name). */
void codegen_map_symbol(int id, char *buf, size_t len);

#endif
