// SPDX-License-Identifier: GPL-2.0
/*
 * Target of the usdt tests (built at -O0, so arguments are registers,
 * stack slots and constants). sondetest:multi has two sites whose argument
 * specs differ. With an argument N it repeats N times, pausing MS
 * milliseconds between rounds when given a second argument.
 */
#include <stdlib.h>
#include <sys/sdt.h>
#include <unistd.h>

__attribute__((noinline)) static void site_a(int x)
{
	STAP_PROBE1(sondetest, multi, x);
}

__attribute__((noinline)) static void site_b(void)
{
	STAP_PROBE1(sondetest, multi, 77);
}

int sonde_global = 1234;

/* Optimised, so that the global is a memory operand: "-4@sonde_global(%rip)". */
__attribute__((noinline, optimize("O2"))) static void site_global(void)
{
	STAP_PROBE1(sondetest, global, sonde_global);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1;
	int pause_ms = argc > 2 ? atoi(argv[2]) : 0;
	long big = -5000000000L;
	short small = -3;
	char word[8] = "hello"; /* on the stack: resident when the probe reads it */

	for (int i = 0; i < n; i++) {
		STAP_PROBE(sondetest, noargs);
		STAP_PROBE3(sondetest, three, i + 1, big, small);
		STAP_PROBE2(sondetest, word, word, 5);
		site_global();
		site_a(42);
		site_b();
		if (pause_ms)
			usleep((useconds_t)pause_ms * 1000);
	}
	return 0;
}
