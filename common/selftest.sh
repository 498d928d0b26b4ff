#!/bin/sh
# selftest.sh - the kit's self-test, run by `make test` and by CI.
#
#   sh common/selftest.sh LESSON...
#
# Checks, for each lesson: the solutions build with zero warnings and pass every test (which
# grading runs twice, the second time built with ThreadSanitizer for races), also under
# AddressSanitizer; every exercise test fails on the untouched student tree (a test that passes
# on a TODO stub asserts nothing); the tests catch every classic wrong version in tests/LESSON/
# wrong/; the demo runs to the end from both trees and answers a bad argument with exit status
# 2; the diagrams render; the slide deck builds and shows every image in a browser. When every
# lesson is tested, beside them: the student edition (tests/grading/check-edition.sh: written,
# answer-free, its own make test passes), the grading platforms' files
# (tests/grading/check-platforms.sh: their formats, and make check's points) and the student's
# loop (tests/student/check-loop.sh: watch, progress, EX=, debug, editors, deps). Then the
# tracer's own tests, and that the browser check fails on a deck with a broken image.
#
# Lessons are checked side by side, KIT_TEST_JOBS at a time (default: one more than the cores,
# since much of a lesson's check waits: on a deadlocked wrong version's timeout, on Chromium).
# Each lesson's steps are printed when it ends, with the seconds it took; its log is
# build/selftest/LESSON.log. Ends with "self-test: N passed, N failed"; exit status 1 on any
# failure.
#
# Wrong versions only need to fail, so their tests run with a shorter timeout
# (CK_TIMEOUT_MULTIPLIER=0.5 below: half of it): a deadlocked one fails in seconds
# instead of waiting out the full timeout. So that a short timeout cannot be what catches a
# wrong version that is merely slow, the solutions' own run uses the same short timeout.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
make="make --no-print-directory KIT_DEPS_CHECKED=1"
mkdir -p build/selftest
wrong_timeout_multiplier=0.5

# step DESCRIPTION COMMAND...: runs the command, its output to the log, and reports.
passed=0
failed=0
log=build/selftest/kit.log
step() {
    description=$1
    shift
    echo "=== $description" >>"$log"
    step_started=$(date +%s)
    if "$@" >>"$log" 2>&1; then
        passed=$((passed + 1))
        echo "ok   $description"
    else
        failed=$((failed + 1))
        echo "FAIL $description (see $log)"
    fi
    echo "=== $(($(date +%s) - step_started)) s" >>"$log"
}

# Every test in a test case named "exercise N" must fail on the student tree.
stubs_fail_every_exercise_test() {
    tap=build/reports/lessons/$1.tap
    [ -f "$tap" ] || { echo "no report $tap"; return 1; }
    passing=$(grep '^ok ' "$tap" | grep ':exercise [0-9]*\( hidden\)\{0,1\}:')
    exercise_tests=$(grep -c ':exercise [0-9]*\( hidden\)\{0,1\}:' "$tap")
    if [ "$exercise_tests" -eq 0 ]; then
        echo "$1 has no exercise tests"
        return 1
    fi
    if [ -n "$passing" ]; then
        echo "these exercise tests pass on the TODO stubs, so they assert nothing:"
        echo "$passing"
        return 1
    fi
}

# EXERCISE_FILES in the lesson's Makefile names exactly the files of solutions/LESSON/: they
# are what grading takes from a submission.
exercise_files_listed() {
    listed=$($make -s -C "lessons/$1" print-exercise-files | tr ' ' '\n' | grep . | sort)
    solved=$(ls "solutions/$1" | sort)
    [ "$listed" = "$solved" ] ||
        { echo "EXERCISE_FILES: $(echo $listed); solutions/$1: $(echo $solved)"; return 1; }
}

# A bad argument gets a usage line on stderr and exit status 2, from every program of the
# lesson: --no-such-option, and for the demo each of BAD_ARGS, for another program NAME each
# of BAD_ARGS_NAME. One case may hold several arguments separated by commas ("1.5,2").
rejects_bad_arguments() {
    lesson=$1
    folder=$($make -s -C "lessons/$lesson" IMPL=solutions print-build-folder)
    for program in $($make -s -C "lessons/$lesson" print-programs); do
        for case in --no-such-option \
                    $($make -s -C "lessons/$lesson" print-bad-arguments-$program); do
            old_ifs=$IFS
            IFS=,
            set -- $case
            IFS=$old_ifs
            "$folder/$program" "$@" >/dev/null 2>"build/selftest/$lesson.stderr"
            status=$?
            if [ "$status" -ne 2 ] || ! grep -q '^usage: ' "build/selftest/$lesson.stderr"; then
                echo "$program $*: exit status $status, stderr: $(cat "build/selftest/$lesson.stderr")"
                return 1
            fi
        done
    done
}

