#!/bin/sh
# debug.sh - `make debug TEST=name`: one test of a lesson, in the foreground and in the test
# runner's own process (no fork), under gdb, built without optimisation (in
# build/IMPL-debug/LESSON/, apart from the graded build).
#
#   sh common/debug.sh IMPL LESSON TEST
#
# gdb stops at the test's first line: `next`, `step` into your code, `print`, `bt`, `info
# threads`, `continue`. A test that hangs: Ctrl-C, then `thread apply all bt` shows where every
# thread waits. For a script: KIT_DEBUGGER replaces "gdb -q" (as "gdb -q -batch"), and
# KIT_DEBUGGER_THEN adds gdb's arguments after the stop at the test (as "-ex next -ex bt").
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
impl=$1
lesson=$2
test=$3
make="make -s --no-print-directory -C $top/lessons/$lesson IMPL=$impl DEBUG_BUILD=yes"

if ! $make test-binary >"$top/build/debug-$lesson.log" 2>&1; then
    echo "make debug: $lesson does not compile:" >&2
    grep -v '^make\(\[[0-9]*\]\)\{0,1\}: ' "$top/build/debug-$lesson.log" >&2
    exit 1
fi
binary=$($make print-test-binary)
tests=$(KIT_LIST_TESTS=yes "$binary")
if [ -z "$test" ] || ! echo "$tests" | grep -q ": $test\$"; then
    [ -n "$test" ] && echo "make debug: $lesson has no test named '$test'." >&2
    echo "usage: make debug TEST=name, where name is one of (test case: name):" >&2
    echo "$tests" >&2
    exit 2
fi
echo "make debug: $test, under gdb. It stops at the test's first line; 'continue' runs it to"
echo "the end, 'next' and 'step' go line by line, 'bt' shows where you are, 'quit' ends."
# Check names a test's function NAME_fn (START_TEST in check.h).
# shellcheck disable=SC2086
exec env KIT_DEBUG=yes KIT_TEST="$test" ${KIT_DEBUGGER:-gdb -q} \
    -ex "break ${test}_fn" -ex run ${KIT_DEBUGGER_THEN:-} --args "$binary"
