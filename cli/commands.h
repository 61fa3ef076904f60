/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The commands main.c dispatches to, one file each (cmd_NAME.c).  Each
 * takes its own argv (argv[0] is the command's name), parses its options
 * with getopt_long, and returns the exit status.
 */
#ifndef CLI_COMMANDS_H
#define CLI_COMMANDS_H

int cmd_now(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_check(int argc, char **argv);

#endif /* CLI_COMMANDS_H */
