#include <stdlib.h>
int split(void)
{
    exit(0);   /* expect: exit */
}
