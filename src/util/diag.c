// SPDX-License-Identifier: GPL-2.0
#include "util/diag.h"

#include <string.h>

void diag_init(struct diag *d, const struct source *src)
{
	memset(d, 0, sizeof(*d));
	d->src = src;
	sb_init(&d->errors);
	sb_init(&d->warnings);
}

const char *diag_line_start(struct diag *d, int line)
{
	const struct source *src = d->src;

	if (!src || !src->text)
		return NULL;
	if (!d->line_off) {
		size_t cap = 64;
		d->line_off = xmalloc(cap * sizeof(size_t));
		d->line_off[d->nlines++] = 0;
		for (size_t i = 0; i < src->len; i++) {
			if (src->text[i] != '\n')
				continue;
			if ((size_t)d->nlines == cap)
				d->line_off = xrealloc(d->line_off, (cap *= 2) * sizeof(size_t));
			d->line_off[d->nlines++] = i + 1;
		}
	}
	return line >= 1 && line <= d->nlines ? src->text + d->line_off[line - 1] : NULL;
}

void diag_free(struct diag *d)
{
	free(d->line_off);
	d->line_off = NULL;
	sb_free(&d->errors);
	sb_free(&d->warnings);
}

/* Find line number `line` (1-based); returns its start and length. */
static const char *source_line(const struct source *src, int line, size_t *len)
{
	const char *p = src->text, *end = src->text + src->len;

	for (int l = 1; l < line && p < end; l++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			return NULL;
		p = nl + 1;
	}
	if (p > end)
		return NULL;
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	*len = nl ? (size_t)(nl - p) : (size_t)(end - p);
	return p;
}

void diag_render(struct strbuf *sb, const struct source *src, const struct span *sp,
		 const char *level, const char *msg, const char *hint)
{
	if (!sp || !src || sp->first_line <= 0) {
		sb_printf(sb, "%s: %s\n", level, msg);
		if (hint)
			sb_printf(sb, "HINT: %s\n", hint);
		return;
	}
	if (sp->last_line > sp->first_line)
		sb_printf(sb, "%s:%d-%d: %s: %s\n", src->name, sp->first_line, sp->last_line, level,
			  msg);
	else
		sb_printf(sb, "%s:%d:%d-%d: %s: %s\n", src->name, sp->first_line, sp->first_column,
			  sp->last_column, level, msg);

	size_t len = 0;
	const char *line = source_line(src, sp->first_line, &len);
	if (line) {
		int col = 1, start = -1, end = -1, vis = 0;
		struct strbuf under;

		sb_init(&under);
		/* A machine-made line can be megabytes long: show a window of it. */
		if (len > 200) {
			size_t skip = sp->first_column > 61 ? (size_t)sp->first_column - 61 : 0;
			if (skip > len)
				skip = len;
			line += skip;
			len -= skip;
			col += (int)skip;
			if (len > 160)
				len = 160;
			if (skip) {
				sb_puts(sb, "...");
				vis = 3;
			}
		}
		for (size_t i = 0; i <= len; i++, col++) {
			if (col == sp->first_column)
				start = vis;
			if (sp->last_line == sp->first_line && col == sp->last_column)
				end = vis;
			if (i == len)
				break;
			if (line[i] == '\t') {
				sb_add(sb, "    ", 4);
				vis += 4;
			} else {
				sb_putc(sb, line[i] == '\r' ? ' ' : line[i]);
				vis++;
			}
		}
		sb_putc(sb, '\n');
		if (start < 0)
			start = vis;
		if (end < 0 || end <= start)
			end = sp->last_line > sp->first_line || end < 0 ? vis : start + 1;
		if (end <= start)
			end = start + 1;
		for (int i = 0; i < start; i++)
			sb_putc(&under, ' ');
		for (int i = start; i < end; i++)
			sb_putc(&under, '~');
		sb_puts(sb, under.buf);
		sb_putc(sb, '\n');
		sb_free(&under);
	}
	if (hint)
		sb_printf(sb, "HINT: %s\n", hint);
}

static void diag_add(struct diag *d, const struct span *sp, const char *level, const char *hint,
		     const char *fmt, va_list ap)
{
	struct strbuf msg;
	bool err = level[0] == 'E';

	if (!err && d->no_warnings)
		return;
	/* Past this many, more errors only hide the first ones (and cost time). */
	if (err && d->nerrors >= 100) {
		if (d->nerrors++ == 100)
			sb_puts(&d->errors, "ERROR: too many errors, giving up on the rest\n");
		return;
	}
	sb_init(&msg);
	sb_vprintf(&msg, fmt, ap);
	if (d->dedup) {
		struct strbuf one, *all = err ? &d->errors : &d->warnings;
		bool seen;

		sb_init(&one);
		diag_render(&one, d->src, sp, level, msg.buf ? msg.buf : "", hint);
		seen = all->buf && one.buf && strstr(all->buf, one.buf);
		sb_free(&one);
		if (seen) {
			sb_free(&msg);
			return;
		}
	}
	diag_render(err ? &d->errors : &d->warnings, d->src, sp, level, msg.buf ? msg.buf : "",
		    hint);
	sb_free(&msg);
	if (err)
		d->nerrors++;
	else
		d->nwarnings++;
}

void diag_error(struct diag *d, const struct span *sp, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_add(d, sp, "ERROR", NULL, fmt, ap);
	va_end(ap);
}

void diag_error_hint(struct diag *d, const struct span *sp, const char *hint, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_add(d, sp, "ERROR", hint, fmt, ap);
	va_end(ap);
}

void diag_warn(struct diag *d, const struct span *sp, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_add(d, sp, "WARNING", NULL, fmt, ap);
	va_end(ap);
}

void diag_flush(struct diag *d, FILE *out)
{
	if (d->errors.len)
		fputs(d->errors.buf, out);
	if (d->warnings.len)
		fputs(d->warnings.buf, out);
	sb_reset(&d->errors);
	sb_reset(&d->warnings);
	fflush(out);
}
