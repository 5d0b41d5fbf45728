// SPDX-License-Identifier: GPL-2.0
/*
 * One usdt probe at many sites behind one semaphore: sondetest:many is
 * placed 200 times, site K passing the constant K (so each site has its
 * own argument spec, "-4@$K"). Runs N rounds MS milliseconds apart; a
 * round fires every site once while a tracer holds the semaphore.
 */
#define _SDT_HAS_SEMAPHORES 1
#include <stdlib.h>
#include <sys/sdt.h>
#include <unistd.h>

unsigned short sondetest_many_semaphore __attribute__((section(".probes"), used));

#define SITE(k)                                                                                    \
	do {                                                                                       \
		if (sondetest_many_semaphore)                                                      \
			STAP_PROBE1(sondetest, many, k);                                           \
	} while (0)
#define SITES10(t)                                                                                 \
	SITE(t##0);                                                                                \
	SITE(t##1);                                                                                \
	SITE(t##2);                                                                                \
	SITE(t##3);                                                                                \
	SITE(t##4);                                                                                \
	SITE(t##5);                                                                                \
	SITE(t##6);                                                                                \
	SITE(t##7);                                                                                \
	SITE(t##8);                                                                                \
	SITE(t##9)

__attribute__((noinline)) static void round_of_sites(void)
{
	SITE(0);
	SITE(1);
	SITE(2);
	SITE(3);
	SITE(4);
	SITE(5);
	SITE(6);
	SITE(7);
	SITE(8);
	SITE(9);
	SITES10(1);
	SITES10(2);
	SITES10(3);
	SITES10(4);
	SITES10(5);
	SITES10(6);
	SITES10(7);
	SITES10(8);
	SITES10(9);
	SITES10(10);
	SITES10(11);
	SITES10(12);
	SITES10(13);
	SITES10(14);
	SITES10(15);
	SITES10(16);
	SITES10(17);
	SITES10(18);
	SITES10(19);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1;
	int pause_ms = argc > 2 ? atoi(argv[2]) : 0;

	for (int i = 0; i < n; i++) {
		round_of_sites();
		if (pause_ms)
			usleep((useconds_t)pause_ms * 1000);
	}
	return 0;
}
