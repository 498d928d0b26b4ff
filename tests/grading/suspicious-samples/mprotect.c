void unprotect(void *page)
{
    mprotect(page, 4096, 7);   /* expect: mprotect */
}
