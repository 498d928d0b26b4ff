#!/bin/sh
# check-platforms.sh - every grading platform's file, checked against the platform's documented
# format and against `make check`: one submission of lesson 03-locks with exercise 1 done and
# the rest untouched (partial credit, and a lesson with a hidden test) is graded by Gradescope's
# autograder (unzipped and run here, as Gradescope runs it) and by PrairieLearn's external
# grader (run here as PrairieLearn runs it); both must give exactly the points that `make check`
# gives for the same files. GitHub Classroom's workflow and its per-lesson results are checked
# for what its reporter reads. Last, every lesson's reference solutions are graded the same way
# and must earn every point.
#
#   sh tests/grading/check-platforms.sh
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
lesson=03-locks
work=$top/build/check-platforms
rm -rf "$work"
mkdir -p "$work/submission/lessons/$lesson"
cp "solutions/$lesson/counter.c" "$work/submission/lessons/$lesson/"
piece=platforms
. "$top/tests/check-steps.sh"
same_points() {   # same_points A B: equal to the hundredth, as make check prints them
    awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; exit !(d < 0.005 && d > -0.005) }' ||
        { echo "points differ: $1 and $2"; return 1; }
}

# make check on the same files: the kit as graded, with the submission laid over it.
make_check_points() {
    sh grading/stage.sh "$work/submission" "$work/checked" "$lesson" >/dev/null &&
    (cd "$work/checked" && sh common/grade.sh lessons "$lesson" >/dev/null)
    awk -F'\t' -v l="$lesson" '$1 == l { print $4, $5 }' "$work/checked/build/reports/lessons/scores.tsv" \
        >"$work/make-check.points"
    read -r earned possible <"$work/make-check.points"
    echo "make check: $earned of $possible"
    # Partial credit: some points, not all.
    awk -v e="$earned" -v p="$possible" 'BEGIN { exit !(e > 0 && e < p) }'
}
check "make check gives the submission part of the points" make_check_points
read -r check_earned check_possible <"$work/make-check.points"

gradescope() {
    sh grading/gradescope/make-autograder.sh "$work/autograder.zip" "$lesson" &&
    mkdir -p "$work/gradescope/source" &&
    (cd "$work/gradescope/source" && unzip -q "$work/autograder.zip") &&
    [ -x "$work/gradescope/source/setup.sh" ] && [ -x "$work/gradescope/source/run_autograder" ] &&
    cp -R "$work/submission" "$work/gradescope/submission" &&
    AUTOGRADER_ROOT=$work/gradescope "$work/gradescope/source/run_autograder" || return 1
    results=$work/gradescope/results/results.json
    # Gradescope's format: a tests array, each test with a name, a score, a max_score, its
    # output, and a visibility Gradescope knows.
    jq -e '(.tests | type == "array" and length > 0) and
           all(.tests[]; (.name | type == "string") and (.score | type == "number") and
               (.max_score | type == "number") and (.output | type == "string") and
               (.visibility | IN("visible", "hidden", "after_due_date", "after_published")))' \
        "$results" >/dev/null || { echo "not Gradescope's format:"; cat "$results"; return 1; }
    jq -e 'any(.tests[]; (.name | test("hidden")) and .visibility == "after_published") and
           all(.tests[]; (.name | test("hidden")) or .visibility == "visible")' "$results" >/dev/null ||
        { echo "the hidden test is not hidden until the grades are published"; return 1; }
    same_points "$(jq '[.tests[].score] | add' "$results")" "$check_earned" &&
    same_points "$(jq '[.tests[].max_score] | add' "$results")" "$check_possible"
}
check "Gradescope's autograder writes results.json in its format, with make check's points" gradescope

