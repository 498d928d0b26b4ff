/* treiber_rival.c - treiber.c again, as rival_treiber_push and rival_treiber_pop, compiled
 * without ThreadSanitizer: see rival_stacks.h. */
#include "rival_stacks.h"

#define treiber_init rival_treiber_init
#define treiber_push rival_treiber_push
#define treiber_pop rival_treiber_pop

/* With angle brackets: the -I folders in order (the solutions', or a student's copy, before
 * the lesson's own), not this file's folder first. */
#include <treiber.c>
