// SPDX-License-Identifier: GPL-2.0
/* Placeholder; the parser work replaces it. */
int main(void)
{
	return 1;
}
