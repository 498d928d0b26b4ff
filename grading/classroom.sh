#!/bin/sh
# classroom.sh - writes GitHub Classroom's autograding workflow for a copy of the kit (the
# student edition: edition/make-edition.sh calls it), from that copy's tests/points.
#
#   sh grading/classroom.sh KIT      writes KIT/.github/workflows/classroom.yml
#
# One step per lesson runs `make check` for that lesson and hands Classroom's reporter
# (education/autograding-grading-reporter) a result with one entry per test, scored by
# grading/results-for.sh from the same tests.tsv that `make check` prints its points from:
# partial credit per test, exactly the points `make check` gives. The reporter adds up every
# test's score, and every lesson's max_score, into the grade Classroom records.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -ne 1 ] || [ ! -f "$1/tests/points" ]; then
    echo "usage: sh grading/classroom.sh KIT   (a copy of the kit, with its tests/points)" >&2
    exit 2
fi
kit=$1
lessons=$(grep -v '^#' "$kit/tests/points" | awk 'NF >= 3 { print $1 }' | uniq)

# A step id, and the variable the reporter reads it from: letters, digits and _ only.
step_id() {
    echo "lesson_$1" | tr -c 'A-Za-z0-9\n' '_'
}

mkdir -p "$kit/.github/workflows"
{
    echo '# Written by grading/classroom.sh from tests/points: change those, not this file.'
    echo '# Each step grades one lesson with `make check` and reports every test with its share'
    echo "# of the exercise's points; the last step adds them up for GitHub Classroom."
    echo 'name: Autograding'
    echo 'on: [push, workflow_dispatch]'
    echo 'permissions:'
    echo '  checks: write'
    echo '  actions: read'
    echo '  contents: read'
    echo 'jobs:'
    echo '  grade:'
    echo '    runs-on: ubuntu-latest'
    echo '    timeout-minutes: 60'
    echo '    steps:'
    echo '      - uses: actions/checkout@v4'
    echo '      - name: Install what the kit needs'
    echo '        run: sh common/deps.sh build images openmp mpi grading'
    for lesson in $lessons; do
        echo "      - name: $lesson"
        echo "        id: $(step_id "$lesson")"
        echo '        if: always()'
        echo '        run: |'
        echo "          make check LESSON=$lesson || true"
        echo "          echo \"result=\$(sh grading/results-for.sh classroom build/reports/lessons $lesson | base64 -w 0)\" >>\"\$GITHUB_OUTPUT\""
    done
    echo '      - name: Report the score'
    echo '        if: always()'
    echo '        uses: education/autograding-grading-reporter@v1'
    echo '        env:'
    for lesson in $lessons; do
        id=$(step_id "$lesson")
        echo "          $(echo "$id" | tr 'a-z' 'A-Z')_RESULTS: \"\${{ steps.$id.outputs.result }}\""
    done
    echo '        with:'
    printf '          runners: '
    for lesson in $lessons; do step_id "$lesson"; done | paste -sd, -
} >"$kit/.github/workflows/classroom.yml"
echo "wrote $kit/.github/workflows/classroom.yml"
