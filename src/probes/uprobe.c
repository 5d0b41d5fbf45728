// SPDX-License-Identifier: GPL-2.0
/*
 * uprobe/uretprobe:BIN:FUNC. BIN is a path, a program found in $PATH or a
 * library's short name ("libc"), FUNC a symbol (wildcards allowed, C++
 * names demangled under `cpp:`), FUNC+OFF or an address. Symbols come from
 * the ELF .symtab/.dynsym with libelf; each target carries the file offset
 * that the kernel's uprobe wants, and its cookie also names the function
 * for `func` (high 32 bits).
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "prog/prog.h"
#include "probes/multi.h"
#include "probes/provider.h"
#include "probes/uprobe.h"

/* libstdc++'s demangler (the binary links the C++ runtime for LLVM). */
extern char *__cxa_demangle(const char *mangled, char *buf, size_t *len, int *status);

static bool is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* libc.so is often a linker script: only ELF files count. */
static bool is_elf(const char *path)
{
	char magic[4] = {0};
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool ok = fd >= 0 && read(fd, magic, 4) == 4 &&
		  !memcmp(magic,
			  "\x7f"
			  "ELF",
			  4);

	if (fd >= 0)
		close(fd);
	return ok;
}

static char *find_in_path(const char *name)
{
	const char *path = getenv("PATH");
	char *copy, *save = NULL, *found = NULL;

	copy = xstrdup(path ? path : "/usr/bin:/bin");
	for (char *d = strtok_r(copy, ":", &save); d && !found; d = strtok_r(NULL, ":", &save)) {
		char *p = xasprintf("%s/%s", d, name);

		if (is_file(p) && access(p, X_OK) == 0)
			found = p;
		else
			free(p);
	}
	free(copy);
	return found;
}

/* "libc" -> /lib/x86_64-linux-gnu/libc.so.6, through the library directories. */
static char *find_library(const char *name)
{
	static const char *const dirs[] = {
		"/lib/x86_64-linux-gnu",
		"/usr/lib/x86_64-linux-gnu",
		"/lib64",
		"/usr/lib64",
		"/lib",
		"/usr/lib",
		"/usr/local/lib",
		NULL,
	};
	const char *const forms[] = {"%s/%s.so",      "%s/%s.so.6",   "%s/%s.so.1",
				     "%s/%s.so.0",    "%s/lib%s.so",  "%s/lib%s.so.6",
				     "%s/lib%s.so.1", "%s/lib%s.so.0"};

	for (const char *const *d = dirs; *d; d++)
		for (size_t f = 0; f < ARRAY_SIZE(forms); f++) {
			char *p = xasprintf(forms[f], *d, name);

			if (is_file(p) && is_elf(p)) {
				char *real = realpath(p, NULL);

				free(p);
				return real;
			}
			free(p);
		}
	return NULL;
}

char *uprobe_resolve_binary(const char *bin, int pid)
{
	char *p;

	if (strchr(bin, '/'))
		return is_file(bin) ? realpath(bin, NULL) : NULL;
	if (pid > 0) {
		/* A library mapped in the process: /proc/PID/maps has its path. */
		char *maps_path = xasprintf("/proc/%d/maps", pid);
		char *maps = util_read_file(maps_path, NULL);
		char *found = NULL;

		free(maps_path);
		for (char *line = maps ? strtok(maps, "\n") : NULL; line && !found;
		     line = strtok(NULL, "\n")) {
			char *path = strchr(line, '/');
			const char *base = path ? strrchr(path, '/') + 1 : NULL;
			size_t n = strlen(bin);

			if (base && !strncmp(base, "lib", 3) && strncmp(bin, "lib", 3))
				base += 3; /* "sondetest" names libsondetest.so too */
			if (base && !strncmp(base, bin, n) &&
			    (base[n] == '.' || base[n] == '-' || !base[n]))
				found = xstrdup(path);
		}
		free(maps);
		if (found)
			return found;
	}
	if ((p = find_in_path(bin)))
		return p;
	return find_library(bin);
}

/* ---- ELF symbols ---- */

void uprobe_syms_free(struct vec *syms)
{
	for (size_t i = 0; i < syms->n; i++) {
		struct uprobe_sym *s = syms->v[i];

		free(s->name);
		free(s->demangled);
		free(s);
	}
	vec_free(syms);
}

/* Virtual address -> file offset through the PT_LOAD headers. */
static bool addr_to_off(Elf *e, uint64_t addr, uint64_t *off)
{
	size_t n;

	if (elf_getphdrnum(e, &n))
		return false;
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(e, (int)i, &ph) || ph.p_type != PT_LOAD || !(ph.p_flags & PF_X))
			continue;
		if (addr >= ph.p_vaddr && addr < ph.p_vaddr + ph.p_memsz) {
			*off = addr - ph.p_vaddr + ph.p_offset;
			return true;
		}
	}
	return false;
}

