#include <stdlib.h>
int split(void)
{
    ex\
it(0);   /* expect: exit */
}
