// SPDX-License-Identifier: GPL-2.0
/*
 * USDT argument specs (x86-64 GNU as operands, as <sys/sdt.h> writes them
 * into the notes): sema checks them, codegen reads arguments through them.
 */
#include <stdlib.h>
#include <string.h>

#include "probes/provider.h"
#include "prog/prog.h"
#include "prog/usdt.h"

/* ---- argument specs ---- */

static const struct {
	const char *names[4];
	int off; /* in x86-64 struct pt_regs */
} regs[] = {
	{{"rax", "eax", "ax", "al"}, 80},
	{{"rbx", "ebx", "bx", "bl"}, 40},
	{{"rcx", "ecx", "cx", "cl"}, 88},
	{{"rdx", "edx", "dx", "dl"}, 96},
	{{"rsi", "esi", "si", "sil"}, 104},
	{{"rdi", "edi", "di", "dil"}, 112},
	{{"rbp", "ebp", "bp", "bpl"}, 32},
	{{"rsp", "esp", "sp", "spl"}, 152},
	{{"r8", "r8d", "r8w", "r8b"}, 72},
	{{"r9", "r9d", "r9w", "r9b"}, 64},
	{{"r10", "r10d", "r10w", "r10b"}, 56},
	{{"r11", "r11d", "r11w", "r11b"}, 48},
	{{"r12", "r12d", "r12w", "r12b"}, 24},
	{{"r13", "r13d", "r13w", "r13b"}, 16},
	{{"r14", "r14d", "r14w", "r14b"}, 8},
	{{"r15", "r15d", "r15w", "r15b"}, 0},
	/* A uprobe sees ip at the probe: usdt_expand turns sym(%rip) into D(%rip). */
	{{"rip", "rip", "rip", "rip"}, 128},
};

/* "%edi..." -> pt_regs offset; *end past the name. -1 if unknown. */
static int parse_reg(const char *s, const char **end)
{
	size_t n = 0;

	if (*s != '%')
		return -1;
	s++;
	while ((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= '0' && s[n] <= '9'))
		n++;
	for (size_t i = 0; i < ARRAY_SIZE(regs); i++)
		for (int j = 0; j < 4; j++)
			if (strlen(regs[i].names[j]) == n && !strncmp(regs[i].names[j], s, n)) {
				*end = s + n;
				return regs[i].off;
			}
	return -1;
}

static int parse_one(const char *tok, struct usdt_arg *a)
{
	const char *s = tok, *at = strchr(tok, '@');
	char *end;

	memset(a, 0, sizeof(*a));
	a->idx_off = -1;
	a->size = 8;
	if (at) {
		long sz = strtol(tok, &end, 10);

		if (end != at || !sz)
			return -1;
		a->is_signed = sz < 0;
		a->size = (uint32_t)(sz < 0 ? -sz : sz);
		if (a->size != 1 && a->size != 2 && a->size != 4 && a->size != 8)
			return -1;
		s = at + 1;
	}
	if (*s == '$') {
		a->kind = USDT_ARG_CONST;
		a->val = strtoll(s + 1, &end, 0);
		return *end || end == s + 1 ? -1 : 0;
	}
	if (*s == '%') {
		a->kind = USDT_ARG_REG;
		a->reg_off = parse_reg(s, &s);
		return a->reg_off < 0 || *s ? -1 : 0;
	}
	/* disp(%base[,%index[,scale]]); a symbol as disp (foo(%rip)) is not handled. */
	a->kind = USDT_ARG_MEM;
	if (*s != '(') {
		a->val = strtoll(s, &end, 0);
		if (end == s)
			return -1;
		s = end;
	}
	if (*s++ != '(' || (a->reg_off = parse_reg(s, &s)) < 0)
		return -1;
	a->scale = 1;
	if (*s == ',') {
		if ((a->idx_off = parse_reg(s + 1, &s)) < 0)
			return -1;
		if (*s == ',') {
			a->scale = (int)strtol(s + 1, &end, 10);
			s = end;
		}
	}
	return *s == ')' && s[1] == '\0' ? 0 : -1;
}

int usdt_parse_args(const char *spec, struct usdt_arg *out, int max, struct strbuf *err)
{
	char *copy = xstrdup(spec ? spec : ""), *save = NULL;
	int n = 0;

	for (char *tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		if (n == max) {
			sb_printf(err, "usdt probe has more than %d arguments", max);
			goto fail;
		}
		if (parse_one(tok, &out[n])) {
			sb_printf(err, "usdt argument spec '%s' is not supported", tok);
			goto fail;
		}
		n++;
	}
	free(copy);
	return n;
fail:
	free(copy);
	return -1;
}

int usdt_check_arg(const struct prog_desc *pd, int idx, struct strbuf *err)
{
	struct usdt_arg args[USDT_MAX_ARGS];

	for (size_t i = 0; i < pd->targets.n; i++) {
		const struct attach_target *t = pd->targets.v[i];
		int n = usdt_parse_args(t->usdt_args, args, USDT_MAX_ARGS, err);

		if (n < 0)
			return -1;
		if (idx >= n) {
			sb_printf(err, "usdt probe %s has only %d argument%s", t->name, n,
				  n == 1 ? "" : "s");
			return -1;
		}
	}
	return 0;
}
