// SPDX-License-Identifier: GPL-2.0
/*
 * usdt:BIN:[PROVIDER:]NAME. The probes are the NT_STAPSDT notes of
 * .note.stapsdt (read with libelf); each note gives a pc, the link-time
 * address of .stapsdt.base (prelink moves it: the pc moves with it), a
 * semaphore address and the argument specs. Each note is one uprobe at the
 * pc's file offset; a semaphore rides on the kernel's uprobe ref_ctr, so
 * the kernel increments it in every traced process and drops it again on
 * detach, even when sonde is killed.
 *
 * The cookie's low half is the probe name index; its high half numbers the
 * distinct argument specs of the program's targets, for codegen.
 *
 * When a binary holds several sites of a program (a probe inlined at many
 * call sites, usdt:BIN:*), they attach with one uprobe_multi link
 * (multi.c), each offset with its own cookie and semaphore offset.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <glob.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "prog/prog.h"
#include "probes/multi.h"
#include "probes/provider.h"
#include "probes/uprobe.h"
#include "prog/usdt.h"

#define NT_STAPSDT 3

/* ---- notes ---- */

struct usdt_note {
	const char *provider, *name, *args;
	uint64_t pc, base, sema;
};

/* Address -> file offset through the PT_LOAD headers (exec-only for code). */
static bool seg_off(Elf *e, uint64_t addr, bool exec, uint64_t *off)
{
	size_t n;

	if (elf_getphdrnum(e, &n))
		return false;
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(e, (int)i, &ph) || ph.p_type != PT_LOAD ||
		    (exec && !(ph.p_flags & PF_X)))
			continue;
		if (addr >= ph.p_vaddr && addr < ph.p_vaddr + ph.p_memsz) {
			*off = addr - ph.p_vaddr + ph.p_offset;
			return true;
		}
	}
	return false;
}

static bool parse_note(const char *desc, size_t len, struct usdt_note *note)
{
	const char *end = desc + len, *s = desc + 24;

	if (len < 24 + 3 || desc[len - 1])
		return false;
	memcpy(&note->pc, desc, 8);
	memcpy(&note->base, desc + 8, 8);
	memcpy(&note->sema, desc + 16, 8);
	note->provider = s;
	s += strlen(s) + 1;
	if (s >= end)
		return false;
	note->name = s;
	s += strlen(s) + 1;
	note->args = s < end ? s : "";
	return true;
}

/* The link-time address of symbol name in the ELF file e; false if absent. */
struct sym_find {
	const char *name;
	uint64_t addr;
};

static bool sym_match(void *ctx, const GElf_Sym *sym, const char *name)
{
	struct sym_find *f = ctx;

	f->addr = sym->st_value;
	return !strcmp(name, f->name);
}

static bool sym_addr(Elf *e, const char *name, uint64_t *addr)
{
	struct sym_find f = {name, 0};

	if (!uprobe_elf_each_sym(e, sym_match, &f))
		return false;
	*addr = f.addr;
	return true;
}

/*
 * Arguments naming a symbol ("-4@counter(%rip)", "8@tab+8(%rip)") become
 * offsets from the probe's own ip, which the uprobe sees as its address:
 * the symbol and the probe move together with the load address. A symbol
 * that is not found leaves the token as it was (and argN reports it).
 */
static char *resolve_rip_args(Elf *e, const char *args, uint64_t pc)
{
	char *copy = xstrdup(args), *save = NULL;
	struct strbuf sb;

	sb_init(&sb);
	for (char *tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		char *at = strchr(tok, '@'), *paren = strstr(tok, "(%rip)");
		const char *sym = at ? at + 1 : tok;
		uint64_t addr;
		int64_t add = 0;

		if (sb.len)
			sb_putc(&sb, ' ');
		if (paren && paren[6] == '\0' && sym < paren &&
		    ((*sym >= 'a' && *sym <= 'z') || (*sym >= 'A' && *sym <= 'Z') || *sym == '_')) {
			char *name = xstrndup(sym, (size_t)(paren - sym)), *plus;

			plus = strpbrk(name, "+-");
			if (plus) {
				add = strtoll(plus, NULL, 0);
				*plus = '\0';
			}
			if (sym_addr(e, name, &addr)) {
				sb_printf(&sb, "%.*s%lld(%%rip)", at ? (int)(at + 1 - tok) : 0, tok,
					  (long long)(addr + (uint64_t)add - pc));
				free(name);
				continue;
			}
			free(name);
		}
		sb_printf(&sb, "%s", tok);
	}
	free(copy);
	copy = sb_detach(&sb);
	sb_free(&sb);
	return copy ? copy : xstrdup("");
}

