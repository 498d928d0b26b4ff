#!/bin/sh
# edition-test.sh - `make test` in the student edition: checks that a fresh starter repository
# works before students get it, without the reference solutions it does not have. For each
# lesson: it builds, `make check` runs its tests and every exercise fails on the untouched
# stubs (each exercise listed in tests/points has tests, and none passes), and its programs
# answer a bad argument with a usage line and exit status 2. Then: GitHub Classroom's workflow
# matches tests/points, and the platforms' results files can be written.
# Run in a copy where students have started, it says which exercises already pass.
#
#   sh common/edition-test.sh LESSON...
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
make="make --no-print-directory KIT_DEPS_CHECKED=1"
passed=0
failed=0
mkdir -p build/edition-test
log=build/edition-test/log
: >"$log"

step() {
    description=$1
    shift
    echo "=== $description" >>"$log"
    if "$@" >>"$log" 2>&1; then
        passed=$((passed + 1))
        echo "ok   $description"
    else
        failed=$((failed + 1))
        echo "FAIL $description (see $log)"
    fi
}

# Every exercise of tests/points has tests in the lesson's report, and none of them passes.
every_exercise_fails() {
    results=build/reports/lessons/$1.results
    [ -f "$results" ] || { echo "no results $results"; return 1; }
    status=0
    for exercise in $(awk -v l="$1" '$1 == l && NF == 3 { print $2 }' tests/points); do
        tests=$(awk -F'\t' -v e="exercise $exercise" '$2 == e' "$results" | grep -c .)
        passing=$(awk -F'\t' -v e="exercise $exercise" '$2 == e && $1 == "ok" { print $3 }' "$results")
        if [ "$tests" -eq 0 ]; then
            echo "$1 exercise $exercise: no test ran"
            status=1
        elif [ -n "$passing" ]; then
            echo "$1 exercise $exercise: passes on this copy (started already?): $passing"
            status=1
        fi
    done
    return $status
}

rejects_bad_arguments() {
    folder=$($make -s -C "lessons/$1" print-build-folder)
    for program in $($make -s -C "lessons/$1" print-programs); do
        "$folder/$program" --no-such-option >/dev/null 2>build/edition-test/stderr
        status=$?
        if [ "$status" -ne 2 ] || ! grep -q '^usage: ' build/edition-test/stderr; then
            echo "$program --no-such-option: exit status $status"
            return 1
        fi
    done
}

classroom_workflow_current() {
    cp .github/workflows/classroom.yml build/edition-test/classroom.yml.before &&
    sh grading/classroom.sh . >/dev/null &&
    cmp build/edition-test/classroom.yml.before .github/workflows/classroom.yml
}

# The files every platform reads, from the results make check just wrote.
platform_files_written() {
    for format in gradescope prairielearn; do
        sh grading/results-for.sh $format build/reports/lessons | jq -e . >/dev/null || return 1
    done
}

for lesson in "$@"; do
    step "$lesson: builds" $make -C "lessons/$lesson" all test-binary
    KIT_RACE_CHECK=no sh common/grade.sh lessons "$lesson" >>"$log" 2>&1
    step "$lesson: make check runs, and every exercise fails on the stubs" every_exercise_fails "$lesson"
    step "$lesson: programs reject a bad argument with status 2" rejects_bad_arguments "$lesson"
done
sh common/scores.sh build/reports/lessons lessons "$@" >>"$log" 2>&1
step "the platforms' results files are written" platform_files_written
step "GitHub Classroom's workflow matches tests/points" classroom_workflow_current
echo "edition self-test: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
