#include <unistd.h>
void silence(int fd)
{
    dup2(fd, 1);   /* expect: file descriptors */
}
