#include <unistd.h>
int split(void)
{
    return fork();   /* expect: fork */
}
