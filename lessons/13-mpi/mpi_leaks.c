/* mpi_leaks.c - LeakSanitizer off in the MPI programs of this lesson, and why.
 *
 * Built with AddressSanitizer (make asan, and the self-test's run of the tests), every rank
 * checks for leaks when it exits. Open MPI 4.1 leaves memory allocated after MPI_Finalize,
 * much of it by plugins it has already unloaded by then: LeakSanitizer reports those with a
 * stack of "<unknown module>" frames, which no suppression file can name. So this lesson's
 * programs turn the leak check off, and only it: AddressSanitizer still stops a rank at an
 * overflow or a use after free, and UndefinedBehaviorSanitizer still runs.
 *
 * __asan_default_options() is AddressSanitizer's documented hook for a program's own defaults
 * (ASAN_OPTIONS in the environment still wins); a program built without it never calls it.
 */
const char *__asan_default_options(void);

const char *__asan_default_options(void)
{
    return "detect_leaks=0";
}
