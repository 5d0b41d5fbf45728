// SPDX-License-Identifier: GPL-2.0
/*
 * The module: BTF-defined maps (with the DIBuilder types libbpf reads),
 * one function per probe, then LLVM's BPF back end to an ELF object in
 * memory. LLVM diagnostics (such as an exceeded stack) become sonde
 * errors, never a crash.
 */
#include "codegen/cg.h"

#include <elf.h>
#include <linux/bpf.h>
#include <llvm-c/Analysis.h>
#include <llvm-c/ErrorHandling.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>
#include <llvm-c/Transforms/InstCombine.h>
#include <llvm-c/Transforms/Scalar.h>
#include <llvm-c/Transforms/Utils.h>
#include <string.h>
#include <unistd.h>

void codegen_map_symbol(int id, char *buf, size_t len)
{
	snprintf(buf, len, PROG_MAP_SYMBOL_FMT, id);
}

/* ---- maps ---- */

/* DI type `int (*)[n]`: how libbpf's __uint(name, n) encodes a number. */
static LLVMMetadataRef di_uint_ptr(struct cg *g, uint64_t n)
{
	LLVMMetadataRef sub = LLVMDIBuilderGetOrCreateSubrange(g->di, 0, (int64_t)n);
	LLVMMetadataRef arr = LLVMDIBuilderCreateArrayType(g->di, n * 32, 32, g->di_int, &sub, 1);
	return LLVMDIBuilderCreatePointerType(g->di, arr, 64, 0, 0, "", 0);
}

static LLVMValueRef define_map_flags(struct cg *g, const char *name, uint32_t type, uint32_t max,
				     uint32_t key_size, uint32_t value_size, uint32_t flags)
{
	const char *fields[] = {"type", "max_entries", "key_size", "value_size", "map_flags"};
	uint64_t vals[] = {type, max, key_size, value_size, flags};
	unsigned n = flags ? 5 : key_size ? 4 : 2;
	LLVMMetadataRef members[5];
	LLVMTypeRef ptrs[5];

	for (unsigned i = 0; i < n; i++) {
		members[i] = LLVMDIBuilderCreateMemberType(g->di, g->di_cu, fields[i],
							   strlen(fields[i]), g->di_file, 0, 64, 64,
							   i * 64, 0, di_uint_ptr(g, vals[i]));
		ptrs[i] = g->ptr;
	}
	LLVMMetadataRef st =
		LLVMDIBuilderCreateStructType(g->di, g->di_cu, "", 0, g->di_file, 0, n * 64, 64, 0,
					      NULL, members, n, 0, NULL, "", 0);
	LLVMTypeRef ty = LLVMStructTypeInContext(g->ctx, ptrs, n, 0);
	LLVMValueRef gv = LLVMAddGlobal(g->mod, ty, name);
	LLVMSetInitializer(gv, LLVMConstNull(ty));
	LLVMSetSection(gv, ".maps");
	LLVMSetAlignment(gv, 8);
	LLVMSetLinkage(gv, LLVMExternalLinkage);
	LLVMMetadataRef expr = LLVMDIBuilderCreateExpression(g->di, NULL, 0);
	LLVMMetadataRef gve = LLVMDIBuilderCreateGlobalVariableExpression(
		g->di, g->di_cu, name, strlen(name), name, strlen(name), g->di_file, 0, st, 0, expr,
		NULL, 64);
	LLVMGlobalSetMetadata(gv, LLVMGetMDKindIDInContext(g->ctx, "dbg", 3), gve);
	return gv;
}

static LLVMValueRef define_map(struct cg *g, const char *name, uint32_t type, uint32_t max,
			       uint32_t key_size, uint32_t value_size)
{
	return define_map_flags(g, name, type, max, key_size, value_size, 0);
}

LLVMValueRef cg_define_map(struct cg *g, const char *name, uint32_t type, uint32_t max,
			   uint32_t key_size, uint32_t value_size)
{
	return define_map(g, name, type, max, key_size, value_size);
}

