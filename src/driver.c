// SPDX-License-Identifier: GPL-2.0
#include "driver.h"
int driver_main(int argc, char **argv)
{
	return 1;
}
