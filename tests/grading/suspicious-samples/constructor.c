/* Runs before main, before any test has started. */
__attribute__((constructor)) static void early(void)   /* expect: constructor */
{
}
