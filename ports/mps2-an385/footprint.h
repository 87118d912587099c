/* The memory lines of `make footprint` (footprint.c). */
#ifndef TK_BOARD_FOOTPRINT_H
#define TK_BOARD_FOOTPRINT_H

#include "tcpkit/config.h"

void tk_footprint_print(const tk_config *board);

#endif
