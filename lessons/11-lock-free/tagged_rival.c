/* tagged_rival.c - tagged.c again, as rival_tagged_push and rival_tagged_pop, compiled
 * without ThreadSanitizer: see rival_stacks.h. */
#include "rival_stacks.h"

#define tagged_init rival_tagged_init
#define tagged_push rival_tagged_push
#define tagged_pop rival_tagged_pop

/* With angle brackets: the -I folders in order (the solutions', or a student's copy, before
 * the lesson's own), not this file's folder first. */
#include <tagged.c>
