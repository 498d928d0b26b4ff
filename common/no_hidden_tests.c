/* no_hidden_tests.c - kit_add_hidden_tests() for a lesson without hidden tests (or a copy of
 * the kit without them, such as the student edition): it adds no test. A lesson's hidden tests,
 * in tests/LESSON/hidden/, define their own kit_add_hidden_tests() in place of this one. */
#include "kit_check.h"

void kit_add_hidden_tests(Suite *suite)
{
    (void)suite;
}
