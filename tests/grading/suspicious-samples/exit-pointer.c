#include <stdlib.h>
static void handler(void) { }
int split(void)
{
    return atexit(handler);   /* expect: exit */
}
