#!/bin/sh
# check-edition.sh - the student edition, checked as `make test` checks the kit: `make release`
# writes it; edition/answer-free.sh finds no line of a reference solution in it, and does find
# one planted in a copy (a check that cannot fail proves nothing); its own `make test` passes
# (every lesson builds, every exercise fails on its stub, Classroom's workflow is current); and
# its instructor-only targets refuse.
#
#   sh tests/grading/check-edition.sh
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
work=$top/build/check-edition
rm -rf "$work"
mkdir -p "$work"
piece=edition
. "$top/tests/check-steps.sh"

check "make release writes it, and answer-free.sh finds no solution line in it" \
    make --no-print-directory release DEST="$work/edition"

has_none_of_the_answers() {
    for path in solutions tests/01-threads/wrong grading/sandbox.sh edition; do
        [ ! -e "$work/edition/$path" ] || { echo "$path is in the edition"; return 1; }
    done
    ! ls "$work/edition"/tests/*/hidden >/dev/null 2>&1 || { echo "hidden tests in the edition"; return 1; }
    ! grep -q ' hidden ' "$work/edition/tests/points" || { echo "hidden points in the edition"; return 1; }
    git -C "$work/edition" log --oneline | grep -q . || { echo "the edition is no git repository"; return 1; }
}
check "holds no solutions, wrong versions, hidden tests or grading tools" has_none_of_the_answers

# answer-free.sh must catch a solution's line anywhere: in a hint, inside a longer line.
catches_a_planted_line() {
    cp -R "$work/edition" "$work/leaky"
    # A line of the solution of bank_transfer, among those answer-free.sh looks for.
    line=$(sh edition/answer-free.sh --secrets . | grep 'bank->accounts' | head -n 1)
    [ -n "$line" ] || { echo "no line to plant"; return 1; }
    printf 'A hint: %s\n' "$line" >>"$work/leaky/lessons/03-locks/hints/exercise2.md"
    if sh edition/answer-free.sh . "$work/leaky" >"$work/leaky.log" 2>&1; then
        echo "answer-free.sh did not see: $line"
        return 1
    fi
    grep -q 'lessons/03-locks/hints/exercise2.md' "$work/leaky.log"
}
check "answer-free.sh catches a solution line planted in a hint" catches_a_planted_line

check "its own make test passes (builds, every exercise fails on its stub)" \
    make --no-print-directory -C "$work/edition" test

refuses_instructor_targets() {
    for target in grade-all release gradescope; do
        if make --no-print-directory -C "$work/edition" $target >/dev/null 2>&1; then
            echo "make $target ran in the edition"
            return 1
        fi
    done
    make --no-print-directory -C "$work/edition/lessons/03-locks" IMPL=solutions 2>&1 |
        grep -q 'has no reference solutions'
}
check "refuses the instructor's targets and IMPL=solutions, saying why" refuses_instructor_targets

[ "$failed" -eq 0 ]
