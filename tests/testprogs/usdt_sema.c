// SPDX-License-Identifier: GPL-2.0
/*
 * A usdt probe behind a semaphore: it fires only while a tracer has
 * raised sondetest_gated_semaphore. Runs N rounds MS milliseconds apart.
 */
#define _SDT_HAS_SEMAPHORES 1
#include <stdlib.h>
#include <sys/sdt.h>
#include <unistd.h>

unsigned short sondetest_gated_semaphore __attribute__((section(".probes"), used));

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1;
	int pause_ms = argc > 2 ? atoi(argv[2]) : 0;

	for (int i = 0; i < n; i++) {
		if (sondetest_gated_semaphore)
			STAP_PROBE1(sondetest, gated, i);
		if (pause_ms)
			usleep((useconds_t)pause_ms * 1000);
	}
	return 0;
}
