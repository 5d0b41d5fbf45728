// SPDX-License-Identifier: GPL-2.0
/*
 * Target of the watchpoint tests, linked without PIE so that
 * sonde_watched has the address `nm` shows. Writes it N times (default 3).
 */
#include <stdlib.h>

volatile long sonde_watched;

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 3;

	for (int i = 0; i < n; i++)
		sonde_watched = i + 1;
	return 0;
}
