const char *answers = "../../solutions/01-threads/parallel_map.c";   /* expect: path */
