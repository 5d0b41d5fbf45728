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

/* Text output streams; JSON collects it into *js for one {"type": T, "data": S} line. */
static void emit(struct rt *rt, struct strbuf *js, const char *buf, size_t n)
{
	if (js)
		sb_add(js, buf, n);
	else
		fwrite(buf, 1, n, rt->out.f);
}

static void json_done(struct rt *rt, struct strbuf *js, const char *type)
{
	struct strbuf line;

	if (!js)
		return;
	sb_init(&line);
	json_event(&line, type, js->buf ? js->buf : "", js->len);
	fwrite(line.buf, 1, line.len, rt->out.f);
	sb_free(&line);
}

static void run_system(struct rt *rt, const char *cmd, struct strbuf *js)
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
		emit(rt, js, buf, n);
	pclose(p);
	json_done(rt, js, "syscall");
}

static void run_cat(struct rt *rt, const char *path, int64_t limit, struct strbuf *js)
{
	FILE *f = fopen(path, "r");
	char buf[4096];
	size_t n;

	if (!f) {
		fprintf(stderr, "ERROR: failed to open file '%s' (%s)\n", path, strerror(errno));
		return;
	}
	while (limit > 0 &&
	       (n = fread(buf, 1, sizeof(buf) < (size_t)limit ? sizeof(buf) : (size_t)limit, f)) >
		       0) {
		emit(rt, js, buf, n);
		limit -= (int64_t)n;
	}
	fclose(f);
	json_done(rt, js, "cat");
}

static void join(struct rt *rt, const struct event_desc *ev, const char *rec, struct strbuf *js)
{
	for (int64_t i = 0; i < ev->top; i++) {
		const char *s = rec + i * ev->div;
		size_t len = strnlen(s, (size_t)ev->div);
		if (!len)
			break;
		if (i)
			emit(rt, js, ev->fmt, strlen(ev->fmt));
		emit(rt, js, s, len);
	}
	if (js)
		json_done(rt, js, "join");
	else
		fputc('\n', rt->out.f);
}

/* errorf()/warnf() in JSON: {"type": "errorf", "msg": ..., "filename", "line", "col"}. */
static void json_located(struct rt *rt, const char *type, const struct strbuf *msg,
			 const struct span *loc)
{
	const struct source *src = rt->prog->source;
	struct strbuf sb;

	sb_init(&sb);
	sb_printf(&sb, "{\"type\": \"%s\", \"msg\": ", type);
	json_str(&sb, msg->buf ? msg->buf : "", msg->len);
	sb_puts(&sb, ", \"filename\": ");
	json_str(&sb, src ? src->name : "", src ? strlen(src->name) : 0);
	sb_printf(&sb, ", \"line\": %d, \"col\": %d}\n", loc->first_line, loc->first_column);
	fwrite(sb.buf, 1, sb.len, rt->out.f);
	sb_free(&sb);
}

/* A failed runtime check (EV_RUNTIME_ERROR), in bpftrace's words; like
 * bpftrace, every occurrence is reported. */
static void runtime_error(struct rt *rt, const struct event_desc *ev, struct strbuf *js,
			  struct strbuf *sb)
{
	struct strbuf msg;

	sb_init(&msg);
	if (ev->top == RT_ERR_DIV_ZERO)
		sb_puts(&msg,
			"Divide or modulo by 0 detected. This can lead to unexpected results. "
			"1 is being used as the result.");
	fflush(rt->out.f);
	if (js)
		json_located(rt, "runtime_error", &msg, &ev->loc);
	else if (rt->prog->source)
		diag_render(sb, rt->prog->source, &ev->loc, "WARNING", msg.buf, NULL);
	else
		sb_printf(sb, "WARNING: %s\n", msg.buf);
	if (sb->len)
		fwrite(sb->buf, 1, sb->len, stderr);
	sb_free(&msg);
}

bool rt_event_more(struct rt *rt, const struct event_desc *ev, const char *rec)
{
	struct strbuf sb, msg, jsb;
	struct strbuf *js = rt->out.format == OUT_JSON ? &jsb : NULL;

	sb_init(&sb);
	sb_init(&jsb);
	switch (ev->kind) {
	case EV_SYSTEM:
	case EV_CAT:
		out_printf(&sb, rt->prog, ev->fmt, ev->args, ev->nargs, rec);
		if (ev->kind == EV_SYSTEM)
			run_system(rt, sb.buf ? sb.buf : "", js);
		else
			run_cat(rt, sb.buf ? sb.buf : "", ev->top, js);
		break;
	case EV_JOIN:
		join(rt, ev, rec, js);
		break;
	case EV_ERRORF:
	case EV_WARNF:
		sb_init(&msg);
		out_printf(&msg, rt->prog, ev->fmt, ev->args, ev->nargs, rec);
		fflush(rt->out.f);
		if (js)
			json_located(rt, ev->kind == EV_ERRORF ? "errorf" : "warnf", &msg,
				     &ev->loc);
		else if (rt->prog->source)
			diag_render(&sb, rt->prog->source, &ev->loc,
				    ev->kind == EV_ERRORF ? "ERROR" : "WARNING",
				    msg.buf ? msg.buf : "", NULL);
		else
			sb_printf(&sb, "%s: %s\n", ev->kind == EV_ERRORF ? "ERROR" : "WARNING",
				  msg.buf ? msg.buf : "");
		if (sb.len)
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
	case EV_RUNTIME_ERROR:
		runtime_error(rt, ev, js, &sb);
		break;
	default:
		sb_free(&sb);
		return false;
	}
	sb_free(&sb);
	sb_free(&jsb);
	return true;
}
