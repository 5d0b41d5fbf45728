// SPDX-License-Identifier: GPL-2.0
/*
 * C types from kernel BTF. vmlinux BTF is loaded on first need (a struct
 * type, a typed pointer, curtask's fields) and kept for the process.
 * Records are converted member by member when first completed; pointers
 * only name their pointee, so converting task_struct does not pull in
 * everything it points to. Types defined in the script are completed
 * before BTF is asked, so they take precedence.
 */
#include "sema/sema_int.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <stdio.h>
#include <string.h>

/* The kernel's BTF, loaded on first use and shared by sema and the providers. */
struct btf *sema_vmlinux_btf(void)
{
	static struct btf *btf;
	static bool tried;

	if (!tried) {
		tried = true;
		/* libbpf would print its own complaint: callers say it in one sentence. */
		libbpf_print_fn_t old = libbpf_set_print(NULL);
		btf = btf__load_vmlinux_btf();
		libbpf_set_print(old);
		if (!btf || libbpf_get_error(btf))
			btf = NULL;
	}
	return btf;
}

bool sema_have_btf(void)
{
	return sema_vmlinux_btf() != NULL;
}

static const struct type *from_btf(const struct btf *btf, uint32_t id);

static void define_record(const struct btf *btf, const struct type *rec, uint32_t id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	int n = btf_vlen(t);
	struct type_field *f = xcalloc((size_t)(n > 0 ? n : 1), sizeof(*f));
	const struct btf_member *m = btf_members(t);
	int k = 0;

	for (int i = 0; i < n; i++, m++) {
		const char *name = btf__name_by_offset(btf, m->name_off);
		uint32_t bits = btf_member_bit_offset(t, (uint32_t)i);
		uint32_t bsize = btf_member_bitfield_size(t, (uint32_t)i);
		const struct type *ft = from_btf(btf, m->type);
		if (!ft)
			ft = type_int(1, false);
		f[k].name = name && *name ? name : NULL;
		f[k].type = ft;
		f[k].offset = bits / 8;
		if (bsize) {
			f[k].bit_off = (uint16_t)(bits % 8);
			f[k].bit_size = (uint16_t)bsize;
		}
		k++;
	}
	uint32_t align = 1;
	for (int i = 0; i < k; i++)
		if (f[i].type->align > align && !f[i].bit_size)
			align = f[i].type->align;
	type_record_define(rec, t->size, align, k, f);
	free(f);
}

static const struct type *record_of(const struct btf *btf, uint32_t id, bool complete)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	const char *name = btf__name_by_offset(btf, t->name_off);
	const char *kw = btf_is_union(t) ? "union" : "struct";
	char buf[256];

	if (name && *name)
		snprintf(buf, sizeof(buf), "%s %s", kw, name);
	else
		snprintf(buf, sizeof(buf), "%s (anonymous #%u)", kw, id);
	const struct type *rec = type_record(buf);
	if (complete && !rec->complete && !btf_is_fwd(t))
		define_record(btf, rec, id);
	return rec;
}

static bool is_char(const struct btf *btf, const struct btf_type *t)
{
	const char *name = btf__name_by_offset(btf, t->name_off);

	return btf_is_int(t) && t->size == 1 &&
	       ((btf_int_encoding(t) & BTF_INT_CHAR) || (name && !strcmp(name, "char")));
}

/* The sonde type of BTF type id; NULL for void and function types. */
static const struct type *from_btf(const struct btf *btf, uint32_t id)
{
	const struct btf_type *t;

	for (;;) {
		if (id == 0)
			return NULL;
		t = btf__type_by_id(btf, id);
		if (!t)
			return NULL;
		if (btf_is_typedef(t) || btf_is_const(t) || btf_is_volatile(t) ||
		    btf_is_restrict(t) || btf_is_type_tag(t) || btf_is_decl_tag(t)) {
			id = t->type;
			continue;
		}
		break;
	}
	switch (btf_kind(t)) {
	case BTF_KIND_INT:
		if (t->size > 8)
			return type_array(type_int(1, false), t->size);
		return type_int(t->size, btf_int_encoding(t) & BTF_INT_SIGNED);
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		return type_int(t->size, btf_kflag(t));
	case BTF_KIND_FLOAT:
		return type_int(t->size, false);
	case BTF_KIND_PTR: {
		int32_t pid = btf__resolve_type(btf, t->type);
		const struct btf_type *pt = pid > 0 ? btf__type_by_id(btf, (uint32_t)pid) : NULL;
		if (pt && (btf_is_struct(pt) || btf_is_union(pt) || btf_is_fwd(pt))) {
			const char *pn = btf__name_by_offset(btf, pt->name_off);
			/* named: complete lazily; anonymous: only reachable from here */
			return type_ptr(record_of(btf, (uint32_t)pid, !(pn && *pn)));
		}
		if (pt && btf_is_func_proto(pt))
			return type_ptr(NULL);
		return type_ptr(from_btf(btf, t->type));
	}
	case BTF_KIND_ARRAY: {
		const struct btf_array *a = btf_array(t);
		const struct btf_type *et = btf__type_by_id(btf, a->type);
		while (et && (btf_is_typedef(et) || btf_is_const(et) || btf_is_volatile(et)))
			et = btf__type_by_id(btf, et->type);
		if (et && is_char(btf, et) && a->nelems)
			return type_string(a->nelems);
		const struct type *el = from_btf(btf, a->type);
		return el ? type_array(el, a->nelems) : NULL;
	}
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
	case BTF_KIND_FWD:
		return record_of(btf, id, true);
	default:
		return NULL;
	}
}

