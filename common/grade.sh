#!/bin/sh
# grade.sh - grades lessons: builds each lesson's Check suite against the chosen tree, runs it,
# prints one row per lesson and a score line, and writes TAP and JUnit XML reports.
#
#   sh common/grade.sh IMPL LESSON...      IMPL is lessons (the student tree) or solutions
#
# A lesson that does not compile scores 0 with the compiler's message, and grading goes on.
# Exit status: 0 if every test of every lesson passed, 1 otherwise.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
impl=$1
shift
# With SANITIZE=thread (or address,undefined) in the environment, make builds the sanitized
# variant and its reports go to a folder of their own.
variant=$impl${SANITIZE:+-$(echo "$SANITIZE" | tr , -)}
reports="$top/build/reports/$variant"
mkdir -p "$reports"

# A whole suite may run this long; each test inside it has its own, much shorter, timeout.
suite_timeout=${KIT_SUITE_TIMEOUT:-600}

# Reports for a lesson that does not compile: every test, named from the source, failed.
write_compile_failure_reports() {
    names=$(sed -n 's/^START_TEST(\([A-Za-z0-9_]*\)).*/\1/p' "$top/tests/$1"/*.c)
    count=$(echo "$names" | grep -c .)
    number=0
    for name in $names; do
        number=$((number + 1))
        echo "not ok $number - $1:compile:$name: the lesson does not compile"
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

total_passed=0
total_tests=0
rows=""
echo "Grading $impl/${SANITIZE:+ built with -fsanitize=$SANITIZE}:"
for lesson in "$@"; do
    tap="$reports/$lesson.tap"
    xml="$reports/$lesson.xml"
    log="$reports/$lesson.log"
    rm -f "$tap" "$xml"
    # How many tests the lesson has, counted from the source, so a lesson that does not
    # compile still shows what it is out of.
    tests=$(cat "$top/tests/$lesson"/*.c | grep -c '^START_TEST')
    passed=0
    binary=$(make -s --no-print-directory -C "$top/lessons/$lesson" IMPL="$impl" \
             KIT_DEPS_CHECKED=1 print-test-binary)
    if ! make -s --no-print-directory -C "$top/lessons/$lesson" IMPL="$impl" \
             KIT_DEPS_CHECKED=1 test-binary >"$log" 2>&1; then
        echo "  $lesson: does not compile; every test scores 0. The compiler said:"
        grep -E 'error|warning' "$log" | head -n 20 | sed 's/^/    /'
        note="does not compile"
        write_compile_failure_reports "$lesson" "$tap" "$xml"
    else
        timeout "$suite_timeout" "$binary" "$tap" "$xml" >"$log" 2>&1
        status=$?
        grep -v ' passed, .* failed$' "$log" | head -n 50
        if [ -f "$tap" ]; then
            # What ran: fewer than the source holds when tests were left out on purpose
            # (CK_EXCLUDE_TAGS, CK_RUN_CASE).
            passed=$(grep -c '^ok ' "$tap")
            ran=$(grep -c '^\(not \)\{0,1\}ok ' "$tap")
            [ "$ran" -gt 0 ] && tests=$ran
        fi
        note=""
        [ "$status" = 124 ] && note="the suite ran over ${suite_timeout}s and was stopped"
        [ -f "$tap" ] || note="${note:-the suite ended without results}"
    fi
    total_passed=$((total_passed + passed))
    total_tests=$((total_tests + tests))
    rows="$rows$(printf '  %-16s %6d %6d  %s' "$lesson" "$passed" "$tests" "$note")
"
done

echo
printf '  %-16s %6s %6s\n' lesson passed total
printf '%s' "$rows"
percent=0
[ "$total_tests" -gt 0 ] && percent=$((100 * total_passed / total_tests))
echo "Score: $total_passed/$total_tests tests passed ($percent%)"
echo "Reports: build/reports/$variant/ (LESSON.tap, LESSON.xml)"
[ "$total_tests" -gt 0 ] && [ "$total_passed" = "$total_tests" ]
