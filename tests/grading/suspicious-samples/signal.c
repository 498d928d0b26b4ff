#include <unistd.h>
void stop_the_runner(void)
{
    kill(getppid(), 9);   /* expect: signal */
}