static void define_maps(struct cg *g)
{
	struct program *p = g->prog;
	char name[32];

	g->map_globals = xcalloc(p->maps.n + 1, sizeof(LLVMValueRef));
	for (size_t i = 0; i < p->maps.n; i++) {
		struct map_desc *md = p->maps.v[i];
		codegen_map_symbol(md->id, name, sizeof(name));
		g->map_globals[i] = define_map(g, name, md->bpf_type, md->max_entries, md->key_size,
					       md->value_size);
	}
	g->rb = define_map(g, PROG_RINGBUF_MAP, BPF_MAP_TYPE_RINGBUF, p->ringbuf_size, 0, 0);
	g->stats = define_map(g, PROG_STATS_MAP, BPF_MAP_TYPE_PERCPU_ARRAY,
			      STAT__COUNT + (uint32_t)p->maps.n, 4, 8);
	g->cfg = define_map(g, PROG_CFG_MAP, BPF_MAP_TYPE_ARRAY, 1, 4, sizeof(struct prog_cfg));
	if (p->uses_user_syms)
		define_map(g, PROG_PIDS_MAP, BPF_MAP_TYPE_HASH, 1024, 4, 8);
	for (int l = 1; l <= STACK_MAX_FRAMES; l++) {
		if (!(p->stack_limits[l / 64] >> (l % 64) & 1))
			continue;
		snprintf(name, sizeof(name), PROG_STACK_MAP_FMT, l);
		define_map(g, name, BPF_MAP_TYPE_STACK_TRACE, 4096, 4, (uint32_t)l * 8);
	}
	for (int l = 1; l <= STACK_MAX_FRAMES; l++) {
		if (!(p->build_id_limits[l / 64] >> (l % 64) & 1))
			continue;
		snprintf(name, sizeof(name), PROG_BUILD_ID_STACK_MAP_FMT, l);
		define_map_flags(g, name, BPF_MAP_TYPE_STACK_TRACE, 4096, 4,
				 (uint32_t)(l * sizeof(struct bpf_stack_build_id)),
				 BPF_F_STACK_BUILD_ID);
	}
}

/* ---- probes ---- */

static void alloc_vars(struct cg *g, struct node *n);

/*
 * For the tests of the verifier-failure path only: with
 * SONDE_TEST_BAD_ACCESS=1 in the environment, every probe ends with a read
 * far outside its context, located at its last statement, which any
 * verifier rejects.
 */
static void test_bad_access(struct cg *g, struct node *probe)
{
	const char *e = getenv("SONDE_TEST_BAD_ACCESS");
	struct node *last = probe->c ? probe->c->a : NULL;

	if (!e || strcmp(e, "1") || !LLVMGetInsertBlock(g->b) ||
	    LLVMGetBasicBlockTerminator(LLVMGetInsertBlock(g->b)))
		return;
	while (last && last->next)
		last = last->next;
	cg_loc(g, last);
	LLVMValueRef off = LLVMConstInt(g->i64, 1 << 16, 0);
	LLVMValueRef p = LLVMBuildGEP2(g->b, g->i8, g->ctx_arg, &off, 1, "bad");
	LLVMValueRef v = LLVMBuildLoad2(g->b, g->i64, p, "bad_val");
	LLVMSetVolatile(v, 1);
}

