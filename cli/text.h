/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Text for a terminal: the width to fit (80 columns unless told
 * otherwise) and lines wrapped at spaces with a hanging indent, so that a
 * long reason or detail continues under itself instead of breaking
 * mid-word at the terminal's edge.
 */
#ifndef CLI_TEXT_H
#define CLI_TEXT_H

#include <stdio.h>

/*
 * The width to fit: $COLUMNS when it is a number from 40 to 1000, else
 * the terminal's width when stdout is one, else 80.
 */
int text_width(void);

/*
 * label, padded to indent columns, then text wrapped at text_width() with
 * every further line indented by indent.  A word longer than a line (a
 * path) is not broken.  Ends with a newline.
 */
void text_wrap(FILE *f, const char *label, int indent, const char *text);

#endif /* CLI_TEXT_H */
