// SPDX-License-Identifier: GPL-2.0
/* A shared library for the uprobe tests. */
long sonde_lib_mul(long a, long b);

__attribute__((noinline)) long sonde_lib_mul(long a, long b)
{
	return a * b;
}
