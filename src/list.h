/* SPDX-License-Identifier: GPL-2.0 */
/* -l [PATTERN], -lv: list probes (list.c). */
#ifndef SONDE_LIST_H
#define SONDE_LIST_H

#include <stdbool.h>
#include <stdio.h>

struct program;

/* List the probes matching pattern (comma list; NULL: "*:*"). Returns 0. */
int list_probes(const char *pattern, bool verbose, FILE *out);
/* -l with a program: the probes it would attach. */
void list_program(const struct program *prog, bool verbose, FILE *out);

#endif
