// SPDX-License-Identifier: GPL-2.0
/*
 * -k: failing helpers reported as located warnings, in current bpftrace's
 * words ("Additional Info - helper: NAME, retcode: R"). A call site that
 * fails on every event would drown the output, so each site prints at
 * most once per second; the rest are counted and summed up at the end.
 */
#include "runtime/rt.h"

#include <errno.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HELPER_NAME(x) [BPF_FUNC_##x] = #x
static const char *const helper_names[] = {__BPF_FUNC_MAPPER(HELPER_NAME)};
#undef HELPER_NAME

struct site_state {
	uint64_t last_ns; /* when the site last printed; 0: never */
	uint64_t hidden;  /* failures not printed since */
};

static struct site_state *sites;
static size_t nsites;

static const char *helper_name(int64_t id)
{
	size_t n = sizeof(helper_names) / sizeof(helper_names[0]);

	return id >= 0 && (size_t)id < n && helper_names[id] ? helper_names[id] : "unknown";
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* bpftrace's message: special words for maps, strerror otherwise. */
static const char *helper_msg(int64_t id, int64_t rc)
{
	if (id == BPF_FUNC_map_update_elem && rc == -E2BIG)
		return "Map full; can't update element. Try increasing max_map_keys config or "
		       "manually setting the max entries in a map declaration e.g. `let @a = "
		       "hash(5000)`";
	if (id == BPF_FUNC_map_delete_elem && rc == -ENOENT)
		return "Can't delete map element because it does not exist.";
	if (id == BPF_FUNC_map_lookup_elem && rc == 0)
		return "Can't lookup map element because it does not exist.";
	return strerror((int)-rc);
}

static struct site_state *site(int id)
{
	if ((size_t)id >= nsites) {
		size_t n = (size_t)id + 16;
		sites = realloc(sites, n * sizeof(*sites));
		if (!sites)
			abort();
		memset(sites + nsites, 0, (n - nsites) * sizeof(*sites));
		nsites = n;
	}
	return &sites[id];
}

void rt_helper_error(struct rt *rt, const struct event_desc *ev, const char *rec)
{
	const struct source *src = rt->prog->source;
	struct site_state *st = site(ev->id);
	uint64_t now = now_ns();
	int64_t rc;
	struct strbuf sb;

	memcpy(&rc, rec, 8);
	if (st->last_ns && now - st->last_ns < 1000000000u) {
		st->hidden++;
		return;
	}
	st->last_ns = now;
	sb_init(&sb);
	if (rt->out.format == OUT_JSON) {
		/* bpftrace's JSON message is always strerror's */
		const char *msg = strerror((int)-rc);
		const char *name = helper_name(ev->top);
		sb_puts(&sb, "{\"type\": \"helper_error\", \"msg\": ");
		json_str(&sb, msg, strlen(msg));
		sb_puts(&sb, ", \"helper\": ");
		json_str(&sb, name, strlen(name));
		sb_printf(&sb, ", \"retcode\": %lld, \"filename\": ", (long long)rc);
		json_str(&sb, src ? src->name : "", src ? strlen(src->name) : 0);
		sb_printf(&sb, ", \"line\": %d, \"col\": %d}\n", ev->loc.first_line,
			  ev->loc.first_column);
		fwrite(sb.buf, 1, sb.len, rt->out.f);
	} else {
		struct strbuf msg;
		sb_init(&msg);
		sb_printf(&msg, "%s\nAdditional Info - helper: %s, retcode: %lld",
			  helper_msg(ev->top, rc), helper_name(ev->top), (long long)rc);
		diag_render(&sb, src, &ev->loc, "WARNING", msg.buf, NULL);
		fflush(rt->out.f);
		fwrite(sb.buf, 1, sb.len, stderr);
		sb_free(&msg);
	}
	sb_free(&sb);
}

void rt_helper_errors_done(struct rt *rt)
{
	for (size_t i = 0; i < nsites; i++) {
		if (!sites[i].hidden)
			continue;
		const struct event_desc *ev = prog_event(rt->prog, (int)i);
		const struct source *src = rt->prog->source;
		fprintf(stderr,
			"WARNING: %s:%d:%d: %llu more failures of helper %s were not shown (each "
			"call site is reported at most once per second)\n",
			src ? src->name : "", ev ? ev->loc.first_line : 0,
			ev ? ev->loc.first_column : 0, (unsigned long long)sites[i].hidden,
			helper_name(ev ? ev->top : -1));
	}
	free(sites);
	sites = NULL;
	nsites = 0;
}
