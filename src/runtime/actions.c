// SPDX-License-Identifier: GPL-2.0
/*
 * Asynchronous actions completed in user space: system(), cat(), join(),
 * errorf()/warnf() and failed assert()s.
 */
#include "runtime/rt.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void run_system(struct rt *rt, const char *cmd)
{
	fflush(rt->out.f);
	fflush(stdout);
	FILE *p = popen(cmd, "r");
	char buf[4096];
	size_t n;

	if (!p) {
		fprintf(stderr, "ERROR: system(): cannot run: %s\n", cmd);
		return;
	}
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
		fwrite(buf, 1, n, rt->out.f);
	pclose(p);
}

static void run_cat(struct rt *rt, const char *path, int64_t limit)
{
	FILE *f = fopen(path, "r");
	char buf[4096];
	size_t n;

	if (!f) {
		fprintf(stderr, "ERROR: failed to open file '%s': %s\n", path, strerror(errno));
		return;
	}
	while (limit > 0 &&
	       (n = fread(buf, 1, sizeof(buf) < (size_t)limit ? sizeof(buf) : (size_t)limit, f)) >
		       0) {
		fwrite(buf, 1, n, rt->out.f);
		limit -= (int64_t)n;
	}
	fclose(f);
}

static void join(struct rt *rt, const struct event_desc *ev, const char *rec)
{
	for (int64_t i = 0; i < ev->top; i++) {
		const char *s = rec + i * ev->div;
		size_t len = strnlen(s, (size_t)ev->div);
		if (!len)
			break;
		if (i)
			fputs(ev->fmt, rt->out.f);
		fwrite(s, 1, len, rt->out.f);
	}
	fputc('\n', rt->out.f);
}

bool rt_event_more(struct rt *rt, const struct event_desc *ev, const char *rec)
{
	struct strbuf sb, msg;

	sb_init(&sb);
	switch (ev->kind) {
	case EV_SYSTEM:
	case EV_CAT:
		out_printf(&sb, rt->prog, ev->fmt, ev->args, ev->nargs, rec);
		if (ev->kind == EV_SYSTEM)
			run_system(rt, sb.buf ? sb.buf : "");
		else
			run_cat(rt, sb.buf ? sb.buf : "", ev->top);
		break;
	case EV_JOIN:
		join(rt, ev, rec);
		break;
	case EV_ERRORF:
	case EV_WARNF:
		sb_init(&msg);
		out_printf(&msg, rt->prog, ev->fmt, ev->args, ev->nargs, rec);
		fflush(rt->out.f);
		if (rt->prog->source)
			diag_render(&sb, rt->prog->source, &ev->loc,
				    ev->kind == EV_ERRORF ? "ERROR" : "WARNING",
				    msg.buf ? msg.buf : "", NULL);
		else
			sb_printf(&sb, "%s: %s\n", ev->kind == EV_ERRORF ? "ERROR" : "WARNING",
				  msg.buf ? msg.buf : "");
		fwrite(sb.buf, 1, sb.len, stderr);
		sb_free(&msg);
		if (ev->div) { /* a failed assert() ends the run */
			rt->exit_code = 1;
			rt->exit_requested = true;
		}
		break;
	case EV_HELPER_ERROR:
		rt_helper_error(rt, ev, rec);
		break;
	default:
		sb_free(&sb);
		return false;
	}
	sb_free(&sb);
	return true;
}
