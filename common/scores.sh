#!/bin/sh
# scores.sh - the score of graded lessons, from their results: a row per lesson and a score
# line on the console, and files for other tools.
#
#   sh common/scores.sh REPORTS TREE LESSON...
#
# Reads REPORTS/LESSON.results (a line per test: ok or FAIL, test case, test, reason, tab-
# separated, as the kit's test runner writes it) and REPORTS/LESSON.note (optional: one line
# shown beside the lesson's row, such as "does not compile"). Points come from tests/points,
# shared equally among an exercise's tests. Writes, in REPORTS:
#   scores.tsv     a line per lesson: lesson, passed, tests, points earned, points possible
#   exercises.tsv  a line per exercise: lesson, exercise, tests, passed, points, earned
#   tests.tsv      a line per test: lesson, exercise, test, ok or FAIL, earned, possible, reason
#                  (what every grading platform's file is made from: grading/platforms.sh)
#   summary.json   tests and points per lesson and exercise (TREE names what was graded)
#   summary.txt    what it prints: a row per lesson and the score line
# Used by grade.sh, and by the class grader outside its sandboxes. Exit status: 0 if every test
# of every lesson passed, 1 otherwise.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
reports=$1
tree=$2
shift 2

# Scores one lesson's results against tests/points: the kit's one piece of code that turns
# results into points; every platform's file is written from what it writes. Writes a line per
# test to TESTS_FILE ("LESSON EXERCISE TEST VERDICT EARNED POSSIBLE REASON", tab-separated, in
# the order the tests ran) and prints one line per exercise ("EXERCISE TESTS PASSED POINTS
# EARNED", in number order, "given" included). A test's share of its exercise's points is
# kept to ten digits, so that shares add up to the exercise's points.
# EXERCISE is the test case's name without "exercise ": "2" for exercise 2, "2 hidden" for the
# hidden tests of exercise 2 (points line "LESSON 2 hidden POINTS"), "given", or "compile".
score_exercises() {
    awk -F'\t' -v lesson="$1" -v tests_file="$3" -v note="$4" '
        FILENAME ~ /points$/ {
            if ($0 ~ /^#/ || NF == 0) next
            count = split($0, field, " ")
            if (field[1] != lesson) next
            if (count == 3) exercise = field[2]
            else if (count == 4 && field[3] == "hidden") exercise = field[2] " hidden"
            else next
            points[exercise] = field[count]
            known[exercise] = 1
            next
        }
        {
            exercise = $2
            sub(/^exercise /, "", exercise)
            tests[exercise]++
            if ($1 == "ok") passed[exercise]++
            known[exercise] = 1
            line[++lines] = $0
            of[lines] = exercise
        }
        END {
            for (exercise in known) {
                worth[exercise] = (exercise in points) ? points[exercise] : \
                        (exercise == "given" || exercise == "compile" ? 0 : tests[exercise])
            }
            for (i = 1; i <= lines; i++) {
                if (of[i] == "compile") continue
                split(line[i], part, "\t")
                share = worth[of[i]] / tests[of[i]]
                printf "%s\t%s\t%s\t%s\t%.10g\t%.10g\t%s\n", lesson, of[i], part[3], part[1], \
                       (part[1] == "ok" ? share : 0), share, part[4] > tests_file
            }
            # An exercise none of whose tests ran (the lesson did not compile, or the suite
            # ended first) is one failed line, so that the lines add up to every point.
            for (i = 1; i <= 2 * 99; i++) {
                exercise = int((i + 1) / 2) (i % 2 ? "" : " hidden")
                if (!(exercise in known) || tests[exercise] > 0 || worth[exercise] == 0) continue
                printf "%s\t%s\t-\tFAIL\t%.10g\t%.10g\t%s\n", lesson, exercise, 0, worth[exercise], \
                       "no test of this exercise ran: " (note == "" ? "see the log" : note) > tests_file
            }
            for (exercise in known) {
                if (exercise == "compile") continue
                earned = tests[exercise] > 0 ? worth[exercise] * passed[exercise] / tests[exercise] : 0
                printf "%s\t%d\t%d\t%g\t%.2f\n", exercise, tests[exercise], passed[exercise], \
                       worth[exercise], earned
            }
        }' "$top/tests/points" "$2" | sort -t "$(printf '\t')" -k1,1n -k1,1
}

: >"$reports/scores.tsv"
: >"$reports/tests.tsv"
: >"$reports/exercises.tsv"
total_passed=0
total_tests=0
total_points=0
total_earned=0
rows=""
json_lessons=""
for lesson in "$@"; do
    results="$reports/$lesson.results"
    [ -f "$results" ] || : >"$results"
    note=""
    [ -f "$reports/$lesson.note" ] && note=$(head -n 1 "$reports/$lesson.note")
    # What ran: fewer than the source holds when tests were left out on purpose
    # (CK_EXCLUDE_TAGS, CK_RUN_CASE). With no results, what the source holds.
    tests=$(grep -c . "$results")
    [ "$tests" -gt 0 ] || tests=$(cat "$top/tests/$lesson"/*.c "$top/tests/$lesson"/hidden/*.c 2>/dev/null | grep -c '^START_TEST')
    passed=$(grep -c '^ok' "$results")
    : >"$reports/$lesson.tests"
    exercises=$(score_exercises "$lesson" "$results" "$reports/$lesson.tests" "$note")
    cat "$reports/$lesson.tests" >>"$reports/tests.tsv"
    echo "$exercises" | awk -F'\t' -v lesson="$lesson" 'NF == 5 { print lesson "\t" $0 }' \
        >>"$reports/exercises.tsv"
    points=$(echo "$exercises" | awk -F'\t' '{ sum += $4 } END { printf "%g", sum }')
    earned=$(echo "$exercises" | awk -F'\t' '{ sum += $5 } END { printf "%.2f", sum }')
    total_passed=$((total_passed + passed))
    total_tests=$((total_tests + tests))
    total_points=$(awk -v a="$total_points" -v b="$points" 'BEGIN { printf "%g", a + b }')
    total_earned=$(awk -v a="$total_earned" -v b="$earned" 'BEGIN { printf "%.2f", a + b }')
    printf '%s\t%d\t%d\t%s\t%s\n' "$lesson" "$passed" "$tests" "$earned" "$points" \
        >>"$reports/scores.tsv"
    rows="$rows$(printf '  %-16s %6d %6d %8s/%s  %s' "$lesson" "$passed" "$tests" "$earned" \
                 "$points" "$note")
"
    json_exercises=$(echo "$exercises" | awk -F'\t' 'NF == 5 {
        printf "%s{\"exercise\": \"%s\", \"tests\": %d, \"passed\": %d, \"points\": %g, \"earned\": %s}",
               (n++ ? ", " : ""), $1, $2, $3, $4, $5 }')
    json_lessons="$json_lessons${json_lessons:+,
}    {\"lesson\": \"$lesson\", \"tests\": $tests, \"passed\": $passed, \"points\": $points, \"earned\": $earned, \"compiles\": $([ "$note" = "does not compile" ] && echo false || echo true), \"exercises\": [$json_exercises]}"
done

percent=$(awk -v e="$total_earned" -v p="$total_points" 'BEGIN { printf "%.0f", (p > 0 ? 100 * e / p : 0) }')
# The summary, on the console and in summary.txt (which the platforms' files show).
{
    printf '  %-16s %6s %6s %13s\n' lesson passed total points
    printf '%s' "$rows"
    echo "Score: $total_passed/$total_tests tests passed, $total_earned/$total_points points ($percent%)"
} | tee "$reports/summary.txt"
{
    echo "{"
    echo "  \"tree\": \"$tree\", \"tests\": $total_tests, \"passed\": $total_passed,"
    echo "  \"points\": $total_points, \"earned\": $total_earned,"
    echo "  \"lessons\": ["
    echo "$json_lessons"
    echo "  ]"
    echo "}"
} >"$reports/summary.json"
[ "$total_tests" -gt 0 ] && [ "$total_passed" = "$total_tests" ]
