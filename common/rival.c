/* rival.c - see rival.h. */
#define _DEFAULT_SOURCE   /* MAP_ANONYMOUS */
#include "rival.h"

#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kit_check.h"

static void *armed_memory;
static size_t armed_size;
static void (*armed_rival)(void);
static atomic_bool rival_started;   /* a thread's fault is letting the rival in */
static atomic_bool rival_ran;

/* The handlers that were there before rival_arm, and whether ours is in their place. */
static struct sigaction previous_segv, previous_bus;
static atomic_bool handler_installed;

static size_t whole_pages(size_t size)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    return (size + page - 1) / page * page;
}

/* Puts back the handlers rival_arm replaced, once, from whichever of the test's thread or the
 * signal handler comes first. sigaction and a lock-free atomic are async-signal-safe. */
static void restore_previous_handlers(void)
{
    if (atomic_exchange(&handler_installed, false)) {
        sigaction(SIGSEGV, &previous_segv, NULL);
        sigaction(SIGBUS, &previous_bus, NULL);
    }
}

/* Whether the fault is the first write to the armed memory: a fault the kernel raised (not a
 * kill() or raise() from some process), at an address inside the armed pages. */
static bool is_the_armed_write(const siginfo_t *info)
{
    uintptr_t address = (uintptr_t)info->si_addr;
    uintptr_t start = (uintptr_t)armed_memory;
    return info->si_code > 0 && address >= start && address - start < armed_size;
}

__attribute__((no_sanitize("thread")))   /* it runs inside the interrupted atomic operation */
static void let_the_rival_in(int signal, siginfo_t *info, void *context)
{
    (void)context;
    if (!is_the_armed_write(info)) {
        /* Not ours: the code under test crashed (a NULL pointer, say). With the old handlers
         * back (by default: end the process), returning runs the faulting instruction again,
         * and its fault then ends the test as the crash it is, not as an endless loop of
         * rivals. A signal some process sent is not raised again by returning: send it on. */
        restore_previous_handlers();
        if (info->si_code <= 0)
            raise(signal);
        return;
    }
    if (atomic_exchange(&rival_started, true))
        return;   /* a second writer: it writes again once the first has let the rival in */
    mprotect(armed_memory, armed_size, PROT_READ | PROT_WRITE);
    armed_rival();
    atomic_store(&rival_ran, true);
    /* The rival has had its one step; any later fault is the code's own. */
    restore_previous_handlers();
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
    ck_assert_msg(!atomic_load(&handler_installed),
                  "rival_arm: the rival is armed already (rival_release it first)");
    armed_memory = memory;
    armed_size = whole_pages(size);
    armed_rival = rival;
    atomic_store(&rival_started, false);
    atomic_store(&rival_ran, false);
    /* The old handlers are saved, and marked as to be put back, before ours goes in: a fault
     * from then on finds them ready. */
    ck_assert_int_eq(sigaction(SIGSEGV, NULL, &previous_segv), 0);
    ck_assert_int_eq(sigaction(SIGBUS, NULL, &previous_bus), 0);
    atomic_store(&handler_installed, true);
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
    /* If the rival never ran, its handler is still in place: a later fault is not its. */
    restore_previous_handlers();
    ck_assert_int_eq(munmap(memory, whole_pages(size)), 0);
}