bool sema_record_complete(const struct type *rec)
{
	const struct btf *btf;
	int32_t id;

	if (!rec || rec->kind != T_RECORD)
		return false;
	if (rec->complete)
		return true;
	if (!(btf = sema_vmlinux_btf()))
		return false;
	bool is_union = !strncmp(rec->name, "union ", 6);
	const char *name = strchr(rec->name, ' ');
	if (!name || name[1] == '(')
		return false;
	id = btf__find_by_name_kind(btf, name + 1, is_union ? BTF_KIND_UNION : BTF_KIND_STRUCT);
	if (id <= 0)
		return false;
	define_record(btf, rec, (uint32_t)id);
	return true;
}

/* "struct foo" / "union foo" / "enum foo" / a typedef or C base type name. */
struct script_typedef {
	char *name;
	const struct type *type;
};
static struct vec script_typedefs; /* struct script_typedef *, for the process */

void sema_c_typedef_add(const char *name, const struct type *t)
{
	struct script_typedef *td = xmalloc(sizeof(*td));

	td->name = xstrdup(name);
	td->type = t;
	vec_push(&script_typedefs, td);
}

const struct type *sema_c_typedef_find(const char *name)
{
	for (size_t i = script_typedefs.n; i-- > 0;) {
		struct script_typedef *td = script_typedefs.v[i];
		if (!strcmp(td->name, name))
			return td->type;
	}
	return NULL;
}

const struct type *sema_c_type_named(const char *name)
{
	static const struct {
		const char *name;
		unsigned size;
		bool sign;
	} base[] = {
		{"char", 1, true},
		{"signed char", 1, true},
		{"unsigned char", 1, false},
		{"short", 2, true},
		{"unsigned short", 2, false},
		{"int", 4, true},
		{"signed", 4, true},
		{"unsigned", 4, false},
		{"unsigned int", 4, false},
		{"long", 8, true},
		{"unsigned long", 8, false},
		{"long long", 8, true},
		{"unsigned long long", 8, false},
		{"_Bool", 1, false},
	};
	const struct btf *btf;
	int32_t id;
	const struct type *td = sema_c_typedef_find(name);

	if (td)
		return td;
	if (!strncmp(name, "struct ", 7) || !strncmp(name, "union ", 6)) {
		const struct type *rec = type_record(name);
		return sema_record_complete(rec) ? rec : NULL;
	}
	for (size_t i = 0; i < ARRAY_SIZE(base); i++)
		if (!strcmp(name, base[i].name))
			return type_int(base[i].size, base[i].sign);
	if (!(btf = sema_vmlinux_btf()))
		return NULL;
	if (!strncmp(name, "enum ", 5)) {
		id = btf__find_by_name_kind(btf, name + 5, BTF_KIND_ENUM);
		if (id <= 0)
			id = btf__find_by_name_kind(btf, name + 5, BTF_KIND_ENUM64);
		return id > 0 ? from_btf(btf, (uint32_t)id) : NULL;
	}
	id = btf__find_by_name_kind(btf, name, BTF_KIND_TYPEDEF);
	if (id <= 0)
		id = btf__find_by_name_kind(btf, name, BTF_KIND_INT);
	return id > 0 ? from_btf(btf, (uint32_t)id) : NULL;
}

/* The value of an enumerator named `name` in kernel BTF. */
bool sema_btf_enum_value(const char *name, int64_t *val)
{
	const struct btf *btf = sema_vmlinux_btf();
	uint32_t n;

	if (!btf)
		return false;
	n = btf__type_cnt(btf);
	for (uint32_t id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		if (btf_is_enum(t)) {
			const struct btf_enum *e = btf_enum(t);
			for (int i = 0; i < btf_vlen(t); i++, e++)
				if (!strcmp(btf__name_by_offset(btf, e->name_off), name)) {
					*val = e->val;
					return true;
				}
		} else if (btf_is_enum64(t)) {
			const struct btf_enum64 *e = btf_enum64(t);
			for (int i = 0; i < btf_vlen(t); i++, e++)
				if (!strcmp(btf__name_by_offset(btf, e->name_off), name)) {
					*val = (int64_t)btf_enum64_value(e);
					return true;
				}
		}
	}
	return false;
}