static void define_probe(struct cg *g, struct node *probe)
{
	struct prog_desc *pd = probe->sema;
	LLVMTypeRef fty = LLVMFunctionType(g->i64, &g->ptr, 1, 0);
	LLVMValueRef fn = LLVMAddFunction(g->mod, pd->func_name, fty);

	LLVMSetSection(fn, pd->section);
	LLVMSetLinkage(fn, LLVMExternalLinkage);
	g->fn = fn;
	g->pd = pd;
	g->stmt = NULL;
	g->ctx_arg = LLVMGetParam(fn, 0);
	g->entry = LLVMAppendBasicBlockInContext(g->ctx, fn, "entry");

	/* Debug info: a subprogram gives BTF func and line info (verifier errors map back). */
	LLVMMetadataRef params[] = {g->di_int, g->di_int};
	LLVMMetadataRef sty = LLVMDIBuilderCreateSubroutineType(g->di, g->di_file, params, 2, 0);
	g->di_sp = LLVMDIBuilderCreateFunction(
		g->di, g->di_file, pd->func_name, strlen(pd->func_name), pd->func_name,
		strlen(pd->func_name), g->di_file, (unsigned)probe->loc.first_line, sty, 0, 1,
		(unsigned)probe->loc.first_line, LLVMDIFlagPrototyped, 1);
	LLVMSetSubprogram(fn, g->di_sp);
	LLVMMetadataRef argvar = LLVMDIBuilderCreateParameterVariable(
		g->di, g->di_sp, "ctx", 3, 1, g->di_file, (unsigned)probe->loc.first_line,
		g->di_int, 1, 0);
	(void)argvar;

	LLVMPositionBuilderAtEnd(g->b, g->entry);
	cg_loc(g, probe);
	g->scratch = NULL;
	g->scratch_ok = NULL;
	g->scratch_off = 0;
	g->nvars = (int)probe->len;
	g->vars = xcalloc((size_t)g->nvars + 1, sizeof(LLVMValueRef));
	LLVMBasicBlockRef body = cg_block(g, "body");
	LLVMBuildBr(g->b, body);
	/* Variable slots, sized from their final types and zeroed in the entry block. */
	if (cg_needs_frame(probe->c)) {
		cg_frame_vars(g, probe);
	} else {
		alloc_vars(g, probe->b);
		alloc_vars(g, probe->c);
	}
	LLVMPositionBuilderAtEnd(g->b, body);
	cg_prologue(g);
	if (probe->b) {
		LLVMValueRef c = cg_cond(g, probe->b);
		LLVMBasicBlockRef yes = cg_block(g, "pred_true"), no = cg_block(g, "pred_false");
		LLVMBuildCondBr(g->b, c, yes, no);
		LLVMPositionBuilderAtEnd(g->b, no);
		LLVMBuildRet(g->b, cg_const(g, 0));
		LLVMPositionBuilderAtEnd(g->b, yes);
	}
	cg_block_stmts(g, probe->c);
	test_bad_access(g, probe);
	LLVMBuildRet(g->b, cg_const(g, 0));
	free(g->vars);
	g->vars = NULL;
	g->di_sp = NULL;
	cg_frame_free(g);
	g->args_base = g->cookie = NULL;
}

/* Allocate variable slots lazily: walk the probe for vars, sized by final type. */
static void alloc_vars(struct cg *g, struct node *n)
{
	for (; n; n = n->next) {
		if (n->kind == N_VAR && n->sema) {
			struct sema_var *v = n->sema;
			if (v->index < g->nvars && !g->vars[v->index]) {
				uint32_t size = v->type->size ? v->type->size : 8;
				if (v->type->kind == T_INT || v->type->kind == T_BOOL)
					size = 8;
				g->vars[v->index] = cg_alloca(g, size, v->name);
				/* zero-initialise in the entry block */
				LLVMBuilderRef save = g->b;
				LLVMBuilderRef eb = LLVMCreateBuilderInContext(g->ctx);
				LLVMValueRef term = LLVMGetBasicBlockTerminator(cg_setup_block(g));
				LLVMPositionBuilderBefore(eb, term);
				g->b = eb;
				cg_memset0(g, g->vars[v->index], size);
				g->b = save;
				LLVMDisposeBuilder(eb);
			}
		}
		alloc_vars(g, n->a);
		alloc_vars(g, n->b);
		alloc_vars(g, n->c);
		alloc_vars(g, n->d);
	}
}

static LLVMValueRef define_scratch(struct cg *g, uint32_t size)
{
	return define_map(g, PROG_SCRATCH_MAP, BPF_MAP_TYPE_PERCPU_ARRAY, 1, 4, size);
}

/* ---- driver ---- */

struct diag_ctx {
	struct cg *g;
	const struct ast *ast;
	char last_fn[64]; /* LLVM may report the same function twice */
};

