#!/bin/sh
# classroom.sh - writes the GitHub Classroom autograding set-up from tests/points, one test
# per exercise with its points, so a course can grade every student repository on GitHub's
# runners:
#   .github/classroom/autograding.json   for Classroom's classic autograding
#   .github/workflows/classroom.yml      for the newer workflow-based autograding
# Run it again after changing tests/points (`make test` checks that both are up to date).
#
#   sh common/classroom.sh
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

# One line per exercise: lesson, exercise, points.
exercises() {
    grep -v '^#' tests/points | awk 'NF == 3 { print $1, $2, $3 }'
}

# The command a test runs: only that exercise's test case, through make check. Classroom
# fails a test that writes to stderr, so everything goes to stdout.
command_for() {
    echo "bash -c \"CK_RUN_CASE='exercise $2' make check LESSON=$1 2>&1\""
}

{
    echo '{'
    echo '  "tests": ['
    first=1
    exercises | while read -r lesson exercise points; do
        [ "$first" = 1 ] || echo '    },'
        first=0
        command=$(command_for "$lesson" "$exercise" | sed 's/"/\\"/g')
        echo '    {'
        echo "      \"name\": \"$lesson exercise $exercise\","
        echo '      "setup": "make deps",'
        echo "      \"run\": \"$command\","
        echo '      "input": "",'
        echo '      "output": "",'
        echo '      "comparison": "included",'
        echo '      "timeout": 10,'
        echo "      \"points\": $points"
    done
    echo '    }'
    echo '  ]'
    echo '}'
} >.github/classroom/autograding.json

{
    echo '# Written by common/classroom.sh from tests/points: change those, not this file.'
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
    echo '        run: make deps'
    ids=""
    exercises | while read -r lesson exercise points; do
        id=$(echo "l${lesson}-e${exercise}" | tr -c 'A-Za-z0-9\n' '-')
        echo "      - name: $lesson exercise $exercise"
        echo "        id: $id"
        echo '        uses: education/autograding-command-grader@v1'
        echo '        with:'
        echo "          test-name: $lesson exercise $exercise"
        echo "          command: $(command_for "$lesson" "$exercise")"
        echo '          timeout: 10'
        echo "          max-score: $points"
    done
    echo '      - name: Report the score'
    echo '        uses: education/autograding-grading-reporter@v1'
    echo '        env:'
    exercises | while read -r lesson exercise points; do
        id=$(echo "l${lesson}-e${exercise}" | tr -c 'A-Za-z0-9\n' '-')
        var=$(echo "$id" | tr 'a-z-' 'A-Z_')
        echo "          ${var}_RESULTS: \"\${{ steps.$id.outputs.result }}\""
    done
    echo '        with:'
    printf '          runners: '
    exercises | while read -r lesson exercise points; do
        echo "l${lesson}-e${exercise}" | tr -c 'A-Za-z0-9\n' '-'
    done | paste -sd, -
} >.github/workflows/classroom.yml
echo "wrote .github/classroom/autograding.json and .github/workflows/classroom.yml"
