/* SPDX-License-Identifier: GPL-2.0 */
/* -c: the traced child command (child.c). */
#ifndef SONDE_CHILD_H
#define SONDE_CHILD_H

#include <stdbool.h>

struct strbuf;

/* Fork the command, held before exec; returns its pid, or -1 + err. */
int child_spawn(const char *cmd, struct strbuf *err);
/* Let the child exec its command (once everything is attached). */
void child_release(void);
/* Has the child exited (reaped here)? Async-signal-safe. */
bool child_check_exited(void);
/* End the child if it still runs (or never started) and reap it. */
void child_kill(void);

#endif
