/* SPDX-License-Identifier: GPL-2.0 */
/* iter:task, task_file, task_vma, bpf_map, bpf_prog, bpf_link (iter.c). */
#ifndef SONDE_ITER_H
#define SONDE_ITER_H

#include "util/util.h"

/* Run every attached iterator to its end: its program runs once per object. */
int iter_drive_all(struct strbuf *err);

#endif
