/* SPDX-License-Identifier: GPL-2.0 */
/* Syscall numbers by tracefs event name (syscalls.c), for the fast path. */
#ifndef SONDE_SYSCALLS_H
#define SONDE_SYSCALLS_H

#include <stddef.h>

struct syscall_nr {
	const char *name;
	int nr;
};

extern const struct syscall_nr syscall_table[];
extern const size_t syscall_table_len;

/* The number of syscall NAME (event name without sys_enter_), or -1. */
int syscall_nr_by_name(const char *name);

#endif
