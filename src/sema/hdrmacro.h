/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small reader of C headers for macro constants: scripts `#include
 * <sys/socket.h>` to use AF_INET. It follows nested includes and
 * #if/#ifdef branches far enough to collect object-like #defines, and
 * evaluates one as an integer constant expression on request.
 */
#ifndef SONDE_SEMA_HDRMACRO_H
#define SONDE_SEMA_HDRMACRO_H

#include <stdbool.h>
#include <stdint.h>

struct hdr;

/* Search path: -I dirs first (hdr_add_dir), then the system ones. */
struct hdr *hdr_new(void);
void hdr_add_dir(struct hdr *h, const char *dir);
/* Read one include: "<x.h>", "\"x.h\"" (searched from cwd first) or a plain
 * path (--include FILE). A header that is not found is skipped. */
void hdr_include(struct hdr *h, const char *spec);

enum hdr_result {
	HDR_NOT_DEFINED,
	HDR_CONST,     /* *v holds the value */
	HDR_NOT_CONST, /* defined, but not an integer constant expression */
};

/* Define NAME as BODY (an object-like macro), as `#define NAME BODY` would. */
void hdr_define(struct hdr *h, const char *name, const char *body);
/* Evaluate an #if expression (defined(), unknown names are 0); false when
 * it is malformed. */
bool hdr_eval_if(struct hdr *h, const char *expr, int64_t *v);

/* Look NAME up; for HDR_NOT_CONST, *body is the replacement text (NULL: function-like). */
enum hdr_result hdr_const(struct hdr *h, const char *name, int64_t *v, const char **body);
void hdr_free(struct hdr *h);

#endif
