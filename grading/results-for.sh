#!/bin/sh
# results-for.sh - a student's graded tests in the file a grading platform reads. Every platform
# gets its file from the same REPORTS/tests.tsv, which common/scores.sh writes when it scores
# the results (a line per test: lesson, exercise, test, ok or FAIL, points earned, points
# possible, reason), so each gives exactly the points `make check` prints, partial credit
# included: an exercise's points are shared equally among its tests.
#
#   sh grading/results-for.sh gradescope   REPORTS            Gradescope's results.json
#   sh grading/results-for.sh prairielearn REPORTS            PrairieLearn's results.json
#   sh grading/results-for.sh classroom    REPORTS LESSON     one lesson, for GitHub Classroom's
#                                                             reporter (one "runner")
#
# Hidden tests (exercise "N hidden") are marked so: Gradescope shows them after the grades are
# published; PrairieLearn and Classroom never run them (the edition students work in has none).
# REPORTS/summary.txt, if there, is the console summary shown beside the tests.
set -eu
if [ $# -lt 2 ] || [ ! -f "$2/tests.tsv" ]; then
    echo "usage: sh grading/results-for.sh gradescope|prairielearn|classroom REPORTS [LESSON]" >&2
    echo "  (REPORTS: a folder with the tests.tsv that grading wrote)" >&2
    exit 2
fi
format=$1
reports=$2
lesson=${3:-}
summary=""
[ -f "$reports/summary.txt" ] && summary=$(cat "$reports/summary.txt")

# The tests as a JSON array: one object per line of tests.tsv (of LESSON, when one is named).
tests_json() {
    jq -R -s --arg lesson "$lesson" '
        split("\n") | map(select(length > 0) | split("\t")) |
        map({lesson: .[0], exercise: .[1], test: .[2], passed: (.[3] == "ok"),
             earned: (.[4] | tonumber), possible: (.[5] | tonumber), reason: (.[6] // ""),
             hidden: (.[1] | endswith(" hidden"))}) |
        map(select($lesson == "" or .lesson == $lesson)) |
        map(select(.possible > 0 or .exercise != "given"))' "$reports/tests.tsv"
}

# A test's name on every platform: "03-locks exercise 2: counter_add_is_exact".
name='"\(.lesson) exercise \(.exercise | sub(" hidden$"; " (hidden)")): \(.test)"'

case $format in
    gradescope)
        # https://gradescope-autograders.readthedocs.io/en/latest/specs/
        tests_json | jq --arg summary "$summary" "{
            output: \$summary,
            visibility: \"visible\",
            stdout_visibility: \"hidden\",
            tests: map({
                name: $name,
                score: .earned,
                max_score: .possible,
                status: (if .passed then \"passed\" else \"failed\" end),
                output: (if .passed then \"passed\" else .reason end),
                visibility: (if .hidden then \"after_published\" else \"visible\" end)
            })
        }" ;;
    prairielearn)
        # PrairieLearn's external grading: docs/externalGrading.md ("Grading results").
        tests_json | jq --arg summary "$summary" "{
            gradable: true,
            score: ((map(.earned) | add // 0) / ([(map(.possible) | add // 0), 1e-9] | max)),
            message: (\$summary | split(\"\\n\") | map(select(startswith(\"Score: \"))) | .[0] // \"\"),
            output: \$summary,
            tests: map({
                name: $name,
                points: .earned,
                max_points: .possible,
                message: (if .passed then \"passed\" else .reason end),
                output: \"\"
            })
        }" ;;
    classroom)
        [ -n "$lesson" ] || { echo "results-for.sh: classroom needs a LESSON" >&2; exit 2; }
        # The result format of education/autograding-command-grader, which the reporter reads:
        # the lesson's tests, each with its score; max_score the lesson's points.
        tests_json | jq "{
            version: 1,
            status: (if all(.passed) and length > 0 then \"pass\" else \"fail\" end),
            max_score: (map(.possible) | add // 0),
            tests: map({
                name: $name,
                status: (if .passed then \"pass\" else \"fail\" end),
                score: .earned,
                message: (if .passed then \"\" else .reason end),
                line_no: 0,
                filename: \"\",
                test_code: \"\",
                execution_time: \"\"
            })
        }" ;;
    *)
        echo "results-for.sh: no format '$format' (gradescope, prairielearn or classroom)" >&2
        exit 2 ;;
esac