diagrams_rendered() {
    for view in hb timeline; do
        for format in svg png pdf; do
            [ -s "slides/diagrams/$1-$view.$format" ] || { echo "missing $1-$view.$format"; return 1; }
        done
    done
    [ -s "slides/diagrams/$1-trace.json" ]
}

# make diagrams on the TODO stubs ends well: an unfinished exercise is no error. A diagram that
# needs one is skipped with a sentence that says so ("... needs exercise N (FILE); skipped"):
# every diagram the solutions drew into slides/diagrams (the step before) is drawn from the
# stubs too, or the output says which exercise is missing. The stubs' diagrams go into a
# folder of their own (DIAGRAMS on the command line overrides lesson.mk's), and slides/diagrams
# must be left as it was.
stub_diagrams_say_what_they_need() {
    lesson=$1
    stub_diagrams=$(mktemp -d) || return 1
    before=$(ls -l --full-time slides/diagrams/"$lesson"-* 2>/dev/null)
    output=build/selftest/$lesson.stub-diagrams
    $make -C "lessons/$lesson" IMPL=lessons DIAGRAMS="$stub_diagrams" diagrams >"$output" 2>&1
    status=$?
    after=$(ls -l --full-time slides/diagrams/"$lesson"-* 2>/dev/null)
    cat "$output"
    result=0
    if [ "$status" -ne 0 ]; then
        echo "make diagrams on the TODO stubs failed with exit status $status"
        result=1
    elif [ "$after" != "$before" ]; then
        echo "make diagrams DIAGRAMS=$stub_diagrams changed slides/diagrams"
        result=1
    elif ! grep -q 'needs exercise' "$output"; then
        for drawn in slides/diagrams/"$lesson"-*; do
            [ -e "$drawn" ] && [ ! -e "$stub_diagrams/$(basename "$drawn")" ] || continue
            echo "the stubs drew no $(basename "$drawn"), and named no exercise it needs"
            result=1
        done
    fi
    rm -rf "$stub_diagrams"
    return "$result"
}

