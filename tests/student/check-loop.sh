#!/bin/sh
# check-loop.sh - the student's loop, checked as a student would use it, in a student edition
# written for the purpose (make release), as a script that saves files where a student would:
#   - make watch in lessons/03-locks follows the saves: the stub's failures, exercise 1 done and
#     on to exercise 2, a compiler error shown whole, exercise 2 done, the progress bar, the hint
#     command; it ends cleanly on a signal; the same with polling instead of inotifywait;
#   - make check EX=N grades one exercise, TEST=name one test, and refuses an unknown one;
#   - make progress says done, started and not started, and grades only what changed;
#   - make debug TEST=name stops gdb in the test;
#   - build/compile_commands.json lists the student's files with the kit's flags;
#   - deps.sh, as a user who cannot install, names the missing package and fails only the
#     target that needs it.
#
#   sh tests/student/check-loop.sh
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
work=$top/build/check-loop
rm -rf "$work"
mkdir -p "$work"
piece=loop
check_lines=40
. "$top/tests/check-steps.sh"

edition=$work/edition
lesson=$edition/lessons/03-locks
make --no-print-directory release DEST="$edition" >"$work/release.log" 2>&1 ||
    { echo "FAIL loop: make release"; tail -n 20 "$work/release.log"; exit 1; }

# saves SOLUTION_FILE: the student saves the reference version of a file of lesson 03.
saves() {
    cp "$top/solutions/03-locks/$1" "$lesson/$1.new" && mv "$lesson/$1.new" "$lesson/$1"
}

# waits_for FILE TEXT: until FILE holds TEXT (a fixed string), for at most a minute.
waits_for() {
    tries=0
    until grep -qF -- "$2" "$1"; do
        tries=$((tries + 1))
        [ "$tries" -le 600 ] || { echo "no '$2' in $1 after 60 s:"; cat "$1"; return 1; }
        sleep 0.1
    done
}

# A session of make watch, as a script: start it, save, read what it shows, end it.
# watch_session POLL: POLL=yes looks for saves without inotifywait.
watch_session() {
    out=$work/watch-$1.out
    git -C "$edition" checkout -q -- lessons/03-locks
    ( cd "$lesson" && KIT_WATCH_POLL=$1 exec make --no-print-directory watch ) >"$out" 2>&1 &
    watcher=$!
    waits_for "$out" "exercise 1: 0 of 3 tests passed" &&
    waits_for "$out" "Stuck? make hint EX=1" &&
    waits_for "$out" "Watching for changes" &&
    saves counter.c &&
    waits_for "$out" "Exercise 1 is done. On to the next" &&
    waits_for "$out" "03-locks, exercise 2: 0 of 7 tests passed" &&
    waits_for "$out" "exercise 1 done, 2 not started" &&
    # A compile error: gcc's whole message, the caret line under the error too.
    printf 'int bank_broken(void) { return missing_name; }\n' >>"$lesson/bank.c" &&
    waits_for "$out" "does not compile" &&
    waits_for "$out" "missing_name;" &&
    waits_for "$out" "^" &&
    saves bank.c &&
    waits_for "$out" "Exercise 2 is done" &&
    waits_for "$out" "exercise 1 done, 2 done, 3 not started" &&
    waits_for "$out" "03-locks, exercise 3: 0 of 4 tests passed" ||
        { pkill -TERM -f "$edition/common/watch.sh"; wait "$watcher"; return 1; }
    # Where a terminal sends SIGINT to every process, a script sends SIGTERM: the same stop.
    pkill -TERM -f "$edition/common/watch.sh" 2>/dev/null
    wait "$watcher"
    waits_for "$out" "make watch: stopped." &&
    ! pgrep -f "$edition/common/watch.sh" >/dev/null &&
    ! pgrep -f "inotifywait.*$edition" >/dev/null
}
check "make watch follows the saves through exercises 1 and 2 (inotifywait)" watch_session no
check "make watch follows the saves through exercises 1 and 2 (polling)" watch_session yes

