#!/bin/sh
# scores.sh - the score of graded lessons, from their results: a row per lesson and a score
# line on the console, and files for other tools.
#
#   sh common/scores.sh REPORTS TREE LESSON...
#
# Reads REPORTS/LESSON.results (a line per test: ok or FAIL, test case, test, reason, tab-
# separated, as the kit's test runner writes it) and REPORTS/LESSON.note (optional: one line
# shown beside the lesson's row, such as "does not compile"). Points come from tests/points,
# shared equally among an exercise's tests. Writes REPORTS/scores.tsv (a line per lesson:
# lesson, passed, tests, points earned, points possible) and REPORTS/summary.json (tests and
# points per lesson and exercise, for a learning-management system; TREE names what was graded).
# Used by grade.sh, and by the class grader outside its sandboxes. Exit status: 0 if every test
# of every lesson passed, 1 otherwise.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
reports=$1
tree=$2
shift 2

# Scores one lesson's results against tests/points. Prints one line per exercise:
# "EXERCISE TESTS PASSED POINTS EARNED", exercises in number order, "given" included.
score_exercises() {
    awk -F'\t' -v lesson="$1" '
        FILENAME ~ /points$/ {
            if ($0 ~ /^#/ || NF == 0) next
            split($0, field, " ")
            if (field[1] == lesson) { points[field[2]] = field[3]; known[field[2]] = 1 }
            next
        }
        {
            exercise = $2
            sub(/^exercise /, "", exercise)
            if ($2 == "compile") exercise = "compile"
            tests[exercise]++
            if ($1 == "ok") passed[exercise]++
            known[exercise] = 1
        }
        END {
            for (exercise in known) {
                if (exercise == "compile") continue
                worth = (exercise in points) ? points[exercise] : \
                        (exercise == "given" ? 0 : tests[exercise])
                earned = tests[exercise] > 0 ? worth * passed[exercise] / tests[exercise] : 0
                printf "%s %d %d %g %.2f\n", exercise, tests[exercise], passed[exercise], \
                       worth, earned
            }
        }' "$top/tests/points" "$2" | sort -n
}

: >"$reports/scores.tsv"
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
    [ "$tests" -gt 0 ] || tests=$(cat "$top/tests/$lesson"/*.c | grep -c '^START_TEST')
    passed=$(grep -c '^ok' "$results")
    exercises=$(score_exercises "$lesson" "$results")
    points=$(echo "$exercises" | awk '{ sum += $4 } END { printf "%g", sum }')
    earned=$(echo "$exercises" | awk '{ sum += $5 } END { printf "%.2f", sum }')
    total_passed=$((total_passed + passed))
    total_tests=$((total_tests + tests))
    total_points=$(awk -v a="$total_points" -v b="$points" 'BEGIN { printf "%g", a + b }')
    total_earned=$(awk -v a="$total_earned" -v b="$earned" 'BEGIN { printf "%.2f", a + b }')
    printf '%s\t%d\t%d\t%s\t%s\n' "$lesson" "$passed" "$tests" "$earned" "$points" \
        >>"$reports/scores.tsv"
    rows="$rows$(printf '  %-16s %6d %6d %8s/%s  %s' "$lesson" "$passed" "$tests" "$earned" \
                 "$points" "$note")
"
    json_exercises=$(echo "$exercises" | awk 'NF == 5 {
        printf "%s{\"exercise\": \"%s\", \"tests\": %d, \"passed\": %d, \"points\": %g, \"earned\": %s}",
               (n++ ? ", " : ""), $1, $2, $3, $4, $5 }')
    json_lessons="$json_lessons${json_lessons:+,
}    {\"lesson\": \"$lesson\", \"tests\": $tests, \"passed\": $passed, \"points\": $points, \"earned\": $earned, \"compiles\": $([ "$note" = "does not compile" ] && echo false || echo true), \"exercises\": [$json_exercises]}"
done

printf '  %-16s %6s %6s %13s\n' lesson passed total points
printf '%s' "$rows"
percent=$(awk -v e="$total_earned" -v p="$total_points" 'BEGIN { printf "%.0f", (p > 0 ? 100 * e / p : 0) }')
echo "Score: $total_passed/$total_tests tests passed, $total_earned/$total_points points ($percent%)"
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
