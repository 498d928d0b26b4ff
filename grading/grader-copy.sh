#!/bin/sh
# grader-copy.sh - the copy of the kit that a grading platform holds: the student edition
# (edition/make-edition.sh), plus what grading needs and students must not have: the hidden
# tests with their points, and grading/ (the sandbox, the staging, the scoring, the platforms'
# files). Still no reference solution and no wrong version: student code runs beside it.
#
#   sh grading/grader-copy.sh DEST
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -ne 1 ]; then
    echo "usage: sh grading/grader-copy.sh DEST" >&2
    exit 2
fi
dest=$1
sh "$top/edition/make-edition.sh" "$dest" >/dev/null
rm -rf "$dest/.git" "$dest/.github"
cd "$top"
cp tests/points "$dest/tests/points"
for hidden in tests/[0-9][0-9]-*/hidden; do
    [ -d "$hidden" ] && cp -R "$hidden" "$dest/$(dirname "$hidden")/"
done
mkdir -p "$dest/grading"
for file in limits sandbox.sh stage.sh score-stream.sh grade-one.sh results-for.sh; do
    cp "grading/$file" "$dest/grading/"
done
cp -R grading/gradescope grading/prairielearn "$dest/grading/"
