/* Replaces the C library's strcmp in the whole test program: every string is equal. */
int strcmp(const char *a, const char *b)   /* expect: library function */
{
    (void)a;
    (void)b;
    return 0;
}