/* The probe whose BPF function is `fn` ("probe3"), for a located message. */
static const struct node *probe_of_function(const struct ast *ast, const char *fn)
{
	for (const struct node *n = ast->root ? ast->root->a : NULL; n; n = n->next) {
		const struct prog_desc *pd = n->kind == N_PROBE ? n->sema : NULL;
		if (pd && pd->func_name && !strcmp(pd->func_name, fn))
			return n;
	}
	return NULL;
}

void cg_stack_note(struct cg *g, uint32_t size)
{
	struct cg_stack_use *u;

	/* stmt NULL: variables and the prologue, for the whole function */
	/* newest first: a statement's slots come together, so this stays short */
	for (size_t i = g->stack_use.n; i-- > 0;) {
		u = g->stack_use.v[i];
		if (u->fn == g->fn && u->stmt == g->stmt) {
			u->bytes += size;
			return;
		}
	}
	u = xmalloc(sizeof(*u));
	*u = (struct cg_stack_use){.fn = g->fn, .stmt = g->stmt, .bytes = size};
	vec_push(&g->stack_use, u);
}

/*
 * The statement of function fn that takes the most stack, or NULL; *fixed
 * gets the bytes of its variables and prologue.
 */
static const struct cg_stack_use *largest_stack_user(struct cg *g, const char *fn, uint32_t *fixed)
{
	LLVMValueRef f = *fn ? LLVMGetNamedFunction(g->mod, fn) : NULL;
	const struct cg_stack_use *best = NULL;

	*fixed = 0;
	for (size_t i = 0; f && i < g->stack_use.n; i++) {
		const struct cg_stack_use *u = g->stack_use.v[i];
		if (u->fn == f && !u->stmt)
			*fixed += u->bytes;
		else if (u->fn == f && (!best || u->bytes > best->bytes))
			best = u;
	}
	return best;
}

static void diag_handler(LLVMDiagnosticInfoRef di, void *arg)
{
	struct diag_ctx *dc = arg;
	struct cg *g = dc->g;

	if (LLVMGetDiagInfoSeverity(di) != LLVMDSError)
		return;
	char *msg = LLVMGetDiagInfoDescription(di);
	char fn[64] = "";
	const char *in = strstr(msg, "in function ");
	const struct node *probe = NULL;

	if (in && sscanf(in, "in function %*s %*s %63[^ (]", fn) != 1)
		sscanf(in, "in function %63[^ (]", fn);
	if (*fn)
		probe = probe_of_function(dc->ast, fn);
	if (strstr(msg, "stack limit")) {
		uint32_t fixed;
		const struct cg_stack_use *u = largest_stack_user(g, fn, &fixed);
		if (fixed >= 256 && (!u || fixed >= u->bytes) && strcmp(fn, dc->last_fn)) {
			const struct span *loc = probe && probe->a ? &probe->a->loc : NULL;
			diag_error_hint(g->d, loc,
					"use fewer or smaller string and tuple variables, or split "
					"the work across probes",
					"this probe needs more than the 512 bytes of BPF stack "
					"that the kernel allows; its variables take %u bytes",
					fixed);
		} else if (u && u->bytes >= 64 && (!*fn || strcmp(fn, dc->last_fn))) {
			diag_error_hint(g->d, &u->stmt->loc,
					"use fewer or smaller strings, tuples and map keys in one "
					"statement or probe, or split the work across probes",
					"this probe needs more than the 512 bytes of BPF stack "
					"that the kernel allows; this statement takes the most "
					"(%u bytes)",
					u->bytes);
		} else if (!*fn || strcmp(fn, dc->last_fn)) {
			const struct span *loc = probe && probe->a ? &probe->a->loc : NULL;
			diag_error_hint(g->d, loc,
					"use fewer or smaller strings, tuples and map keys in one "
					"probe, or split the work across probes",
					"this probe needs more than the 512 bytes of BPF stack "
					"that the kernel allows");
		}
	} else if (strstr(msg, "built-in function") && (!*fn || strcmp(fn, dc->last_fn))) {
		/* memset/memcpy too large to inline: BPF has no library to call */
		diag_error_hint(g->d, probe && probe->a ? &probe->a->loc : NULL,
				"use smaller strings (BPFTRACE_MAX_STRLEN) and tuples",
				"this probe copies a value too large for BPF");
	} else if (!strstr(msg, "built-in function")) {
		diag_error(g->d, probe ? &probe->loc : NULL, "LLVM: %s", msg);
	}
	snprintf(dc->last_fn, sizeof(dc->last_fn), "%s", fn);
	LLVMDisposeMessage(msg);
}

