#include <unistd.h>
void detach(void)
{
    setsid();   /* expect: process control */
}