bool uprobe_elf_each_sym(Elf *e, bool (*fn)(void *ctx, const GElf_Sym *sym, const char *name),
			 void *ctx)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;

		if (!gelf_getshdr(scn, &sh) ||
		    (sh.sh_type != SHT_SYMTAB && sh.sh_type != SHT_DYNSYM))
			continue;
		data = elf_getdata(scn, NULL);
		for (size_t i = 0; data && sh.sh_entsize && i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Sym sym;
			const char *name;

			if (!gelf_getsym(data, (int)i, &sym) || sym.st_shndx == SHN_UNDEF)
				continue;
			name = elf_strptr(e, sh.sh_link, sym.st_name);
			if (name && *name && fn(ctx, &sym, name))
				return true;
		}
	}
	return false;
}

struct read_ctx {
	Elf *e;
	struct vec *syms;
};

/* A function symbol with a file offset becomes a struct uprobe_sym. */
static bool add_sym(void *ctx, const GElf_Sym *sym, const char *name)
{
	struct read_ctx *rc = ctx;
	struct uprobe_sym *s;
	uint64_t off;

	if (!sym->st_value ||
	    (GELF_ST_TYPE(sym->st_info) != STT_FUNC &&
	     GELF_ST_TYPE(sym->st_info) != STT_GNU_IFUNC) ||
	    !addr_to_off(rc->e, sym->st_value, &off))
		return false;
	s = xcalloc(1, sizeof(*s));
	s->name = xstrdup(name);
	s->addr = sym->st_value;
	s->size = sym->st_size;
	s->offset = off;
	if (!strncmp(name, "_Z", 2)) {
		int status = 0;
		char *d = __cxa_demangle(name, NULL, NULL, &status);

		if (d && !status)
			s->demangled = d;
		else
			free(d);
	}
	vec_push(rc->syms, s);
	return false;
}

static int sym_cmp(const void *a, const void *b)
{
	const struct uprobe_sym *x = *(const struct uprobe_sym *const *)a;
	const struct uprobe_sym *y = *(const struct uprobe_sym *const *)b;

	return strcmp(x->name, y->name);
}

struct find_ctx {
	const char *name;
	uint64_t addr, size;
};

static bool find_sym(void *ctx, const GElf_Sym *sym, const char *name)
{
	struct find_ctx *f = ctx;

	if (strcmp(name, f->name) || !sym->st_value)
		return false;
	f->addr = sym->st_value;
	f->size = sym->st_size;
	return true;
}

int uprobe_find_sym(const char *path, const char *name, uint64_t *addr, uint64_t *size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct find_ctx f = {name, 0, 0};
	bool found = false;
	Elf *e;

	if (fd < 0)
		return -1;
	elf_version(EV_CURRENT);
	e = elf_begin(fd, ELF_C_READ, NULL);
	if (e && elf_kind(e) == ELF_K_ELF)
		found = uprobe_elf_each_sym(e, find_sym, &f);
	if (e)
		elf_end(e);
	close(fd);
	*addr = f.addr;
	*size = f.size;
	return found ? 0 : -1;
}

