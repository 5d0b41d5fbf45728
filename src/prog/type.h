/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Types of sonde values, shared by sema, codegen and the runtime. Types
 * are interned: equal types are the same pointer, so compare pointers.
 */
#ifndef SONDE_TYPE_H
#define SONDE_TYPE_H

#include "util/util.h"

enum type_kind {
	T_NONE,	       /* not yet known */
	T_VOID,	       /* statements, functions without a value */
	T_INT,	       /* size 1, 2, 4 or 8; is_signed */
	T_BOOL,	       /* 1 byte */
	T_STRING,      /* char[size], NUL-padded */
	T_TUPLE,       /* fields[] with offsets; also records (fields have names) */
	T_PROBE,       /* u64 index into program.probe_names; prints as a string */
	T_PTR,	       /* 8 bytes; elem = pointee (may be NULL for void *) */
	T_AGG,	       /* the value of an aggregation map (count(), hist()...); agg says which */
	T_TIMESTAMP,   /* u64 ns from strftime(); prints with its format */
	T_KSTACK,      /* struct stack_val; agg = mode | limit << 8 (STACK_TYPE_*) */
	T_USTACK,      /* same */
	T_BUFFER,      /* u32 length + data[size - 4] */
	T_USERNAME,    /* u64 uid, printed as its /etc/passwd name */
	T_INET,	       /* struct { u64 af; u8 addr[16]; } from ntop(), printed as text */
	T_MACADDR,     /* u8[6] from macaddr(), printed as AA:BB:CC:DD:EE:FF */
	T_STRERROR,    /* s64 errno from strerror(), printed as its message */
	T_CGROUP_PATH, /* u64 cgroup id from cgroup_path(), printed as its path */
	T_RECORD,      /* C struct/union (name "struct foo"); fields filled once known */
	T_ARRAY,       /* C array: elem[count] */
};

struct type_field {
	const char *name; /* NULL for tuple elements */
	const struct type *type;
	uint32_t offset;
	uint16_t bit_off, bit_size; /* C bitfields: bits at offset*8 + bit_off; 0 size if none */
};

struct type {
	enum type_kind kind;
	uint32_t size, align;
	bool is_signed;
	int agg;		 /* T_AGG: enum agg_kind from prog.h */
	const struct type *elem; /* T_PTR */
	int nfields;		 /* T_TUPLE, T_RECORD */
	const struct type_field *fields;
	const char *name; /* T_RECORD: "struct foo", "union bar" */
	bool complete;	  /* T_RECORD: fields and size are known */
	bool user;	  /* T_PTR: points to user memory */
	uint32_t count;	  /* T_ARRAY: elements */
};

const struct type *type_void(void);
const struct type *type_none(void);
const struct type *type_bool(void);
const struct type *type_probe(void);
const struct type *type_int(unsigned size, bool is_signed);
/* int8 .. uint64 by name; NULL for any other name. */
const struct type *type_int_named(const char *name);
/*
 * A script enum: an int64 named "enum NAME" whose values print as their
 * enumerator's name in text output (bpftrace symbolises them; JSON and
 * arithmetic results stay numbers).
 */
const struct type *type_enum(const char *name);
const struct type *type_enum_find(const char *name); /* NULL if not defined */
void type_enum_add(const struct type *t, const char *enumerator, int64_t v);
const char *type_enum_name(const struct type *t, int64_t v); /* NULL if none */
const struct type *type_string(unsigned size);
const struct type *type_ptr(const struct type *elem);
const struct type *type_agg(int agg);
/* Tuple of n elements (names may be NULL for a plain tuple); laid out C-style. */
const struct type *type_tuple(int n, const struct type *const *elems, const char *const *names);
const struct type *type_simple(enum type_kind kind, unsigned size);
/*
 * C types. Records are interned by name only, so self-referencing
 * structs work: type_record() gives the (possibly incomplete) record,
 * type_record_define() fills it in once.
 */
const struct type *type_record(const char *name);
void type_record_define(const struct type *rec, uint32_t size, uint32_t align, int n,
			const struct type_field *fields);
const struct type *type_array(const struct type *elem, uint32_t count);
const struct type *type_ptr_user(const struct type *elem, bool user);
/* Field `name` of a record (looking into anonymous members); NULL if none.
 * *off gets its offset from the start of rec. */
const struct type_field *type_record_field(const struct type *rec, const char *name, uint32_t *off);

/* Human-readable type for messages: "uint64", "string[16]", "(int64, string[4])". */
void type_fmt(const struct type *t, struct strbuf *out);
/* Same, into a static rotating buffer (for messages). */
const char *type_str(const struct type *t);

/*
 * Stacks: the value is struct stack_val (a STACK_TRACE map id and the
 * process, for user symbols); mode and frame limit live in the type.
 */
enum stack_mode {
	STACK_BPFTRACE,
	STACK_PERF,
	STACK_RAW,
	STACK_BUILD_ID,
	STACK_SYM, /* ksym()/usym(): one address (stackid holds it), prints its symbol */
};
struct stack_val {
	int64_t stackid; /* < 0: bpf_get_stackid() failed, prints as an empty stack */
	uint64_t pid;	 /* tgid for ustack, 0 for kstack */
};
#define STACK_MAX_FRAMES    127
#define STACK_TYPE_MODE(t)  ((enum stack_mode)((t)->agg & 0xff))
#define STACK_TYPE_LIMIT(t) ((t)->agg >> 8)
const struct type *type_stack(enum type_kind kind, enum stack_mode mode, int limit);

bool type_is_int(const struct type *t);
bool type_is_scalar(const struct type *t); /* int, bool, ptr, probe */

#endif
