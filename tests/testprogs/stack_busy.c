// SPDX-License-Identifier: GPL-2.0
/* A busy loop with a known call chain, for stack and profile tests:
 * main -> stack_outer -> stack_middle -> stack_inner (spins). */
#include <stdlib.h>
#include <time.h>

volatile unsigned long sink;

void stack_inner(double secs);
void stack_middle(double secs);
void stack_outer(double secs);

__attribute__((noinline)) void stack_inner(double secs)
{
	struct timespec a, b;

	clock_gettime(CLOCK_MONOTONIC, &a);
	do {
		for (int i = 0; i < 100000; i++)
			sink += (unsigned long)i;
		clock_gettime(CLOCK_MONOTONIC, &b);
	} while ((double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9 < secs);
}

__attribute__((noinline)) void stack_middle(double secs)
{
	stack_inner(secs);
	sink++;
}

__attribute__((noinline)) void stack_outer(double secs)
{
	stack_middle(secs);
	sink++;
}

int main(int argc, char **argv)
{
	stack_outer(argc > 1 ? atof(argv[1]) : 1.0);
	return 0;
}
