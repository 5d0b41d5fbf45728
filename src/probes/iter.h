/* SPDX-License-Identifier: GPL-2.0 */
/* iter:task, iter:task_file (iter.c). */
#ifndef SONDE_ITER_H
#define SONDE_ITER_H

#include "util/util.h"

/* Run every attached iterator to its end: its program runs once per object. */
int iter_drive_all(struct strbuf *err);

#endif