prairielearn() {
    sh grading/prairielearn/make-course.sh "$work/course" concurrency-kit "$lesson" || return 1
    info=$work/course/questions/concurrency-$lesson/info.json
    jq -e '.uuid and .title and .topic and .type == "v3" and .gradingMethod == "External" and
           .externalGradingOptions.enabled and .externalGradingOptions.image and
           (.externalGradingOptions.timeout <= 600)' "$info" >/dev/null ||
        { echo "info.json lacks what PrairieLearn needs:"; cat "$info"; return 1; }
    # PrairieLearn hands the uploaded files over loose, in /grade/student.
    mkdir -p "$work/grade/student"
    cp "$work/submission/lessons/$lesson"/* "$work/grade/student/"
    GRADE_ROOT=$work/grade sh "$work/course/serverFilesCourse/concurrency-kit/grading/prairielearn/run" \
        "$lesson" || return 1
    results=$work/grade/results/results.json
    jq -e '.gradable == true and (.score | type == "number" and . >= 0 and . <= 1) and
           all(.tests[]; (.name | type == "string") and (.points | type == "number") and
               (.max_points | type == "number"))' "$results" >/dev/null ||
        { echo "not PrairieLearn's format:"; cat "$results"; return 1; }
    same_points "$(jq '[.tests[].points] | add' "$results")" "$check_earned" &&
    same_points "$(jq --argjson p "$check_possible" '.score * $p' "$results")" "$check_earned"
}
check "PrairieLearn's grader writes results.json in its format, with make check's points" prairielearn

classroom() {
    mkdir -p "$work/classroom/tests"
    awk 'NF == 4 && $3 == "hidden" { next } { print }' tests/points >"$work/classroom/tests/points"
    sh grading/classroom.sh "$work/classroom" >/dev/null || return 1
    workflow=$work/classroom/.github/workflows/classroom.yml
    # The reporter reads RUNNER_RESULTS for each runner it is given; every lesson is a runner.
    runners=$(sed -n 's/^ *runners: //p' "$workflow" | tr ',' ' ')
    for runner in $(awk '!/^#/ && NF == 3 { print $1 }' tests/points | uniq); do
        id=lesson_$(echo "$runner" | tr -c 'A-Za-z0-9\n' '_')
        echo " $runners " | grep -q " $id " || { echo "$id is not a runner"; return 1; }
        grep -q "id: $id\$" "$workflow" || { echo "no step $id"; return 1; }
        grep -q "$(echo "$id" | tr a-z A-Z)_RESULTS: \"\${{ steps.$id.outputs.result }}\"" "$workflow" ||
            { echo "no variable for $id"; return 1; }
    done
    # A lesson's result, as the reporter reads it: max_score, and a score per test.
    sh grading/results-for.sh classroom "$work/checked/build/reports/lessons" "$lesson" >"$work/classroom.json"
    jq -e '.version == 1 and (.status | IN("pass", "fail", "error")) and
           (.max_score | type == "number") and
           all(.tests[]; (.name | type == "string") and (.score | type == "number") and
               (.status | IN("pass", "fail", "error")))' "$work/classroom.json" >/dev/null ||
        { echo "not the reporter's format:"; cat "$work/classroom.json"; return 1; }
    same_points "$(jq '[.tests[].score] | add' "$work/classroom.json")" "$check_earned" &&
    same_points "$(jq '.max_score' "$work/classroom.json")" "$check_possible"
}
check "GitHub Classroom's workflow runs every lesson, and its results give make check's points" classroom

# Every lesson's reference solutions, handed in as a student's repository and graded as every
# platform grades (grading/grade-one.sh: staged, in the sandbox, as an unprivileged user), earn
# every point: a test that works only as root, or only outside the sandbox, fails here.
solutions_earn_every_point() {
    mkdir -p "$work/reference/lessons"
    for solved in solutions/[0-9][0-9]-*; do
        mkdir -p "$work/reference/lessons/$(basename "$solved")"
        cp "$solved"/* "$work/reference/lessons/$(basename "$solved")/"
    done
    lessons=$(ls -d lessons/[0-9][0-9]-*/ | xargs -n 1 basename)
    KIT_SANDBOX=required sh grading/grade-one.sh "$work/reference" "$work/reference-reports" $lessons
    awk -F'\t' '$4 != $5 { print $1 ": " $4 " of " $5 " points"; short = 1 } END { exit short }' \
        "$work/reference-reports/scores.tsv"
}
check "every lesson's solutions, graded in the sandbox as a submission, earn every point" \
    solutions_earn_every_point

[ "$failed" -eq 0 ]
