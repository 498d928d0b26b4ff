#include <stdlib.h>
int split(const char *command)
{
    return system(command);   /* expect: exec */
}
