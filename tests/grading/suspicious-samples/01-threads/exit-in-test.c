/* The same _exit called in the test process itself ends the test with status 0: a pass. */
#include <unistd.h>
static void leave(void)
{
    _exit(0);   /* expect: exit */
}

void split_range(void)
{
    leave();
}
