#include <stdio.h>
FILE *peek(const char *name)
{
    return fopen(name, "r");   /* expect: file access */
}
