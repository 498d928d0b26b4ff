#!/bin/sh
# grade.sh - grades lessons: builds each lesson's Check suite against the chosen tree, runs it,
# prints one row per lesson and a score line, and writes reports for other tools.
#
#   sh common/grade.sh IMPL LESSON...      IMPL is lessons (the student tree) or solutions
#
# KIT_EXERCISE=N grades only exercise N's tests, and KIT_TEST=name only that test (`make check
# EX=N`, `make watch`): their reports go to a folder of their own (build/reports/IMPL/exercise-N,
# build/reports/IMPL/test-NAME), so the lesson's full results stay as they were, and the score
# line is that exercise's or test's alone.
#
# Reports, in build/reports/IMPL/: LESSON.tap (TAP), LESSON.xml (JUnit XML), LESSON.results
# (a line per test), LESSON.log (what the tests printed, at most 1 MiB), summary.json (tests
# and points per lesson and exercise, for a learning-management system) and scores.tsv (a
# line per lesson: lesson, passed, tests, points earned, points possible). Points come
# from tests/points. A lesson that does not compile scores 0 with the compiler's message, and
# grading goes on. Exit status: 0 if every test of every lesson passed, 1 otherwise.
#
# Races: a racy exercise can pass a test by luck, so each suite runs twice: as it is, then (if
# any test passed) built with ThreadSanitizer (reports in build/reports/IMPL/races/), where only
# a race report counts: the test that made it fails, with the two racing accesses as its
# reason, and the reports are written again with that. KIT_RACE_CHECK=no leaves the second run
# out (a quicker look, not a grade); so does SANITIZE, which builds the one run with that
# sanitizer.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
impl=$1
shift
# With SANITIZE=thread (or address,undefined) in the environment, make builds the sanitized
# variant and its reports go to a folder of their own.
variant=$impl${SANITIZE:+-$(echo "$SANITIZE" | tr , -)}
only=""
case "${KIT_EXERCISE:-}" in
    '') ;;
    *[!0-9]*) echo "EX=$KIT_EXERCISE: an exercise is a number, as in EX=2" >&2; exit 2 ;;
    *) only=exercise-$KIT_EXERCISE ;;
esac
case "${KIT_TEST:-}" in
    '') ;;
    *[!A-Za-z0-9_]*) echo "TEST=$KIT_TEST: a test's name is letters, digits and _" >&2; exit 2 ;;
    *) only=${only:+$only-}test-$KIT_TEST ;;
esac
reports="$top/build/reports/$variant${only:+/$only}"
mkdir -p "$reports"

# A whole suite may run this long; each test inside it has its own, much shorter, timeout.
suite_timeout=${KIT_SUITE_TIMEOUT:-600}
# Output kept from a suite: a test that prints without end must not fill the disk.
output_limit=1048576
race_check=${KIT_RACE_CHECK:-yes}
# Lines of a compiler's message shown when a lesson does not compile (all are in its log).
compiler_lines=${KIT_COMPILER_LINES:-60}
[ -n "${SANITIZE:-}" ] && race_check=no
# Tests run slower under ThreadSanitizer; a test that runs out of time there is not graded
# there (only race reports are), but the longer timeout lets more of the suite run.
race_timeout_multiplier=$(awk -v m="${CK_TIMEOUT_MULTIPLIER:-1}" 'BEGIN { print 4 * m }')

