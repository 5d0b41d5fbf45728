// SPDX-License-Identifier: GPL-2.0
/*
 * The event loop: one BPF ring buffer carries every asynchronous action
 * (printf, print, time, exit, clear, zero). Records start with a u64
 * event id; the event descriptor says how to decode the rest.
 */
#include "runtime/rt.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <string.h>
#include <time.h>

static void do_time(struct rt *rt, const char *fmt)
{
	char buf[256];
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	size_t n = strftime(buf, sizeof(buf), fmt, &tm);
	if (rt->out.format == OUT_JSON) {
		struct strbuf sb;
		sb_init(&sb);
		json_event(&sb, "time", buf, n);
		fwrite(sb.buf, 1, sb.len, rt->out.f);
		sb_free(&sb);
		return;
	}
	fwrite(buf, 1, n, rt->out.f);
}

static int on_event(void *ctx, void *data, size_t size)
{
	struct rt *rt = ctx;
	uint64_t id;
	struct strbuf sb;

	if (size < 8)
		return 0;
	memcpy(&id, data, 8);
	struct event_desc *ev = prog_event(rt->prog, (int)id);
	if (!ev || size < 8 + ev->size)
		return 0;
	if (rt->exit_requested && !rt->in_end)
		return 0; /* nothing after exit() is printed, but END's output */
	const char *rec = (const char *)data + 8;
	sb_init(&sb);
	switch (ev->kind) {
	case EV_PRINTF:
		out_printf(&sb, rt->prog, ev->fmt, ev->args, ev->nargs, rec);
		if (rt->out.format == OUT_JSON) {
			struct strbuf js;
			sb_init(&js);
			json_event(&js, "printf", sb.buf ? sb.buf : "", sb.len);
			fwrite(js.buf, 1, js.len, rt->out.f);
			sb_free(&js);
			break;
		}
		fwrite(sb.buf ? sb.buf : "", 1, sb.len, rt->out.f);
		break;
	case EV_PRINT_VALUE:
		if (rt->out.format == OUT_JSON) {
			sb_puts(&sb, "{\"type\": \"value\", \"data\": ");
			json_value(&sb, rt->prog, ev->args[0].type, rec + ev->args[0].offset);
			sb_puts(&sb, "}\n");
			fwrite(sb.buf, 1, sb.len, rt->out.f);
			break;
		}
		out_value(&sb, rt->prog, ev->args[0].type, rec + ev->args[0].offset);
		sb_putc(&sb, '\n');
		fwrite(sb.buf, 1, sb.len, rt->out.f);
		break;
	case EV_PRINT_MAP:
		out_map(&rt->out, prog_map(rt->prog, ev->map_id), ev->top, ev->div);
		break;
	case EV_TIME:
		do_time(rt, ev->fmt);
		break;
	case EV_EXIT: {
		int64_t code;
		memcpy(&code, rec, 8);
		rt->exit_code = (int)code;
		rt->exit_requested = true;
		break;
	}
	case EV_CLEAR:
		out_map_clear(prog_map(rt->prog, ev->map_id));
		break;
	case EV_ZERO:
		out_map_zero(prog_map(rt->prog, ev->map_id), rt->out.ncpus);
		break;
	default:
		rt_event_more(rt, ev, rec);
		break;
	}
	sb_free(&sb);
	/*
	 * libbpf consumes until the buffer is empty, which under a steady
	 * load is never: stop after this record when the loop must end.
	 */
	if (rt->stop && (*rt->stop || rt->exit_requested))
		return -EINTR;
	return 0;
}

static int rb_open(struct rt *rt)
{
	if (rt->rb)
		return 0;
	struct bpf_map *m = bpf_object__find_map_by_name(rt->obj, PROG_RINGBUF_MAP);
	if (!m)
		return -1;
	rt->rb = ring_buffer__new(bpf_map__fd(m), on_event, rt, NULL);
	return rt->rb ? 0 : -1;
}

static uint64_t stat_sum(struct rt *rt, int stat)
{
	int n = rt->out.ncpus > 0 ? rt->out.ncpus : 1;
	uint64_t vals[n], sum = 0;
	uint32_t key = (uint32_t)stat;

	if (rt->stats_fd < 0 || bpf_map_lookup_elem(rt->stats_fd, &key, vals))
		return 0;
	for (int i = 0; i < n; i++)
		sum += vals[i];
	return sum;
}

/* Maps that refused updates: each is named once, with the key to raise. */
static void report_full_maps(struct rt *rt)
{
	struct program *p = rt->prog;

	if (!rt->full_reported)
		rt->full_reported = xcalloc(p->maps.n + 1, sizeof(*rt->full_reported));
	for (size_t i = 0; i <= p->maps.n; i++) {
		const struct map_desc *md = i < p->maps.n ? p->maps.v[i] : NULL;
		uint64_t n = stat_sum(rt, md ? PROG_STAT_MAP_FULL(md->id) : STAT_MAP_FULL);

		/* Once when it happens, and the total at the end if it grew. */
		if (!n || n == rt->full_reported[i] || (rt->full_reported[i] && !rt->in_end))
			continue;
		rt->full_reported[i] = n;
		if (md)
			fprintf(stderr,
				"WARNING: map %s is full (%u entries): %llu update%s dropped; "
				"raise max_map_keys\n",
				md->name, md->max_entries, (unsigned long long)n,
				n == 1 ? "" : "s");
		else
			fprintf(stderr,
				"WARNING: a map is full: %llu update%s dropped; raise "
				"max_map_keys\n",
				(unsigned long long)n, n == 1 ? "" : "s");
	}
}

void rt_report_losses(struct rt *rt)
{
	uint64_t lost = stat_sum(rt, STAT_LOST_EVENTS);

	if (lost > rt->lost_reported && rt->out.format == OUT_JSON) {
		unsigned long long n = (unsigned long long)(lost - rt->lost_reported);
		fprintf(rt->out.f,
			"{\"type\": \"lost_events\", \"count\": %llu, \"data\": {\"events\": "
			"%llu}}\n",
			n, n);
		rt->lost_reported = lost;
	} else if (lost > rt->lost_reported) {
		fprintf(stderr, "Lost %llu events\n",
			(unsigned long long)(lost - rt->lost_reported));
		rt->lost_reported = lost;
	}
	if (rt->stats_fd >= 0)
		report_full_maps(rt);
}

int rt_loop(struct rt *rt, volatile int *stop)
{
	if (rb_open(rt))
		return -1;
	rt->stop = stop;
	while (!*stop && !rt->exit_requested) {
		int rc = ring_buffer__poll(rt->rb, 200);
		if (rc < 0 && rc != -EINTR) {
			rt->stop = NULL;
			return -1;
		}
		out_stack_note_pids();
		rt_report_losses(rt);
	}
	rt->stop = NULL;
	return 0;
}

void rt_drain(struct rt *rt)
{
	if (rb_open(rt) == 0)
		ring_buffer__consume(rt->rb);
	out_stack_note_pids();
	fflush(rt->out.f);
}
