#include <stdlib.h>
const char *fork_mode(void)
{
    return getenv("CK_FORK");   /* expect: environment */
}
