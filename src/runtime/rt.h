/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The runtime: loads the BPF object from memory, runs BEGIN/END, consumes
 * the ring buffer, and prints. It never sees the AST or LLVM; attaching
 * is done by the providers through the driver.
 */
#ifndef SONDE_RT_H
#define SONDE_RT_H

#include "prog/prog.h"
#include "runtime/output.h"

struct bpf_object;
struct bpf_program;
struct ring_buffer;

struct rt {
	struct program *prog;
	struct bpf_object *obj;
	struct ring_buffer *rb;
	struct output out;
	int stats_fd, cfg_fd;
	int exit_code;
	bool exit_requested;
	bool in_end; /* END is running: print its events even after exit() */
	uint64_t lost_reported;
	volatile int *stop;	 /* set while rt_loop runs: end consuming early */
	uint64_t *full_reported; /* per map (index in prog->maps), then the generic counter */
	bool debug_libbpf, debug_verifier;
	/* After a verifier rejection: the script line that failed (0 if not
	 * known) and one sentence of advice (NULL if none). */
	int fail_line;
	const char *fail_hint;
};

/* Open prog->elf, resolve map fds into the map descriptors, load into the kernel. */
int rt_load(struct rt *rt, FILE *out, struct strbuf *err);
struct bpf_program *rt_program(struct rt *rt, const struct prog_desc *pd);
/* Run a BEGIN/END program once (BPF_PROG_TEST_RUN). */
int rt_run_once(struct rt *rt, const struct prog_desc *pd, struct strbuf *err);
/* Consume events until exit() or *stop; returns 0. */
int rt_loop(struct rt *rt, volatile int *stop);
/* Drain what is left in the ring buffer without waiting. */
void rt_drain(struct rt *rt);
/* Report lost events / full maps (once per increase). */
void rt_report_losses(struct rt *rt);
void rt_close(struct rt *rt);
/* actions.c: system, cat, join, errorf/warnf/assert events; false if not one of them. */
bool rt_event_more(struct rt *rt, const struct event_desc *ev, const char *rec);
/* helpererr.c: -k helper failures (EV_HELPER_ERROR), at most once a second per
 * site; rt_helper_errors_done() reports how many were not shown. */
void rt_helper_error(struct rt *rt, const struct event_desc *ev, const char *rec);
void rt_helper_errors_done(struct rt *rt);

#endif
