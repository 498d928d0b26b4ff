#line 1 "parallel_map.c"   /* expect: line directive */
