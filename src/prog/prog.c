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
	free(p->name_slots);
	vec_free(&p->strings);
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

static size_t name_hash(const char *s)
{
	size_t h = 1469598103934665603ull; /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static void name_insert(struct program *p, int idx)
{
	size_t mask = p->name_cap - 1, i = name_hash(p->probe_names.v[idx]) & mask;

	while (p->name_slots[i] >= 0)
		i = (i + 1) & mask;
	p->name_slots[i] = idx;
}

/* Thousands of attach points (wide wildcards) make a linear search quadratic. */
int prog_probe_name(struct program *p, const char *name)
{
	if (p->name_cap) {
		size_t mask = p->name_cap - 1;
		for (size_t i = name_hash(name) & mask; p->name_slots[i] >= 0; i = (i + 1) & mask)
			if (!strcmp(p->probe_names.v[p->name_slots[i]], name))
				return p->name_slots[i];
	}
	vec_push(&p->probe_names, arena_strdup(&p->arena, name));
	if (p->probe_names.n * 2 > p->name_cap) {
		free(p->name_slots);
		p->name_cap = p->name_cap ? p->name_cap * 2 : 64;
		p->name_slots = xmalloc(p->name_cap * sizeof(int));
		memset(p->name_slots, 0xff, p->name_cap * sizeof(int));
		for (size_t i = 0; i < p->probe_names.n; i++)
			name_insert(p, (int)i);
	} else {
		name_insert(p, (int)p->probe_names.n - 1);
	}
	return (int)p->probe_names.n - 1;
}

int prog_string(struct program *p, const char *s)
{
	for (size_t i = 0; i < p->strings.n; i++)
		if (!strcmp(p->strings.v[i], s))
			return (int)i;
	vec_push(&p->strings, arena_strdup(&p->arena, s));
	return (int)p->strings.n - 1;
}
