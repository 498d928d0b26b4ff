#include <check.h>   /* expect: include */
