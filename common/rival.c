/* rival.c - see rival.h. */
#define _DEFAULT_SOURCE   /* MAP_ANONYMOUS */
#include "rival.h"

#include <signal.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kit_check.h"

static void *armed_memory;
static size_t armed_size;
static void (*armed_rival)(void);
static atomic_bool rival_ran;

static size_t whole_pages(size_t size)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    return (size + page - 1) / page * page;
}

__attribute__((no_sanitize("thread")))   /* it runs inside the interrupted atomic operation */
static void let_the_rival_in(int signal, siginfo_t *info, void *context)
{
    (void)signal;
    (void)info;
    (void)context;
    mprotect(armed_memory, armed_size, PROT_READ | PROT_WRITE);
    armed_rival();
    atomic_store(&rival_ran, true);
}

void *rival_memory(size_t size)
{
    void *memory = mmap(NULL, whole_pages(size), PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ck_assert_msg(memory != MAP_FAILED, "rival_memory: mmap failed");
    return memory;
}

void rival_arm(void *memory, size_t size, void (*rival)(void))
{
    armed_memory = memory;
    armed_size = whole_pages(size);
    armed_rival = rival;
    atomic_store(&rival_ran, false);
    struct sigaction action = { .sa_sigaction = let_the_rival_in, .sa_flags = SA_SIGINFO };
    sigemptyset(&action.sa_mask);
    /* A write to a read-only page is SIGSEGV on Linux and SIGBUS on macOS. */
    ck_assert_int_eq(sigaction(SIGSEGV, &action, NULL), 0);
    ck_assert_int_eq(sigaction(SIGBUS, &action, NULL), 0);
    ck_assert_int_eq(mprotect(memory, armed_size, PROT_READ), 0);
}

bool rival_has_run(void)
{
    return atomic_load(&rival_ran);
}

void rival_release(void *memory, size_t size)
{
    munmap(memory, whole_pages(size));
}
