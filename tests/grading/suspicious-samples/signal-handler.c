static void ignore(int number) { (void)number; }
void survive_the_timeout(void)
{
    signal(SIGALRM, ignore);   /* expect: signal handler */
}