one_exercise_or_test() {
    git -C "$edition" checkout -q -- lessons/03-locks && saves counter.c &&
    make -s -C "$lesson" check EX=1 >"$work/ex1.out" 2>&1 &&
    grep -q "03-locks, exercise 1: 3 of 3 tests passed, 3.00/3 points" "$work/ex1.out" &&
    ! grep -q "exercise 2" "$work/ex1.out" &&
    ! make -s -C "$lesson" check EX=2 >"$work/ex2.out" 2>&1 &&
    grep -q "0 of 7 tests passed" "$work/ex2.out" &&
    make -s -C "$lesson" check TEST=counter_starts_at_zero_and_adds >"$work/test.out" 2>&1 &&
    grep -q "test counter_starts_at_zero_and_adds: passed" "$work/test.out" &&
    { make -s -C "$lesson" check EX=9 >"$work/ex9.out" 2>&1; [ $? != 0 ]; } &&
    grep -q "this lesson has no exercise 9" "$work/ex9.out" &&
    { make -s -C "$edition" check LESSON=03-locks TEST=no_such_test >"$work/none.out" 2>&1; [ $? != 0 ]; } &&
    grep -q "no test named 'no_such_test'" "$work/none.out"
}
check "make check EX=N and TEST=name grade one exercise, one test; unknown ones are refused" \
    one_exercise_or_test

progress_is_told() {
    git -C "$edition" checkout -q -- lessons && saves counter.c &&
    printf '/* started */\n' >>"$lesson/spinlock.c" &&
    make -s -C "$edition" progress >"$work/progress.out" 2>&1 &&
    grep -q "Grading again what changed" "$work/progress.out" &&
    grep -q "03-locks .*1 of 4 exercises done" "$work/progress.out" &&
    grep -q "exercise 1 *done *3.00/3" "$work/progress.out" &&
    grep -q "exercise 2 *not started" "$work/progress.out" &&
    grep -q "exercise 3 *started" "$work/progress.out" &&
    grep -q "01-threads .*not started" "$work/progress.out" &&
    # Nothing changed: nothing graded again.
    make -s -C "$edition" progress >"$work/progress-again.out" 2>&1 &&
    ! grep -q "Grading again" "$work/progress-again.out" &&
    grep -q "03-locks .*1 of 4 exercises done" "$work/progress-again.out" &&
    saves bank.c &&
    make -s -C "$lesson" progress >"$work/progress-03.out" 2>&1 &&
    grep -q "Grading again what changed since its last results: 03-locks$" "$work/progress-03.out" &&
    grep -q "03-locks .*2 of 4 exercises done" "$work/progress-03.out"
}
check "make progress: done, started, not started, and only what changed graded again" \
    progress_is_told

debugger_stops_in_the_test() {
    KIT_DEBUGGER="gdb -q -batch" KIT_DEBUGGER_THEN="-ex bt -ex continue" \
        make -s -C "$lesson" debug TEST=transfer_rejects_bad_arguments >"$work/debug.out" 2>&1
    grep -q "Breakpoint 1, transfer_rejects_bad_arguments_fn" "$work/debug.out" &&
    grep -q "debug_one_test" "$work/debug.out" &&
    { make -s -C "$lesson" debug >"$work/debug-usage.out" 2>&1; [ $? = 2 ]; } &&
    grep -q "usage: make debug TEST=name" "$work/debug-usage.out"
}
check "make debug TEST=name stops gdb at the test, in the runner's own process" \
    debugger_stops_in_the_test

editors_find_every_header() {
    jq -e --arg file "$lesson/counter.c" \
        '[.[] | select(.file == $file and (.command | contains("-I") and contains("/common")))] | length > 0' \
        "$edition/build/compile_commands.json"
}
check "build/compile_commands.json has the student's files with the kit's flags" \
    editors_find_every_header

# As a user who cannot install (no root, no sudo), on a machine without Graphviz: a PATH with
# every tool of this one but dot.
cannot_install() {
    bin=$work/bin-without-dot
    mkdir -p "$bin"
    for tool in /usr/bin/* /bin/*; do
        case $(basename "$tool") in dot|sudo) continue ;; esac
        ln -sf "$tool" "$bin/$(basename "$tool")"
    done
    chmod -R a+rX "$work" "$top/common"
    as_nobody="setpriv --reuid=65534 --regid=65534 --clear-groups"
    $as_nobody env PATH="$bin" sh "$top/common/deps.sh" build >"$work/deps-build.out" 2>&1 || return 1
    ! $as_nobody env PATH="$bin" sh "$top/common/deps.sh" diagrams >"$work/deps-diagrams.out" 2>&1 &&
    grep -q "graphviz" "$work/deps-diagrams.out" &&
    grep -q "sudo apt-get install" "$work/deps-diagrams.out" &&
    ! grep -q "fonts-liberation2\|gnuplot" "$work/deps-diagrams.out"
}
if [ "$(id -u)" = 0 ]; then
    check "deps.sh without root names the one missing package, and only where it is needed" \
        cannot_install
fi

[ "$failed" = 0 ]
