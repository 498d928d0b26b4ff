#define HEADER <check.h>
#include HEADER   /* expect: include */
