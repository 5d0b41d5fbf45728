// SPDX-License-Identifier: GPL-2.0
#include "driver.h"

int main(int argc, char **argv)
{
	return driver_main(argc, argv);
}
