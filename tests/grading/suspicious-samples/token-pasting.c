#define JOIN(a, b) a##b   /* expect: token pasting */
void leave(void)
{
    JOIN(ex, it)(0);
}