/*
 * The kernel refuses a program of more than 1,000,000 instructions
 * (BPF_COMPLEXITY_LIMIT_INSNS) after a long wait: find it here, from the
 * sizes of the function symbols in the object, and say which probe.
 */
#define MAX_PROG_INSNS 1000000

static void check_prog_sizes(const struct ast *ast, const unsigned char *elf, size_t len,
			     struct diag *d)
{
	const Elf64_Ehdr *eh = (const void *)elf;

	if (len < sizeof(*eh) || eh->e_shoff > len ||
	    (len - eh->e_shoff) / sizeof(Elf64_Shdr) < eh->e_shnum)
		return;
	const Elf64_Shdr *sh = (const void *)(elf + eh->e_shoff);
	for (int i = 0; i < eh->e_shnum; i++) {
		if (sh[i].sh_type != SHT_SYMTAB || sh[i].sh_link >= eh->e_shnum ||
		    sh[i].sh_offset > len || sh[i].sh_size > len - sh[i].sh_offset)
			continue;
		const Elf64_Shdr *strs = &sh[sh[i].sh_link];
		const Elf64_Sym *sym = (const void *)(elf + sh[i].sh_offset);
		size_t n = sh[i].sh_size / sizeof(*sym);
		for (size_t j = 0; j < n; j++) {
			uint64_t insns = sym[j].st_size / 8;
			if (ELF64_ST_TYPE(sym[j].st_info) != STT_FUNC || insns <= MAX_PROG_INSNS ||
			    strs->sh_offset + sym[j].st_name >= len)
				continue;
			const char *name = (const char *)elf + strs->sh_offset + sym[j].st_name;
			const struct node *probe = probe_of_function(ast, name);
			diag_error_hint(
				d, probe && probe->a ? &probe->a->loc : NULL,
				"split the work across several probes",
				"this probe compiles to %llu BPF instructions, more than the "
				"kernel's limit of %d",
				(unsigned long long)insns, MAX_PROG_INSNS);
		}
	}
}

/*
 * LLVM aborts on some limits of the BPF target (a jump farther than 32767
 * instructions: "Branch target out of insn range"). Nothing is loaded yet,
 * so say it in one sentence and leave without a core dump.
 */
/* The largest probe of the module being emitted: the likeliest cause of a fatal error. */
static struct diag *fatal_diag;
static const struct span *fatal_loc;

static void fatal_handler(const char *reason)
{
	if (fatal_diag && fatal_loc) {
		diag_error_hint(
			fatal_diag, fatal_loc,
			"split the work across several probes, or unroll fewer statements",
			"this probe is too large for BPF: a jump in it reaches farther than "
			"32767 instructions (LLVM: %s)",
			reason);
		diag_flush(fatal_diag, stderr);
		fflush(stderr);
		_exit(1);
	}
	fprintf(stderr,
		"ERROR: a probe is too large for BPF (LLVM: %s)\nHINT: split the work across "
		"several probes\n",
		reason);
	fflush(stderr);
	_exit(1);
}

/*
 * A located error, before the long work of code generation, for probes
 * that certainly exceed the kernel's 1,000,000 instructions. A probe of
 * 30,000 or more may still compile and load (straight-line printfs do);
 * one whose jumps reach too far makes LLVM fail, and fatal_handler says
 * which probe.
 */
#define MAX_IR_INSNS MAX_PROG_INSNS