struct match {
	const char *bin, *prov, *name; /* prov NULL: any provider */
	const char *label;	       /* the path as written, for the probe's name */
	const struct provider *p;
	struct vec *out;
};

static void add_note(const struct match *m, Elf *e, const struct usdt_note *note,
		     uint64_t base_addr)
{
	uint64_t pc = note->pc, off, sema_off = 0;
	struct attach_target *t;
	char *name;

	if ((m->prov && !util_wildcard_match(m->prov, note->provider)) ||
	    !util_wildcard_match(m->name, note->name))
		return;
	if (note->base && base_addr)
		pc += base_addr - note->base; /* prelinked: the notes kept the old base */
	if (!seg_off(e, pc, true, &off) ||
	    (note->sema && !seg_off(e, note->sema, false, &sema_off)))
		return;
	name = xasprintf("usdt:%s:%s:%s", m->label ? m->label : m->bin, note->provider, note->name);
	t = provider_target_new(m->p, name, m->bin);
	t->offset = off;
	t->ref_ctr_off = sema_off;
	t->usdt_args = strstr(note->args, "(%rip)") ? resolve_rip_args(e, note->args, pc)
						    : xstrdup(note->args);
	vec_push(m->out, t);
	free(name);
}

static int read_notes(const char *path, const struct match *m, struct strbuf *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	uint64_t base_addr = 0;
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	Elf *e;

	if (fd < 0) {
		sb_printf(err, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	elf_version(EV_CURRENT);
	e = elf_begin(fd, ELF_C_READ, NULL);
	if (!e || elf_kind(e) != ELF_K_ELF || elf_getshdrstrndx(e, &shstrndx)) {
		sb_printf(err, "%s is not an ELF file", path);
		if (e)
			elf_end(e);
		close(fd);
		return -1;
	}
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		const char *sname;

		if (gelf_getshdr(scn, &sh) && (sname = elf_strptr(e, shstrndx, sh.sh_name)) &&
		    !strcmp(sname, ".stapsdt.base"))
			base_addr = sh.sh_addr;
	}
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;
		GElf_Nhdr nh;
		size_t pos = 0, name_off, desc_off;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		data = elf_getdata(scn, NULL);
		while (data && (pos = gelf_getnote(data, pos, &nh, &name_off, &desc_off)) > 0) {
			struct usdt_note note;
			const char *buf = data->d_buf;

			if (nh.n_type != NT_STAPSDT || nh.n_namesz != 8 ||
			    memcmp(buf + name_off, "stapsdt", 8))
				continue;
			if (parse_note(buf + desc_off, nh.n_descsz, &note))
				add_note(m, e, &note, base_addr);
		}
	}
	elf_end(e);
	close(fd);
	return 0;
}

/*
 * -p with a binary wildcard (usdt:*:ns:probe, or an empty binary): every
 * ELF file mapped in the process whose path or base name matches.
 */
static int notes_in_process(struct match *m, const char *bin, struct strbuf *err)
{
	char *maps_path = xasprintf("/proc/%d/maps", provider_pid);
	char *maps = util_read_file(maps_path, NULL), *save = NULL;
	struct vec seen = {0};
	int rc = 0;

	free(maps_path);
	if (!maps) {
		sb_printf(err, "cannot read the memory map of process %d", provider_pid);
		return -1;
	}
	for (char *line = strtok_r(maps, "\n", &save); line && !rc;
	     line = strtok_r(NULL, "\n", &save)) {
		char *path = strchr(line, '/');
		const char *base = path ? strrchr(path, '/') + 1 : NULL;
		bool dup = false;

		if (!path || strstr(path, " (deleted)"))
			continue;
		if (*bin && !util_wildcard_match(bin, path) && !util_wildcard_match(bin, base))
			continue;
		for (size_t i = 0; i < seen.n && !dup; i++)
			dup = !strcmp(seen.v[i], path);
		if (dup)
			continue;
		vec_push(&seen, path);
		m->bin = path;
		if (read_notes(path, m, err)) {
			sb_reset(err); /* not an ELF file (a font, a locale archive): skip it */
		}
	}
	vec_free(&seen);
	free(maps);
	return rc;
}

/* usdt:./bin*:...: every executable file the pattern names. */
static int notes_in_files(struct match *m, const char *pattern, struct strbuf *err)
{
	glob_t g;

	if (glob(pattern, 0, NULL, &g)) {
		sb_printf(err, "no file matches usdt target '%s'", pattern);
		return -1;
	}
	for (size_t i = 0; i < g.gl_pathc; i++) {
		char *path = realpath(g.gl_pathv[i], NULL);

		m->bin = path;
		if (path && !access(path, X_OK))
			read_notes(path, m, err);
		sb_reset(err); /* not an ELF file: skip it */
		free(path);
		m->bin = NULL;
	}
	globfree(&g);
	return 0;
}

