#include <unistd.h>
void linger(void)
{
    sleep(100000);   /* expect: sleep */
}
