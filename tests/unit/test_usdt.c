// SPDX-License-Identifier: GPL-2.0
/* USDT argument specs: the operand forms <sys/sdt.h> writes on x86-64. */
#include <stdio.h>
#include <string.h>

#include "prog/usdt.h"

static int failures;

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: FAIL %s\n", __FILE__, __LINE__, #cond);            \
			failures++;                                                                \
		}                                                                                  \
	} while (0)

int main(void)
{
	struct usdt_arg a[USDT_MAX_ARGS];
	struct strbuf err;

	sb_init(&err);
	CHECK(usdt_parse_args("-4@%edi 8@-8(%rbp) 4@$5 8@16(%rax,%rdx,8)", a, USDT_MAX_ARGS,
			      &err) == 4);
	CHECK(a[0].kind == USDT_ARG_REG && a[0].size == 4 && a[0].is_signed && a[0].reg_off == 112);
	CHECK(a[1].kind == USDT_ARG_MEM && a[1].size == 8 && !a[1].is_signed &&
	      a[1].reg_off == 32 && a[1].val == -8 && a[1].idx_off == -1);
	CHECK(a[2].kind == USDT_ARG_CONST && a[2].size == 4 && a[2].val == 5);
	CHECK(a[3].kind == USDT_ARG_MEM && a[3].reg_off == 80 && a[3].idx_off == 96 &&
	      a[3].scale == 8 && a[3].val == 16);
	CHECK(usdt_parse_args("-1@%r8b 2@(%rsp) -8@$-3", a, USDT_MAX_ARGS, &err) == 3);
	CHECK(a[0].reg_off == 72 && a[0].size == 1 && a[1].reg_off == 152 && a[1].val == 0);
	CHECK(a[2].val == -3 && a[2].is_signed);
	CHECK(usdt_parse_args("", a, USDT_MAX_ARGS, &err) == 0);
	/* sym(%rip), as usdt_expand rewrites it: an offset from the probe's ip. */
	CHECK(usdt_parse_args("-4@-12592(%rip)", a, USDT_MAX_ARGS, &err) == 1);
	CHECK(a[0].kind == USDT_ARG_MEM && a[0].reg_off == 128 && a[0].val == -12592);
	sb_reset(&err);
	CHECK(usdt_parse_args("8@sym(%rip)", a, USDT_MAX_ARGS, &err) == -1);
	CHECK(err.buf && !strcmp(err.buf, "usdt argument spec '8@sym(%rip)' is not supported"));
	CHECK(usdt_parse_args("3@%eax", a, USDT_MAX_ARGS, &err) == -1);
	CHECK(usdt_parse_args("4@%xyz", a, USDT_MAX_ARGS, &err) == -1);
	sb_free(&err);
	if (failures)
		fprintf(stderr, "%d failure(s)\n", failures);
	return failures ? 1 : 0;
}
