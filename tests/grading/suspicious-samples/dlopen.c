void *find_the_runner(void)
{
    return dlsym((void *)0, "srunner_ntests_failed");   /* expect: dlopen */
}