int uprobe_read_syms(const char *path, struct vec *syms, struct strbuf *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	Elf *e;

	if (fd < 0) {
		sb_printf(err, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	elf_version(EV_CURRENT);
	e = elf_begin(fd, ELF_C_READ, NULL);
	if (!e || elf_kind(e) != ELF_K_ELF) {
		sb_printf(err, "%s is not an ELF file", path);
		if (e)
			elf_end(e);
		close(fd);
		return -1;
	}
	struct read_ctx rc = {e, syms};
	uprobe_elf_each_sym(e, add_sym, &rc);
	elf_end(e);
	close(fd);
	/* .symtab and .dynsym repeat each other (versioned aliases too): sort
	 * by name and keep one of each, in O(n log n) for big C++ binaries. */
	if (syms->n > 1)
		qsort(syms->v, syms->n, sizeof(void *), sym_cmp);
	size_t kept = 0;
	for (size_t i = 0; i < syms->n; i++) {
		struct uprobe_sym *cur = syms->v[i];

		if (kept && !strcmp(((struct uprobe_sym *)syms->v[kept - 1])->name, cur->name)) {
			free(cur->name);
			free(cur->demangled);
			free(cur);
			continue;
		}
		syms->v[kept++] = cur;
	}
	syms->n = kept;
	return 0;
}

/* ---- expansion ---- */

/*
 * The probe's name keeps a path as the script wrote it (probe, -l), as in
 * bpftrace; a bare name (bash, libc) shows the file it resolved to.
 */
static const char *bin_label(const char *written, const char *path)
{
	return strchr(written, '/') ? written : path;
}

static void add_target(const struct provider *p, const char *bin, const char *label,
		       const char *shown, const char *func, uint64_t off, struct vec *out)
{
	char *name = xasprintf("%s:%s:%s", p->name, label, shown);
	struct attach_target *t = provider_target_new(p, name, bin);

	t->offset = off;
	t->func = xstrdup(func);
	vec_push(out, t);
	free(name);
}

/* Demangled C++ name without its parameter list: "ns::f(int)" -> "ns::f". */
static char *cpp_base(const char *d)
{
	const char *paren = strchr(d, '(');

	return paren ? xstrndup(d, (size_t)(paren - d)) : xstrdup(d);
}

int uprobe_expand_in(const struct provider *p, char **parts, int nparts, int pid, struct vec *out,
		     struct strbuf *err)
{
	const char *bin, *func, *lang = NULL;
	struct vec syms = {0};
	size_t start = out->n;
	char *path, *plus, *joined = NULL;
	uint64_t add = 0;
	char *fcopy;
	int rc = -1;

	/* uprobe:BIN:cpp:ns::f, unquoted: the rest of the parts is the name. */
	if (nparts > 3 && !strcmp(parts[1], "cpp")) {
		struct strbuf sb;

		sb_init(&sb);
		for (int i = 2; i < nparts; i++)
			sb_printf(&sb, "%s%s", i > 2 ? ":" : "", parts[i]);
		joined = sb_detach(&sb);
		sb_free(&sb);
		nparts = 3;
	}
	if (nparts == 2) {
		bin = parts[0];
		func = parts[1];
	} else if (nparts == 3) {
		bin = parts[0];
		lang = parts[1];
		func = joined ? joined : parts[2];
		if (strcmp(lang, "cpp") && strcmp(lang, "c")) {
			sb_printf(err, "unsupported language '%s' in %s probe: use cpp", lang,
				  p->name);
			return -1;
		}
	} else {
		sb_printf(err, "%s probe type requires 2 or 3 arguments: %s:BINARY:FUNCTION",
			  p->name, p->name);
		return -1;
	}
	if (!*bin || !*func) {
		sb_printf(err, "%s probe needs a binary and a function", p->name);
		free(joined);
		return -1;
	}
	path = uprobe_resolve_binary(bin, pid);
	if (!path) {
		sb_printf(err, "uprobe target file '%s' does not exist or is not executable", bin);
		free(joined);
		return -1;
	}
	fcopy = xstrdup(func);
	plus = strchr(fcopy, '+');
	if (plus) {
		char *end;

		*plus = '\0';
		add = strtoull(plus + 1, &end, 0);
		if (*end || plus[1] == '\0') {
			sb_printf(err, "invalid offset in %s:%s", bin, func);
			goto fail;
		}
	}
	if (!lang && fcopy[0] >= '0' && fcopy[0] <= '9') {
		/* uprobe:BIN:ADDRESS: a virtual address in the file. */
		char *end;
		uint64_t addr = strtoull(fcopy, &end, 0);
		Elf *e;
		int fd;
		uint64_t off = 0;
		bool ok = false;

		if (*end) {
			sb_printf(err, "invalid address '%s'", fcopy);
			goto fail;
		}
		fd = open(path, O_RDONLY | O_CLOEXEC);
		elf_version(EV_CURRENT);
		e = fd >= 0 ? elf_begin(fd, ELF_C_READ, NULL) : NULL;
		ok = e && addr_to_off(e, addr + add, &off);
		if (e)
			elf_end(e);
		if (fd >= 0)
			close(fd);
		if (!ok) {
			sb_printf(err, "Could not resolve address: %s:0x%llx", bin,
				  (unsigned long long)addr);
			goto fail;
		}
		add_target(p, path, bin_label(bin, path), fcopy, fcopy, off, out);
		goto done;
	}
	if (uprobe_read_syms(path, &syms, err))
		goto fail;
	for (size_t i = 0; i < syms.n; i++) {
		struct uprobe_sym *s = syms.v[i];

		if (lang && !strcmp(lang, "cpp")) {
			char *base;
			bool hit;

			if (!s->demangled)
				continue;
			base = cpp_base(s->demangled);
			hit = util_wildcard_match(fcopy, base) ||
			      util_wildcard_match(fcopy, s->demangled);
			if (hit) {
				char *shown = xasprintf("cpp:%s", s->demangled);

				add_target(p, path, bin_label(bin, path), shown, s->demangled,
					   s->offset + add, out);
				free(shown);
			}
			free(base);
			continue;
		}
		if (plus && s->size && add >= s->size && util_wildcard_match(fcopy, s->name)) {
			/* bpftrace's words: past the end would probe another function */
			sb_printf(err, "Offset outside the function bounds ('%s' size is %llu)",
				  s->name, (unsigned long long)s->size);
			goto fail;
		}
		if (util_wildcard_match(fcopy, s->name))
			add_target(p, path, bin_label(bin, path), plus ? func : s->name, s->name,
				   s->offset + add, out);
	}
	if (out->n == start) {
		/* bpftrace's words, with the binary as written */
		sb_printf(err, "Could not resolve symbol: %s:%s", bin, func);
		rc = PROVIDER_MISSING;
		goto fail;
	}
	if (plus && out->n - start > 1) {
		sb_printf(err, "an offset (+%s) needs one function, not a wildcard", plus + 1);
		goto fail;
	}
done:
	uprobe_syms_free(&syms);
	free(joined);
	free(fcopy);
	free(path);
	provider_targets_sort(out, start);
	return (int)(out->n - start);
fail:
	for (size_t i = start; i < out->n; i++)
		provider_target_free(out->v[i]);
	out->n = start;
	uprobe_syms_free(&syms);
	free(joined);
	free(fcopy);
	free(path);
	return rc;
}

static int up_expand(const struct provider *p, char **parts, int nparts, struct vec *out,
		     struct strbuf *err)
{
	return uprobe_expand_in(p, parts, nparts, provider_pid, out, err);
}

static int up_fields(const struct attach_target *t, struct vec *out, struct strbuf *err)
{
	(void)t;
	(void)out;
	(void)err;
	return 0;
}

const char *uprobe_strerror(int e)
{
	/* ENOTSUPP, kernel-internal: an instruction it cannot replace by a breakpoint. */
	return e == 524 ? "the kernel cannot probe the instruction there (ENOTSUPP)" : strerror(e);
}

int uprobe_attach_at(struct bpf_program *prog, const struct attach_target *t, bool ret,
		     struct vec *links, struct strbuf *err)
{
	/* usdt targets carry their semaphore; uprobe targets have none (0) */
	LIBBPF_OPTS(bpf_uprobe_opts, opts, .bpf_cookie = t->cookie, .retprobe = ret,
		    .ref_ctr_offset = (size_t)t->ref_ctr_off);
	struct bpf_link *link;

	link = bpf_program__attach_uprobe_opts(prog, provider_pid > 0 ? provider_pid : -1,
					       t->target, (size_t)t->offset, &opts);
	if (!link) {
		sb_printf(err, "cannot attach to %s: %s", t->name, uprobe_strerror(errno));
		return -1;
	}
	vec_push(links, link);
	return 0;
}

static int up_attach(struct bpf_program *prog, const struct attach_target *t, struct vec *links,
		     struct strbuf *err)
{
	return uprobe_attach_at(prog, t, !strcmp(t->prov->name, "uretprobe"), links, err);
}

/*
 * Multi links when a binary has more than one target in this probe
 * (uprobe:libc:str*): then every target of the program goes through them.
 */
static int up_load_attach_type(const struct prog_desc *pd)
{
	return multi_uprobe_load_type(pd);
}

static int up_attach_many(struct bpf_program *prog, struct attach_target *const *targets, size_t n,
			  struct vec *links, struct strbuf *err)
{
	if (!n || bpf_program__expected_attach_type(prog) != MULTI_UPROBE_ATTACH)
		return 0;
	return multi_attach_uprobes(prog, targets, n, !strcmp(targets[0]->prov->name, "uretprobe"),
				    provider_pid, links, err);
}

/* `func` names the function: its name index rides in the cookie's high half. */
static void up_prepare(struct prog_desc *pd, struct program *p)
{
	for (size_t i = 0; i < pd->targets.n; i++) {
		struct attach_target *t = pd->targets.v[i];

		if (t->func)
			t->cookie |= (uint64_t)prog_probe_name(p, t->func) << 32;
	}
}

static const char *const up_aliases[] = {"u", NULL};
static const char *const ur_aliases[] = {"ur", NULL};

const struct provider provider_uprobe = {
	.name = "uprobe",
	.aliases = up_aliases,
	.section = "uprobe",
	.ctx_regs = PROVIDER_REGS_ARGS,
	.expand = up_expand,
	.fields = up_fields,
	.attach = up_attach,
	.load_attach_type = up_load_attach_type,
	.attach_many = up_attach_many,
	.prepare = up_prepare,
};

const struct provider provider_uretprobe = {
	.name = "uretprobe",
	.aliases = ur_aliases,
	.section = "uretprobe",
	.ctx_regs = PROVIDER_REGS_RETVAL,
	.expand = up_expand,
	.fields = up_fields,
	.attach = up_attach,
	.load_attach_type = up_load_attach_type,
	.attach_many = up_attach_many,
	.prepare = up_prepare,
};
