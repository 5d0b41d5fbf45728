// SPDX-License-Identifier: GPL-2.0
#include "prog/prog.h"

#include <stdlib.h>
#include <string.h>

void prog_init(struct program *p)
{
	memset(p, 0, sizeof(*p));
	p->ringbuf_size = 1 << 20;
}

void prog_free(struct program *p)
{
	for (size_t i = 0; i < p->progs.n; i++) {
		struct prog_desc *pd = p->progs.v[i];
		vec_free(&pd->targets);
	}
	vec_free(&p->maps);
	vec_free(&p->events);
	vec_free(&p->progs);
	vec_free(&p->probe_names);
	vec_free(&p->helper_sites);
	free(p->elf);
	arena_free(&p->arena);
}

struct map_desc *prog_map(const struct program *p, int id)
{
	return id >= 0 && (size_t)id < p->maps.n ? p->maps.v[id] : NULL;
}

struct event_desc *prog_event(const struct program *p, int id)
{
	return id >= 0 && (size_t)id < p->events.n ? p->events.v[id] : NULL;
}

int prog_probe_name(struct program *p, const char *name)
{
	for (size_t i = 0; i < p->probe_names.n; i++)
		if (!strcmp(p->probe_names.v[i], name))
			return (int)i;
	vec_push(&p->probe_names, arena_strdup(&p->arena, name));
	return (int)p->probe_names.n - 1;
}
