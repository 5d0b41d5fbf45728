/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Diagnostics in bpftrace's format:
 *
 *   FILE:LINE:COL-COL: ERROR: message
 *   source line (tabs expanded to 4 spaces)
 *   ~~~~ underline of the span
 *   HINT: optional advice
 *
 * A pass reports every error it finds; the driver stops between passes
 * when diag_errors() is non-zero. Errors print before warnings.
 */
#ifndef SONDE_DIAG_H
#define SONDE_DIAG_H

#include "util/util.h"

/* Same layout as bison's YYLTYPE. Lines and columns are 1-based; last_column is exclusive. */
struct span {
	int first_line;
	int first_column;
	int last_line;
	int last_column;
};

struct source {
	const char *name; /* "stdin" for -e and -, else the path */
	const char *text; /* NUL-terminated */
	size_t len;
};

struct diag {
	const struct source *src;
	int nerrors, nwarnings;
	bool no_warnings;
	/* Drop a diagnostic whose text and place repeat one already collected
	 * (sema checks copies of one probe body, one per context). */
	bool dedup;
	struct strbuf errors, warnings;
	size_t *line_off; /* start of each line, built on first use */
	int nlines;
};

/* Start of line `line` (1-based) of d's source, or NULL; O(1) after the first call. */
const char *diag_line_start(struct diag *d, int line);

void diag_init(struct diag *d, const struct source *src);
void diag_free(struct diag *d);
void diag_error(struct diag *d, const struct span *sp, const char *fmt, ...) PRINTF_LIKE(3, 4);
void diag_warn(struct diag *d, const struct span *sp, const char *fmt, ...) PRINTF_LIKE(3, 4);
/* An error followed by a "HINT: ..." line. */
void diag_error_hint(struct diag *d, const struct span *sp, const char *hint, const char *fmt, ...)
	PRINTF_LIKE(4, 5);
/* Print what was collected (errors, then warnings) and clear the buffers. */
void diag_flush(struct diag *d, FILE *out);
static inline int diag_errors(const struct diag *d)
{
	return d->nerrors;
}

/* Render one diagnostic into sb (used by diag and by runtime errorf/warnf). */
void diag_render(struct strbuf *sb, const struct source *src, const struct span *sp,
		 const char *level, const char *msg, const char *hint);

#endif
