// SPDX-License-Identifier: GPL-2.0
/*
 * User symbols. Each binary's function symbols are read once with libelf
 * (.symtab, else .dynsym) and sorted; each process's executable mappings
 * are read once from /proc/PID/maps. An address becomes a file offset
 * through its mapping, then an ELF virtual address through the PT_LOAD
 * segment holding that offset: the same rule works for executables, PIE
 * and shared libraries wherever ASLR put them.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "symbols/symbols.h"

/* From libstdc++ (C linkage); the binary already links the C++ runtime. */
char *__cxa_demangle(const char *mangled, char *buf, size_t *len, int *status);

struct usym {
	uint64_t addr, size;
	char *name;
};

struct segment {
	uint64_t offset, vaddr, filesz;
};

struct binary {
	char *path;
	struct usym *syms;
	size_t nsyms;
	struct segment *segs;
	size_t nsegs;
};

struct mapping {
	uint64_t start, end, pgoff;
	struct binary *bin;
};

struct proc {
	uint32_t pid;
	struct mapping *maps;
	size_t nmaps;
	time_t read_at; /* when the maps were read: a living process may map more */
};

static struct vec binaries; /* struct binary * */
static struct vec procs;    /* struct proc * */

bool sym_no_demangle;

bool sym_demangle(struct strbuf *sb, const char *name)
{
	int status = -1;
	char *d;

	if (strncmp(name, "_Z", 2))
		return false;
	d = __cxa_demangle(name, NULL, NULL, &status);
	if (!d || status) {
		free(d);
		return false;
	}
	sb_puts(sb, d);
	free(d);
	return true;
}

static int usym_cmp(const void *a, const void *b)
{
	const struct usym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static void read_symtab(struct binary *b, Elf *e, Elf_Scn *scn, GElf_Shdr *sh, size_t *cap)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	size_t n = sh->sh_entsize ? sh->sh_size / sh->sh_entsize : 0;

	for (size_t i = 0; data && i < n; i++) {
		GElf_Sym s;
		const char *name;
		if (!gelf_getsym(data, (int)i, &s) || GELF_ST_TYPE(s.st_info) != STT_FUNC ||
		    !s.st_value)
			continue;
		name = elf_strptr(e, sh->sh_link, s.st_name);
		if (!name || !*name)
			continue;
		if (b->nsyms == *cap) {
			*cap = *cap ? *cap * 2 : 256;
			b->syms = xrealloc(b->syms, *cap * sizeof(*b->syms));
		}
		b->syms[b->nsyms].addr = s.st_value;
		b->syms[b->nsyms].size = s.st_size;
		b->syms[b->nsyms].name = xstrdup(name);
		b->nsyms++;
	}
}

static struct binary *binary_get(const char *path)
{
	struct binary *b;
	size_t cap = 0, nphdr = 0;
	Elf *e;
	int fd;

	for (size_t i = 0; i < binaries.n; i++) {
		b = binaries.v[i];
		if (!strcmp(b->path, path))
			return b;
	}
	b = xcalloc(1, sizeof(*b));
	b->path = xstrdup(path);
	vec_push(&binaries, b);
	elf_version(EV_CURRENT);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return b;
	e = elf_begin(fd, ELF_C_READ, NULL);
	if (e && elf_getphdrnum(e, &nphdr) == 0) {
		b->segs = xcalloc(nphdr ? nphdr : 1, sizeof(*b->segs));
		for (size_t i = 0; i < nphdr; i++) {
			GElf_Phdr ph;
			if (!gelf_getphdr(e, (int)i, &ph) || ph.p_type != PT_LOAD)
				continue;
			b->segs[b->nsegs++] =
				(struct segment){ph.p_offset, ph.p_vaddr, ph.p_filesz};
		}
		/* .symtab has everything; .dynsym is the fallback for stripped files. */
		for (int pass = 0; pass < 2 && !b->nsyms; pass++) {
			Elf_Scn *scn = NULL;
			while ((scn = elf_nextscn(e, scn))) {
				GElf_Shdr sh;
				if (!gelf_getshdr(scn, &sh))
					continue;
				if (sh.sh_type == (pass ? SHT_DYNSYM : SHT_SYMTAB))
					read_symtab(b, e, scn, &sh, &cap);
			}
		}
		if (b->nsyms > 1)
			qsort(b->syms, b->nsyms, sizeof(*b->syms), usym_cmp);
	}
	if (e)
		elf_end(e);
	close(fd);
	return b;
}