# In a grading sandbox (grading/sandbox.sh), a process that the code under test left behind
# has been handed to the sandbox's first process, pid 1, when the suite ends: this ends every
# such process (and what they started), so none can hold the output pipe, or write a file,
# while the rest of the student's grading goes on. Outside a sandbox it does nothing.
end_processes_left_behind() {
    [ "${KIT_SANDBOXED:-}" = yes ] || return 0
    while :; do
        left=""
        for status in /proc/[0-9]*/status; do
            pid=${status#/proc/}
            pid=${pid%/status}
            [ "$pid" = "$$" ] && continue
            parent=$(awk '/^PPid:/ { print $2 }' "$status" 2>/dev/null)
            [ "$parent" = 1 ] && left="$left $pid"
        done
        [ -z "$left" ] && return 0
        kill -KILL $left 2>/dev/null
        sleep 0.1
    done
}

# run_suite BINARY LESSON_REPORTS: runs a lesson's test binary with its output cut at
# output_limit, into LESSON_REPORTS.{tap,xml,results,log,status}, in the environment that
# suite_environment holds (VARIABLE=VALUE words: a lesson's THREAD_SANITIZER_ENV, or none).
run_suite() {
    # The suite's output goes through head, which keeps the first MiB and then closes the
    # pipe; its exit status comes back through a file, as a pipe loses it.
    { timeout "$suite_timeout" env ${suite_environment:-} "$1" "$2.tap" "$2.xml" "$2.results" 2>&1
      echo $? >"$2.status"
      # A runner stopped at the suite's limit leaves its test's process behind (Check gives
      # each test a process group of its own, out of timeout's reach), holding this pipe: it
      # is a copy of the runner, with the same command line.
      [ "$(cat "$2.status")" -ge 124 ] && pkill -KILL -f -- "^$1 $2.tap" 2>/dev/null
      end_processes_left_behind; } | head -c "$output_limit" >"$2.log"
}

# race_pass LESSON: builds the lesson's tests with ThreadSanitizer and runs them, except those
# racy on purpose and those it cannot check (kit_check.h). Prints the results file, or
# nothing if the build failed.
race_pass() {
    mkdir -p "$reports/races"
    race_reports="$reports/races/$1"
    rm -f "$race_reports.results"
    if ! make -s --no-print-directory -C "$top/lessons/$1" IMPL="$impl" SANITIZE=thread \
             KIT_DEPS_CHECKED=1 test-binary >"$race_reports.log" 2>&1; then
        return
    fi
    race_binary=$(make -s --no-print-directory -C "$top/lessons/$1" IMPL="$impl" \
                  SANITIZE=thread KIT_DEPS_CHECKED=1 print-test-binary)
    suite_environment=$(make -s --no-print-directory -C "$top/lessons/$1" IMPL="$impl" \
                        SANITIZE=thread KIT_DEPS_CHECKED=1 print-run-environment)
    CK_EXCLUDE_TAGS="${CK_EXCLUDE_TAGS:-} racy-on-purpose no-race-check" \
    CK_TIMEOUT_MULTIPLIER=$race_timeout_multiplier run_suite "$race_binary" "$race_reports"
    [ -f "$race_reports.results" ] && echo "$race_reports.results"
}

# With SANITIZE: the sanitizers' whole reports, which a failed test's reason sums up in a line.
# ThreadSanitizer's are kept a file per test (KIT_SANITIZER_REPORTS); AddressSanitizer and
# UndefinedBehaviorSanitizer write theirs into the suite's output, the lesson's log.
show_sanitizer_reports() {
    shown=0
    for report in "$reports/sanitizer/$1"/*.txt; do
        [ -f "$report" ] || continue
        echo "  ThreadSanitizer's report for $(basename "$report" .txt):"
        head -n "$compiler_lines" "$report" | sed 's/^/    /'
        shown=$((shown + 1))
        [ "$shown" -ge 2 ] && break
    done
    in_log=$(awk '/^(=+$|.*runtime error: )/ { showing = 1 } showing { print "    " $0 }
                  /^SUMMARY: / { showing = 0 }' "$reports/$1.log" | head -n "$compiler_lines")
    [ -n "$in_log" ] && echo "  The sanitizer's report:" && echo "$in_log"
    [ "$shown" -gt 0 ] || [ -n "$in_log" ] &&
        echo "  (every report: ${reports#"$top"/}/sanitizer/$1/ and ${reports#"$top"/}/$1.log)"
    return 0
}

# The wait-for graph of each test that deadlocked (the tests' watchdog writes it in Graphviz's
# language, KIT_DEADLOCK_DIR), drawn as PNG where Graphviz is installed.
draw_deadlocks() {
    for graph in "$reports/deadlocks/$1"/*.dot; do
        [ -f "$graph" ] || continue
        if command -v dot >/dev/null 2>&1 && dot -Tpng "$graph" -o "${graph%.dot}.png" 2>/dev/null; then
            echo "  the deadlock of $(basename "$graph" .dot), drawn: ${graph#"$top"/}" |
                sed 's/\.dot$/.png/'
        else
            echo "  the deadlock of $(basename "$graph" .dot), in Graphviz's language: ${graph#"$top"/}"
        fi
    done
}

# For a lesson that does not compile: every test, named from the source, failed.
write_compile_failure_reports() {
    names=$(sed -n 's/^START_TEST(\([A-Za-z0-9_]*\)).*/\1/p' "$top/tests/$1"/*.c "$top/tests/$1"/hidden/*.c 2>/dev/null)
    count=$(echo "$names" | grep -c .)
    number=0
    : >"$4"
    for name in $names; do
        number=$((number + 1))
        echo "not ok $number - $1:compile:$name: the lesson does not compile"
        printf 'FAIL\tcompile\t%s\tthe lesson does not compile\n' "$name" >>"$4"
    done >"$2"
    echo "1..$count" >>"$2"
    {
        echo '<?xml version="1.0" encoding="UTF-8"?>'
        echo "<testsuites tests=\"$count\" failures=\"$count\">"
        echo "  <testsuite name=\"$1\" tests=\"$count\" failures=\"$count\">"
        for name in $names; do
            echo "    <testcase classname=\"compile\" name=\"$name\">"
            echo "      <failure message=\"the lesson does not compile\"/>"
            echo "    </testcase>"
        done
        echo "  </testsuite>"
        echo "</testsuites>"
    } >"$3"
}


# grade_lesson LESSON: builds, runs and (for races) runs again one lesson's suite; prints its
# failures and the line "LESSON graded in N s".
grade_lesson() {
    lesson=$1
    lesson_started=$(date +%s.%N)
    tap="$reports/$lesson.tap"
    xml="$reports/$lesson.xml"
    results="$reports/$lesson.results"
    log="$reports/$lesson.log"
    rm -f "$tap" "$xml" "$results" "$reports/$lesson.note"
    rm -rf "$reports/sanitizer/$lesson" "$reports/deadlocks/$lesson"
    mkdir -p "$reports/sanitizer/$lesson" "$reports/deadlocks/$lesson"
    note=""
    binary=$(make -s --no-print-directory -C "$top/lessons/$lesson" IMPL="$impl" \
             KIT_DEPS_CHECKED=1 print-test-binary)
    suite_environment=$(make -s --no-print-directory -C "$top/lessons/$lesson" IMPL="$impl" \
                        KIT_DEPS_CHECKED=1 print-run-environment)
    # The lesson's own make checks for what it needs (common/deps.sh build and its DEPS).
    # What the results are of: `make progress` grades again only a lesson whose inputs changed.
    sh "$top/common/fingerprint.sh" "$impl" "$lesson" >"$reports/$lesson.inputs"
    if ! make -s --no-print-directory -C "$top/lessons/$lesson" IMPL="$impl" \
             test-binary >"$log" 2>&1; then
        # The compiler's whole message (notes and carets too), without make's own lines.
        echo "  $lesson: does not compile; every test scores 0. The compiler said:"
        grep -v '^make\(\[[0-9]*\]\)\{0,1\}: ' "$log" | head -n "$compiler_lines" | sed 's/^/    /'
        lines=$(grep -vc '^make\(\[[0-9]*\]\)\{0,1\}: ' "$log")
        [ "$lines" -gt "$compiler_lines" ] &&
            echo "    ... and $((lines - compiler_lines)) lines more, in ${log#"$top"/}"
        note="does not compile"
        write_compile_failure_reports "$lesson" "$tap" "$xml" "$results"
    else
        # In a grading sandbox (grading/limits), each process of the tests gets so much
        # address space; ThreadSanitizer's run cannot, as the sanitizer reserves terabytes.
        ( if [ -n "${KIT_LIMIT_MEMORY_MB:-}" ]; then
              ulimit -v $((KIT_LIMIT_MEMORY_MB * 1024)) || exit 1
          fi
          KIT_SANITIZER_REPORTS="$reports/sanitizer/$lesson" \
          KIT_DEADLOCK_DIR="$reports/deadlocks/$lesson" run_suite "$binary" "$reports/$lesson" )
        status=$(cat "$reports/$lesson.status")
        # EX or TEST named no test of the lesson: the runner said so (and what there is).
        if [ -n "$only" ] && [ "$status" = 2 ]; then
            sed 's/^/  /' "$log" >&2
            exit 2
        fi
        # Only an exercise's test that passed can fail for a race (the given code is race-free):
        # with none, the second run is left out.
        if [ "$race_check" = yes ] && grep -q '^ok	exercise' "$results" 2>/dev/null; then
            race_results=$(race_pass "$lesson")
            if [ -n "$race_results" ]; then
                cp "$results" "$results.plain"
                KIT_RESULTS_FROM="$results.plain" KIT_RACE_RESULTS="$race_results" \
                    "$binary" "$tap" "$xml" "$results" >>"$log" 2>&1
            fi
        fi
        if [ -f "$results" ]; then
            awk -F'\t' '$1 == "FAIL" { printf "  FAIL %s: %s: %s\n", $2, $3, $4 }' "$results"
            [ -n "${SANITIZE:-}" ] && show_sanitizer_reports "$lesson"
            draw_deadlocks "$lesson"
        else
            note="the suite ended without results"
        fi
        [ "$status" = 124 ] && note="the suite ran over ${suite_timeout}s and was stopped"
    fi
    [ -f "$results" ] || : >"$results"
    [ -n "$note" ] && echo "$note" >"$reports/$lesson.note"
    # Build, tests and race run together: what an instructor plans a class's grading with
    # (grading/timing.sh reads this line from each student's log).
    printf '  %s graded in %s s\n' "$lesson" \
        "$(echo "$(date +%s.%N) $lesson_started" | awk '{ printf "%.1f", $1 - $2 }')"
}

# One lesson of several graded side by side (below): its lines only, no score yet, kept and
# printed whole when it is done, so that two lessons' lines never mix.
if [ "${KIT_GRADE_PART:-}" = yes ]; then
    grade_lesson "$1" >"$reports/$1.console" 2>&1
    cat "$reports/$1.console"
    rm -f "$reports/$1.console"
    exit 0
fi

echo "Grading $impl/${SANITIZE:+ built with -fsanitize=$SANITIZE}$([ "$race_check" = yes ] && echo ", also built with ThreadSanitizer for races"):"
# Lessons are graded side by side, KIT_GRADE_JOBS at a time (one per core by default), as the
# self-test checks them: much of a suite's time is its threads waiting, and lessons share
# nothing but the machine. Each lesson's lines come whole, as it finishes, ending with its
# "graded in" line. One lesson at a time when a single one, one exercise or one test is asked
# for (its lines then come as they are made), and in the class grader's sandboxes
# (KIT_RESULTS_FD), which grade students side by side instead.
jobs=${KIT_GRADE_JOBS:-$(nproc 2>/dev/null || echo 1)}
case "$jobs" in ''|*[!0-9]*|0) jobs=1 ;; esac
[ -n "${KIT_RESULTS_FD:-}" ] && jobs=1
if [ "$jobs" -eq 1 ] || [ "$#" -eq 1 ] || [ -n "$only" ]; then
    for lesson in "$@"; do
        grade_lesson "$lesson"
    done