static void check_ir_sizes(struct cg *g, const struct ast *ast, long max)
{
	long most = 0;

	fatal_diag = g->d;
	fatal_loc = NULL;
	for (LLVMValueRef fn = LLVMGetFirstFunction(g->mod); fn; fn = LLVMGetNextFunction(fn)) {
		long n = 0;
		for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn); bb;
		     bb = LLVMGetNextBasicBlock(bb))
			for (LLVMValueRef in = LLVMGetFirstInstruction(bb); in;
			     in = LLVMGetNextInstruction(in))
				n++;
		size_t len;
		const char *name = LLVMGetValueName2(fn, &len);
		const struct node *probe = probe_of_function(ast, name);
		if (n > most && probe && probe->a) {
			most = n;
			fatal_loc = &probe->a->loc;
		}
		if (n <= max)
			continue;
		diag_error_hint(g->d, probe && probe->a ? &probe->a->loc : NULL,
				"split the work across several probes",
				"this probe is too large for BPF (%ld instructions before code "
				"generation; the kernel takes %d)",
				n, MAX_PROG_INSNS);
	}
}

static bool targets_ready;

int codegen_run(struct ast *ast, struct program *prog, struct diag *d, const struct cg_opts *opts)
{
	struct cg g = {.prog = prog, .d = d, .helper_errors = opts && opts->helper_errors};
	struct diag_ctx dc = {.g = &g, .ast = ast};
	char *err = NULL;
	int ret = -1;

	if (!targets_ready) {
		LLVMInitializeBPFTargetInfo();
		LLVMInitializeBPFTarget();
		LLVMInitializeBPFTargetMC();
		LLVMInitializeBPFAsmPrinter();
		LLVMInstallFatalErrorHandler(fatal_handler);
		targets_ready = true;
	}
	g.ctx = LLVMContextCreate();
	LLVMContextSetDiagnosticHandler(g.ctx, diag_handler, &dc);
	g.mod = LLVMModuleCreateWithNameInContext("sonde", g.ctx);
	LLVMSetTarget(g.mod, "bpfel");
	LLVMSetDataLayout(g.mod, "e-m:e-p:64:64-i64:64-i128:128-n32:64-S128");
	g.b = LLVMCreateBuilderInContext(g.ctx);
	g.i8 = LLVMInt8TypeInContext(g.ctx);
	g.i16 = LLVMInt16TypeInContext(g.ctx);
	g.i32 = LLVMInt32TypeInContext(g.ctx);
	g.i64 = LLVMInt64TypeInContext(g.ctx);
	g.ptr = LLVMPointerTypeInContext(g.ctx, 0);
	g.vo = LLVMVoidTypeInContext(g.ctx);

	g.di = LLVMCreateDIBuilder(g.mod);
	const char *fname = d->src && d->src->name ? d->src->name : "stdin";
	g.di_file = LLVMDIBuilderCreateFile(g.di, fname, strlen(fname), ".", 1);
	g.di_cu = LLVMDIBuilderCreateCompileUnit(g.di, LLVMDWARFSourceLanguageC, g.di_file, "sonde",
						 5, 0, "", 0, 0, "", 0, LLVMDWARFEmissionFull, 0, 0,
						 0, "", 0, "", 0);
	g.di_int = LLVMDIBuilderCreateBasicType(g.di, "int", 3, 32, 5 /* DW_ATE_signed */,
						LLVMDIFlagZero);
	LLVMAddModuleFlag(g.mod, LLVMModuleFlagBehaviorWarning, "Debug Info Version", 18,
			  LLVMValueAsMetadata(LLVMConstInt(g.i32, LLVMDebugMetadataVersion(), 0)));
	LLVMAddModuleFlag(g.mod, LLVMModuleFlagBehaviorWarning, "Dwarf Version", 13,
			  LLVMValueAsMetadata(LLVMConstInt(g.i32, 4, 0)));

	define_maps(&g);
	const char *license = prog->license ? prog->license : "GPL";
	LLVMTypeRef lic_ty = LLVMArrayType(g.i8, (unsigned)strlen(license) + 1);
	LLVMValueRef lic = LLVMAddGlobal(g.mod, lic_ty, "_license");
	LLVMSetInitializer(lic,
			   LLVMConstStringInContext(g.ctx, license, (unsigned)strlen(license), 0));
	LLVMSetSection(lic, "license");

	for (struct node *n = ast->root->a; n; n = n->next) {
		if (n->kind != N_PROBE)
			continue;
		g.nvars = (int)n->len;
		define_probe(&g, n);
	}
	cg_scratch_finish(&g, define_scratch);
	LLVMDIBuilderFinalize(g.di);

	if (opts && opts->dump_ir) {
		char *s = LLVMPrintModuleToString(g.mod);
		fputs(s, opts->dump_ir);
		LLVMDisposeMessage(s);
	}
	if (LLVMVerifyModule(g.mod, LLVMReturnStatusAction, &err)) {
		diag_error(d, NULL, "internal error: invalid LLVM IR: %s", err);
		LLVMDisposeMessage(err);
		goto out;
	}
	LLVMDisposeMessage(err);
	err = NULL;

	LLVMTargetRef target;
	if (LLVMGetTargetFromTriple("bpfel", &target, &err)) {
		diag_error(d, NULL, "LLVM has no BPF target: %s", err);
		LLVMDisposeMessage(err);
		goto out;
	}
	LLVMTargetMachineRef tm =
		LLVMCreateTargetMachine(target, "bpfel", "v3", "", LLVMCodeGenLevelDefault,
					LLVMRelocDefault, LLVMCodeModelDefault);
	/*
	 * A short scalar pipeline through the legacy pass manager: it makes
	 * the same code as -O2 for probe bodies (no loops or calls to inline)
	 * while linking a fraction of LLVM, which keeps start-up time and
	 * resident memory low.
	 */
	LLVMPassManagerRef pm = LLVMCreatePassManager();
	LLVMAddPromoteMemoryToRegisterPass(pm);
	LLVMAddScalarReplAggregatesPass(pm);
	LLVMAddEarlyCSEPass(pm);
	LLVMAddInstructionCombiningPass(pm);
	LLVMAddCFGSimplificationPass(pm);
	LLVMAddGVNPass(pm);
	LLVMAddDeadStoreEliminationPass(pm);
	LLVMAddInstructionCombiningPass(pm);
	LLVMAddCFGSimplificationPass(pm);
	LLVMRunPassManager(pm, g.mod);
	LLVMDisposePassManager(pm);
	if (opts && opts->dump_ir_opt) {
		char *s = LLVMPrintModuleToString(g.mod);
		fputs(s, opts->dump_ir_opt);
		LLVMDisposeMessage(s);
	}
	if (opts && opts->emit_llvm)
		LLVMPrintModuleToFile(g.mod, opts->emit_llvm, NULL);
	check_ir_sizes(&g, ast, opts && opts->max_ir_insns ? opts->max_ir_insns : MAX_IR_INSNS);
	if (diag_errors(d)) {
		LLVMDisposeTargetMachine(tm);
		goto out;
	}
	LLVMMemoryBufferRef buf = NULL;
	if (LLVMTargetMachineEmitToMemoryBuffer(tm, g.mod, LLVMObjectFile, &err, &buf)) {
		diag_error(d, NULL, "LLVM could not emit BPF: %s", err);
		LLVMDisposeMessage(err);
		LLVMDisposeTargetMachine(tm);
		goto out;
	}
	LLVMDisposeTargetMachine(tm);
	if (diag_errors(d)) {
		LLVMDisposeMemoryBuffer(buf);
		goto out;
	}
	prog->elf_size = LLVMGetBufferSize(buf);
	prog->elf = xmalloc(prog->elf_size);
	memcpy(prog->elf, LLVMGetBufferStart(buf), prog->elf_size);
	LLVMDisposeMemoryBuffer(buf);
	check_prog_sizes(ast, prog->elf, prog->elf_size, d);
	if (diag_errors(d))
		goto out;
	ret = 0;
out:
	for (size_t i = 0; i < g.stack_use.n; i++)
		free(g.stack_use.v[i]);
	vec_free(&g.stack_use);
	cg_stack_free_all(&g);
	free(g.map_globals);
	LLVMDisposeDIBuilder(g.di);
	LLVMDisposeBuilder(g.b);
	LLVMDisposeModule(g.mod);
	LLVMContextDispose(g.ctx);
	return ret;
}
