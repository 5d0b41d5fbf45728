/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SONDE_DRIVER_H
#define SONDE_DRIVER_H
#include <stdio.h>
int driver_main(int argc, char **argv);
/* --info: kernel and build features as "name: yes/no" lines (info.c). */
int driver_info(FILE *out, const char *version);
#endif