/* (Re)read /proc/PID/maps into p; keeps what it had if the process is gone. */
/*
 * (Re)read /proc/PID/maps into p. What it had stays when the process is
 * gone, or a zombie (whose maps file is empty).
 */
static void proc_read(struct proc *p)
{
	char path[64], line[4096];
	struct mapping *maps = NULL;
	size_t n = 0, cap = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%u/maps", p->pid);
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		uint64_t start, end, off;
		char perms[8];
		int pos = 0;
		if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %7s %" SCNx64 " %*s %*s %n", &start, &end,
			   perms, &off, &pos) < 4 ||
		    !pos || perms[2] != 'x' || line[pos] != '/')
			continue;
		line[strcspn(line, "\n")] = 0;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			maps = xrealloc(maps, cap * sizeof(*maps));
		}
		maps[n++] = (struct mapping){start, end, off, binary_get(line + pos)};
	}
	fclose(f);
	if (!n)
		return;
	free(p->maps);
	p->maps = maps;
	p->nmaps = n;
	p->read_at = time(NULL);
}

static struct proc *proc_get(uint32_t pid)
{
	struct proc *p;

	for (size_t i = 0; i < procs.n; i++) {
		p = procs.v[i];
		if (p->pid == pid)
			return p;
	}
	p = xcalloc(1, sizeof(*p));
	p->pid = pid;
	vec_push(&procs, p);
	proc_read(p);
	return p;
}

void sym_note_pid(uint32_t pid)
{
	struct proc *p = proc_get(pid);

	/* A process maps libraries as it runs: refresh now and then while it lives. */
	if (time(NULL) > p->read_at)
		proc_read(p);
}

static const struct usym *usym_find(const struct binary *b, uint64_t vaddr)
{
	size_t lo = 0, hi = b->nsyms;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (b->syms[mid].addr <= vaddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	const struct usym *s = &b->syms[lo - 1];
	/* Sized symbols must contain the address; zero-sized ones take what follows. */
	if (s->size && vaddr >= s->addr + s->size)
		return NULL;
	return s;
}

bool sym_user(struct strbuf *sb, uint32_t pid, uint64_t addr, bool show_offset, bool show_module)
{
	struct proc *p = proc_get(pid);
	bool found = false;

	for (size_t i = 0; i < p->nmaps && !found; i++)
		found = addr >= p->maps[i].start && addr < p->maps[i].end;
	if (!found && time(NULL) > p->read_at)
		proc_read(p); /* mapped since we looked (or dlopen()ed) */
	for (size_t i = 0; i < p->nmaps; i++) {
		const struct mapping *m = &p->maps[i];
		if (addr < m->start || addr >= m->end)
			continue;
		uint64_t off = addr - m->start + m->pgoff;
		for (size_t j = 0; j < m->bin->nsegs; j++) {
			const struct segment *sg = &m->bin->segs[j];
			if (off < sg->offset || off >= sg->offset + sg->filesz)
				continue;
			uint64_t vaddr = off - sg->offset + sg->vaddr;
			const struct usym *s = usym_find(m->bin, vaddr);
			if (!s)
				break;
			if (sym_no_demangle || !sym_demangle(sb, s->name))
				sb_puts(sb, s->name);
			if (show_offset)
				sb_printf(sb, "+%" PRIu64, vaddr - s->addr);
			if (show_module)
				sb_printf(sb, " (%s)", m->bin->path);
			return true;
		}
		sb_printf(sb, "0x%" PRIx64, addr);
		if (show_module)
			sb_printf(sb, " (%s)", m->bin->path);
		return false;
	}
	sb_printf(sb, "0x%" PRIx64, addr);
	if (show_module)
		sb_puts(sb, " ([unknown])");
	return false;
}
