// SPDX-License-Identifier: GPL-2.0
/*
 * Target of the uprobe tests: plain functions with known arguments and
 * results, one in a shared library, one in C++. With an argument N it
 * repeats the calls N times (default once), pausing MS milliseconds
 * between rounds when given a second argument.
 */
#include <stdlib.h>
#include <unistd.h>

long sonde_lib_mul(long a, long b);
int sonde_cpp_call(int x);
int sonde_add(int a, int b);
int sonde_sub(int a, int b);

__attribute__((noinline)) int sonde_add(int a, int b)
{
	return a + b;
}

__attribute__((noinline)) int sonde_sub(int a, int b)
{
	return a - b;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1;
	int pause_ms = argc > 2 ? atoi(argv[2]) : 0; /* between rounds, for -p */
	volatile long sink = 0;
	volatile int three = 3; /* keeps each call from being folded */

	for (int i = 0; i < n; i++) {
		sink += sonde_add(three, 4);
		sink += sonde_sub(10, 3);
		sink += sonde_lib_mul(6, 7);
		sink += sonde_cpp_call(21);
		if (pause_ms)
			usleep((useconds_t)pause_ms * 1000);
	}
	return sink == 0;
}