# seed_build FROM TO SOURCES_FROM SOURCES_TO: a wrong version's build folder starts as a copy of
# the solutions' objects, with the dependency lists pointed at its own folders, so that make
# compiles again only what the patch changed (and what includes it) instead of everything.
seed_build() {
    mkdir -p "$2"
    [ -d "$1" ] || return 0
    for object in "$1"/*.o; do
        [ -f "$object" ] || continue
        name=$(basename "$object" .o)
        cp -p "$object" "$2/"
        sed "s|$1/|$2/|g; s|$3/|$4/|g" "$1/$name.d" >"$2/$name.d"
    done
}

# Each tests/LESSON/wrong/NAME.patch turns the reference solution into a classic wrong version
# (its first line says which exercise and what is wrong). The tests of that exercise must
# catch every one of them. A first line "exercise N hidden: ..." names a mistake for the hidden
# tests of exercise N: they must catch it, and the visible tests must let it through (else the
# hidden test would teach nothing the visible ones do not).
wrong_version_is_caught() {
    lesson=$1
    patch_file=$2
    name=$(basename "$patch_file" .patch)
    exercise=$(sed -n '1s/^exercise \([0-9][0-9]*\( hidden\)\{0,1\}\):.*/\1/p' "$patch_file")
    [ -n "$exercise" ] ||
        { echo "$patch_file: first line must be 'exercise N: ...' or 'exercise N hidden: ...'"; return 1; }
    work="$top/build/wrong/$lesson/$name"
    rm -rf "$work"
    mkdir -p "$work/src" "$work/build"
    # With their dates kept, so that only the files the patch changes are newer than the
    # solutions' objects.
    cp -p "solutions/$lesson"/* "$work/src/"
    patch -s -d "$work/src" <"$patch_file" || return 1
    solutions_build=$($make -s -C "lessons/$lesson" IMPL=solutions print-build-folder)
    seed_build "$solutions_build" "$work/build" "$top/solutions/$lesson" "$work/src"
    $make -C "lessons/$lesson" IMPL=solutions IMPL_DIR="$work/src" BUILD="$work/build" \
        EXTRA_CFLAGS=-w test-binary || return 1
    case $exercise in
        *hidden)
            CK_RUN_CASE="exercise ${exercise% hidden}" "$work/build/check-$lesson" "$work/visible.tap"
            if grep -q '^not ok ' "$work/visible.tap"; then
                echo "$name fails the visible tests of exercise ${exercise% hidden}; a mistake for"
                echo "the hidden tests must be one that the visible tests let through:"
                grep '^not ok ' "$work/visible.tap"
                return 1
            fi ;;
    esac
    CK_RUN_CASE="exercise $exercise" CK_TIMEOUT_MULTIPLIER=$wrong_timeout_multiplier \
        "$work/build/check-$lesson" "$work/results.tap"
    grep -q '^not ok ' "$work/results.tap" && return 0
    # Grading also runs the tests built with ThreadSanitizer, where a race report fails the
    # test that made it: some wrong versions (a relaxed order, a counter read without its
    # lock) are caught only there.
    seed_build "$top/build/solutions-thread/$lesson" "$work/build-races" \
        "$top/solutions/$lesson" "$work/src"
    $make -C "lessons/$lesson" IMPL=solutions IMPL_DIR="$work/src" BUILD="$work/build-races" \
        SANITIZE=thread EXTRA_CFLAGS=-w test-binary || return 1
    CK_RUN_CASE="exercise $exercise" CK_TIMEOUT_MULTIPLIER=4 \
        CK_EXCLUDE_TAGS="racy-on-purpose no-race-check" \
        env $($make -s -C "lessons/$lesson" SANITIZE=thread print-run-environment) \
        "$work/build-races/check-$lesson" "$work/races.tap" "$work/races.xml" "$work/races.results"
    # A race's reason names where the racing accesses are: a function and a file:line. (The
    # function of an OpenMP region, as clang names it, has dots: .omp_outlined._debug__.)
    if ! grep -q "	ThreadSanitizer: .* in [A-Za-z_0-9.]* ([A-Za-z_0-9.-]*:[0-9]*)" \
            "$work/races.results"; then
        echo "$name passes every test of exercise $exercise, also built with ThreadSanitizer:"
        echo "the tests miss this bug"
        return 1
    fi
}

# The lesson's deck builds (HTML and PDF) and every image in it loads in headless Chromium.
slides_shown() {
    sh common/slides.sh "$1" && sh common/slides-check.sh "$1"
}

# The tests of the kit's own pieces (tests/common): the tracer, the rival, the runner.
tracer_tests() {
    mkdir -p build/common
    # Every file of common/ (the runner's main is check_main.c, and no other has one), linked
    # as lesson.mk links a lesson's tests.
    cc -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -g -Wall -Wextra -Werror -pthread -Icommon \
        $(pkg-config --cflags check) tests/common/*.c common/*.c \
        -Wl,--wrap=_tcase_add_test -o build/common/check-tracer $(pkg-config --libs check) &&
    build/common/check-tracer build/common/tracer.tap
}

# check_lesson LESSON: every step for one lesson, in order, into build/selftest/LESSON.*
check_lesson() {
    lesson=$1
    log=build/selftest/$lesson.log
    : >"$log"
    started=$(date +%s)
    step "$lesson: solutions build with zero warnings" \
        $make -C "lessons/$lesson" IMPL=solutions EXTRA_CFLAGS=-Werror all test-binary
    step "$lesson: student tree builds" $make -C "lessons/$lesson" IMPL=lessons all test-binary
    step "$lesson: EXERCISE_FILES names the files of solutions/$lesson" exercise_files_listed "$lesson"
    step "$lesson: solutions pass every test, also built with ThreadSanitizer" \
        env CK_TIMEOUT_MULTIPLIER=$wrong_timeout_multiplier sh common/grade.sh solutions "$lesson"
    step "$lesson: solutions pass every test under AddressSanitizer and UBSan" \
        env SANITIZE=address,undefined CK_TIMEOUT_MULTIPLIER=4 \
        UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 sh common/grade.sh solutions "$lesson"
    KIT_RACE_CHECK=no sh common/grade.sh lessons "$lesson" >>"$log" 2>&1
    step "$lesson: every exercise test fails on the TODO stubs" \
        stubs_fail_every_exercise_test "$lesson"
    for patch_file in tests/"$lesson"/wrong/*.patch; do
        [ -f "$patch_file" ] || continue
        step "$lesson: tests catch $(basename "$patch_file" .patch)" \
            wrong_version_is_caught "$lesson" "$patch_file"
    done
    step "$lesson: demo runs to the end (solutions)" $make -C "lessons/$lesson" IMPL=solutions run
    step "$lesson: demo runs to the end (student tree)" $make -C "lessons/$lesson" IMPL=lessons run
    step "$lesson: demo rejects bad arguments with status 2" rejects_bad_arguments "$lesson"
    step "$lesson: diagrams render" $make -C "lessons/$lesson" IMPL=solutions diagrams
    step "$lesson: diagrams are all there" diagrams_rendered "$lesson"
    step "$lesson: diagrams from the stubs: drawn, or skipped saying which exercise they need" \
        stub_diagrams_say_what_they_need "$lesson"
    step "$lesson: slides build, and Chromium shows every image" slides_shown "$lesson"
    echo "$lesson: $passed passed, $failed failed, in $(($(date +%s) - started)) s"
    echo "$passed $failed" >"build/selftest/$lesson.counts"
}

# A check of the kit as a whole that runs beside the lessons: tests/*/check-NAME.sh (the
# student edition, the grading platforms, the student's loop), its steps counted like a
# lesson's.
check_kit_piece() {
    sh tests/*/"check-$1.sh" >"build/selftest/$1.log" 2>&1
    cat "build/selftest/$1.log"
    echo "$(grep -c '^ok ' "build/selftest/$1.log") $(grep -c '^FAIL ' "build/selftest/$1.log")" \
        >"build/selftest/$1.counts"
}

# One lesson (or kit piece), as a job of the run below: its report is printed whole when it ends.
if [ "${1:-}" = --lesson ]; then
    case $2 in
        edition | platforms | loop) check_kit_piece "$2" >"build/selftest/$2.out" 2>&1 ;;
        *) check_lesson "$2" >"build/selftest/$2.out" 2>&1 ;;
    esac
    cat "build/selftest/$2.out"
    exit 0
fi

started=$(date +%s)
# Everything the kit uses (the decks need pandoc and Chromium, the platforms' checks the
# grading tools, the loop's gdb and inotifywait): installed once here, not by every job at once.
sh common/deps.sh all || exit 1
rm -f build/selftest/*.counts
jobs=${KIT_TEST_JOBS:-$(($(nproc) + 1))}
echo "self-test: $# lessons, $jobs at a time"
# The lessons with the most wrong versions take longest: they start first. The student edition
# and the grading platforms are checked beside them when the whole kit is tested.
pieces=""
[ "$*" = "$(ls -d lessons/[0-9][0-9]-*/ | xargs -n 1 basename | tr '\n' ' ' | sed 's/ $//')" ] &&
    pieces="edition platforms loop"
{
    for lesson in "$@"; do
        echo "$(ls tests/"$lesson"/wrong/*.patch 2>/dev/null | wc -l) $lesson"
    done | sort -rn | cut -d' ' -f2
    for piece in $pieces; do echo "$piece"; done
} | xargs -P "$jobs" -n 1 sh common/selftest.sh --lesson
for lesson in "$@" $pieces; do
    if [ -f "build/selftest/$lesson.counts" ]; then
        read -r lesson_passed lesson_failed <"build/selftest/$lesson.counts"
        passed=$((passed + lesson_passed))
        failed=$((failed + lesson_failed))
    else
        echo "FAIL $lesson: its check did not finish (see build/selftest/$lesson.log)"
        failed=$((failed + 1))
    fi
done

log=build/selftest/kit.log
: >"$log"
step "tracer: its own tests pass" tracer_tests
step "slides: the browser check fails on a deck with a broken image" \
    sh common/slides-check.sh --broken
step "grading: the report of suspicious submissions flags what it must, and only that" \
    sh tests/grading/check-suspicious.sh


echo "self-test took $(($(date +%s) - started)) s"
echo "self-test: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
