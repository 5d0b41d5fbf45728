/* SPDX-License-Identifier: GPL-2.0 */
/* USDT probes: .note.stapsdt notes and their x86-64 argument specs. */
#ifndef SONDE_USDT_H
#define SONDE_USDT_H

#include "prog/prog.h"
#include "probes/provider.h"

#define USDT_MAX_ARGS 12

enum usdt_arg_kind {
	USDT_ARG_CONST, /* $imm */
	USDT_ARG_REG,	/* %reg */
	USDT_ARG_MEM,	/* disp(%base[,%index[,scale]]) */
};

/* One argument of a note: where its value is at the probe's pc. */
struct usdt_arg {
	enum usdt_arg_kind kind;
	uint32_t size; /* 1, 2, 4 or 8 bytes */
	bool is_signed;
	int reg_off; /* struct pt_regs offset of the register or base */
	int idx_off; /* MEM: index register's offset, -1 without one */
	int scale;
	int64_t val; /* CONST: the value; MEM: the displacement */
};

/*
 * Parse a note's argument string ("-4@%edi 8@-8(%rbp) 4@$5"). Returns the
 * number of arguments, or -1 with one sentence in err.
 */
int usdt_parse_args(const char *spec, struct usdt_arg *out, int max, struct strbuf *err);

/*
 * argN of a usdt probe: checks that every target of pd has argument idx
 * with a form codegen can read. Returns 0, or -1 with one sentence.
 */
int usdt_check_arg(const struct prog_desc *pd, int idx, struct strbuf *err);

#endif
