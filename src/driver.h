/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SONDE_DRIVER_H
#define SONDE_DRIVER_H
int driver_main(int argc, char **argv);
#endif
