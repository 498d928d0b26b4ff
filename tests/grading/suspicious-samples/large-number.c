#include <stdlib.h>
void *hog(void)
{
    return malloc((size_t)1 << 40);   /* expect: large number */
}
