/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small helpers used everywhere: checked allocation, an arena for
 * compiler data (freed all at once), a growable string buffer and a
 * growable pointer vector.
 */
#ifndef SONDE_UTIL_H
#define SONDE_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define ARRAY_SIZE(a)	  (sizeof(a) / sizeof((a)[0]))
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t sz);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) PRINTF_LIKE(1, 2);

/* Internal invariant broken: print and abort. */
#define BUG(...) util_bug(__FILE__, __LINE__, __VA_ARGS__)
_Noreturn void util_bug(const char *file, int line, const char *fmt, ...) PRINTF_LIKE(3, 4);

/* Arena: bump allocator; everything is released by arena_free(). */
struct arena_chunk;
struct arena {
	struct arena_chunk *head;
};
void *arena_alloc(struct arena *a, size_t n); /* zeroed */
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) PRINTF_LIKE(2, 3);
void arena_free(struct arena *a);

/* Growable NUL-terminated string. */
struct strbuf {
	char *buf;
	size_t len, cap;
};
void sb_init(struct strbuf *sb);
void sb_free(struct strbuf *sb);
void sb_reset(struct strbuf *sb);
void sb_add(struct strbuf *sb, const char *s, size_t n);
void sb_puts(struct strbuf *sb, const char *s);
void sb_putc(struct strbuf *sb, char c);
void sb_printf(struct strbuf *sb, const char *fmt, ...) PRINTF_LIKE(2, 3);
void sb_vprintf(struct strbuf *sb, const char *fmt, va_list ap);
/* Returns the buffer (never NULL) and leaves sb empty; caller frees. */
char *sb_detach(struct strbuf *sb);

/* Growable vector of pointers. */
struct vec {
	void **v;
	size_t n, cap;
};
void vec_push(struct vec *vec, void *p);
void vec_free(struct vec *vec);

/* Read a whole file (or stdin for "-") into a NUL-terminated buffer. */
char *util_read_file(const char *path, size_t *len);

/* Shell-style glob on a single name: only '*' is special. */
bool util_wildcard_match(const char *pattern, const char *s);

#endif