static int usdt_expand(const struct provider *p, char **parts, int nparts, struct vec *out,
		       struct strbuf *err)
{
	struct match m = {.p = p, .out = out};
	size_t start = out->n;
	char *path;
	int rc;

	if (nparts != 2 && nparts != 3) {
		sb_printf(err, "usdt probe type requires 2 or 3 arguments: "
			       "usdt:BINARY:[PROVIDER:]NAME");
		return -1;
	}
	if ((!*parts[0] && provider_pid <= 0) || !*parts[nparts - 1]) {
		sb_printf(err, "usdt probe needs a binary and a probe name");
		return -1;
	}
	/* usdt:BIN::NAME: an empty provider is any provider, as in bpftrace */
	m.prov = nparts == 3 && *parts[1] ? parts[1] : NULL;
	m.name = parts[nparts - 1];
	/* A wildcard path (with a '/') names files; a bare pattern, the process's. */
	if (provider_pid > 0 && (!*parts[0] || (strchr(parts[0], '*') && !strchr(parts[0], '/')))) {
		rc = notes_in_process(&m, parts[0], err);
		path = NULL;
		goto matched;
	}
	if (strchr(parts[0], '*')) {
		rc = notes_in_files(&m, parts[0], err);
		path = NULL;
		goto matched;
	}
	path = uprobe_resolve_binary(parts[0], provider_pid);
	if (!path) {
		sb_printf(err, "usdt target file '%s' does not exist or is not executable",
			  parts[0]);
		return -1;
	}
	m.bin = path;
	if (strchr(parts[0], '/'))
		m.label = parts[0]; /* kept as written, as bpftrace names it */
	rc = read_notes(path, &m, err);
matched:
	if (!rc && out->n == start) {
		sb_printf(err, "could not find usdt probe '%s%s%s' in %s", m.prov ? m.prov : "",
			  m.prov ? ":" : "", m.name, path ? path : "the process's binaries");
		rc = PROVIDER_MISSING;
	}
	free(path);
	if (rc) {
		for (size_t i = start; i < out->n; i++)
			provider_target_free(out->v[i]);
		out->n = start;
		return rc == PROVIDER_MISSING ? rc : -1;
	}
	provider_targets_sort(out, start);
	return (int)(out->n - start);
}

static int usdt_fields(const struct attach_target *t, struct vec *out, struct strbuf *err)
{
	(void)t;
	(void)out;
	(void)err;
	return 0;
}

static int usdt_attach(struct bpf_program *prog, const struct attach_target *t, struct vec *links,
		       struct strbuf *err)
{
	return uprobe_attach_at(prog, t, false, links, err);
}

static int usdt_attach_many(struct bpf_program *prog, struct attach_target *const *targets,
			    size_t n, struct vec *links, struct strbuf *err)
{
	if (!n || bpf_program__expected_attach_type(prog) != MULTI_UPROBE_ATTACH)
		return 0;
	return multi_attach_uprobes(prog, targets, n, false, provider_pid, links, err);
}

/* Number the distinct argument specs: codegen switches on that number. */
static void usdt_prepare(struct prog_desc *pd, struct program *p)
{
	(void)p;
	for (size_t i = 0; i < pd->targets.n; i++) {
		struct attach_target *t = pd->targets.v[i];
		uint64_t idx = 0;

		for (size_t j = 0; j < i; j++) {
			struct attach_target *o = pd->targets.v[j];

			if (!strcmp(o->usdt_args, t->usdt_args)) {
				idx = o->cookie >> 32;
				break;
			}
			idx = (o->cookie >> 32) + 1 > idx ? (o->cookie >> 32) + 1 : idx;
		}
		t->cookie = (t->cookie & 0xffffffffu) | idx << 32;
	}
	pd->ctx_kind = PROG_CTX_USDT;
}

static const char *const usdt_aliases[] = {"U", NULL};

const struct provider provider_usdt = {
	.name = "usdt",
	.aliases = usdt_aliases,
	.section = "usdt", /* a kprobe-type program, like uprobes */
	.ctx_regs = PROVIDER_REGS_ARGS,
	.expand = usdt_expand,
	.fields = usdt_fields,
	.attach = usdt_attach,
	.load_attach_type = multi_uprobe_load_type,
	.attach_many = usdt_attach_many,
	.prepare = usdt_prepare,
};
