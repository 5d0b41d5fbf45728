// SPDX-License-Identifier: GPL-2.0
/*
 * C values read from the kernel: structs and unions print as
 * "{ .a = 1, .b = { .c = x } }" and arrays as "[1,2,3]", as bpftrace
 * prints them. Bitfields are extracted from their containing bytes.
 */
#include <inttypes.h>
#include <string.h>

#include "runtime/output.h"

static void bitfield_value(struct strbuf *sb, const struct type_field *f, const uint8_t *d)
{
	uint64_t v = 0;
	uint32_t nbytes = (f->bit_off + f->bit_size + 7) / 8;

	memcpy(&v, d + f->offset, nbytes > 8 ? 8 : nbytes);
	v >>= f->bit_off;
	if (f->bit_size < 64)
		v &= (1ull << f->bit_size) - 1;
	if (f->type->kind == T_INT && f->type->is_signed && f->bit_size < 64 &&
	    (v >> (f->bit_size - 1)) & 1)
		v |= ~0ull << f->bit_size;
	if (f->type->kind == T_INT && f->type->is_signed)
		sb_printf(sb, "%" PRId64, (int64_t)v);
	else
		sb_printf(sb, "%" PRIu64, v);
}

void out_c_value(struct strbuf *sb, const struct program *p, const struct type *t, const uint8_t *d)
{
	if (t->kind == T_ARRAY) {
		sb_putc(sb, '[');
		for (uint32_t i = 0; i < t->count; i++) {
			if (i)
				sb_putc(sb, ',');
			out_value(sb, p, t->elem, d + (size_t)i * t->elem->size);
		}
		sb_putc(sb, ']');
		return;
	}
	sb_puts(sb, "{ ");
	for (int i = 0; i < t->nfields; i++) {
		const struct type_field *f = &t->fields[i];
		if (i)
			sb_puts(sb, ", ");
		if (f->name)
			sb_printf(sb, ".%s = ", f->name);
		if (f->bit_size)
			bitfield_value(sb, f, d);
		else
			out_value(sb, p, f->type, d + f->offset);
	}
	sb_puts(sb, " }");
}
