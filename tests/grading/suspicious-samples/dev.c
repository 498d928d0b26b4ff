const char *nowhere = "/dev/null";   /* expect: /dev */
