#!/bin/sh
# stress.sh - runs the reference solutions' tests RUNS times in a row with every core kept
# busy by other work, and reports every run that failed. A test that fails here even once
# is a flaky test, and a flaky test is a defect of the kit.
#
#   sh common/stress.sh RUNS LESSON...
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
runs=$1
shift

# One busy loop per core, for as long as the stress runs.
busy=""
for core in $(seq "$(nproc)"); do
    sh -c 'while :; do :; done' &
    busy="$busy $!"
done
trap 'kill $busy 2>/dev/null' EXIT
trap 'exit 130' INT TERM

failures=0
for lesson in "$@"; do
    make -s --no-print-directory -C "lessons/$lesson" IMPL=solutions test-binary || exit 1
    binary=$(make -s --no-print-directory -C "lessons/$lesson" IMPL=solutions print-test-binary)
    mkdir -p build/stress
    lesson_failures=0
    run=1
    while [ "$run" -le "$runs" ]; do
        if ! "$binary" >"build/stress/$lesson.log" 2>&1; then
            lesson_failures=$((lesson_failures + 1))
            cp "build/stress/$lesson.log" "build/stress/$lesson-run$run.log"
            echo "$lesson: run $run failed (build/stress/$lesson-run$run.log):"
            grep FAIL "build/stress/$lesson.log"
        fi
        run=$((run + 1))
    done
    echo "$lesson: $((runs - lesson_failures)) of $runs runs passed with every core busy"
    failures=$((failures + lesson_failures))
done
[ "$failures" -eq 0 ]