else
    printf '%s\n' "$@" | KIT_GRADE_PART=yes xargs -P "$jobs" -n 1 sh "$0" "$impl"
fi

echo
if [ -z "$only" ]; then
    sh "$top/common/scores.sh" "$reports" "$variant" "$@"
    graded=$?
    echo "Reports: build/reports/$variant/ (LESSON.tap, LESSON.xml, summary.json)"
    exit $graded
fi
# One exercise or one test: its score alone. (The other exercises' rows would be zeros: their
# tests did not run.)
sh "$top/common/scores.sh" "$reports" "$variant" "$@" >/dev/null
graded=$?
if [ -n "${KIT_TEST:-}" ]; then
    awk -F'\t' '$3 != "-" { printf "  %s, exercise %s: test %s: %s\n", $1, $2, $3,
                                    ($4 == "ok" ? "passed" : "failed") }' "$reports/tests.tsv"
else
    awk -F'\t' -v exercise="$KIT_EXERCISE" '
        ($2 == exercise || $2 == exercise " hidden") && $3 > 0 {
            printf "  %s, exercise %s: %d of %d tests passed, %s/%g points\n", $1, $2, $4, $3, $6, $5
        }' "$reports/exercises.tsv"
fi
echo "Reports: ${reports#"$top"/}/"
exit $graded
