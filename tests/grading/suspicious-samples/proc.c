const char *memory_of_the_test = "/proc/self/mem";   /* expect: /proc */
