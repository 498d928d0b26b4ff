#include <unistd.h>
void leave(void)
{
    syscall(231, 0);   /* expect: syscall */
}
