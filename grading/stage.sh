#!/bin/sh
# stage.sh - lays one student's submission over a copy of the kit as graded, in a workspace of
# its own: the class grader, Gradescope's and PrairieLearn's graders all grade that workspace.
#
#   sh grading/stage.sh SUBMISSION WORKSPACE LESSON...
#
# The workspace holds the kit's Makefile, common/, lessons/ and tests (the visible and the
# hidden ones, with tests/points; never solutions/ or the wrong versions), copied from the kit
# this script is in, and, over the lessons, the student's copies of the files students edit:
# each lesson's EXERCISE_FILES (see its Makefile), of every lesson the submission has, since a
# lesson may build on an earlier one (08 uses 05's queue). Nothing else of the submission is
# used, so a changed test or Makefile in it changes nothing. A file is taken from, in order:
#   SUBMISSION/lessons/LESSON/FILE   a copy of the student's repository
#   SUBMISSION/LESSON/FILE           a folder per lesson
#   SUBMISSION/FILE                  files uploaded loose; only when one LESSON is graded, as
#                                    lessons share file names (counter.c, pool.c): its own
#                                    files, and those of earlier lessons it BUILDS_ON
# Prints, for the log, which files were taken.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -lt 3 ] || [ ! -d "$1" ]; then
    echo "usage: sh grading/stage.sh SUBMISSION WORKSPACE LESSON..." >&2
    exit 2
fi
submission=$(cd "$1" && pwd)
workspace=$2
shift 2

mkdir -p "$workspace/build" "$workspace/tests"
cp -R "$top/Makefile" "$top/common" "$top/lessons" "$workspace/"
cp "$top/tests/points" "$workspace/tests/"
for tests in "$top"/tests/[0-9][0-9]-*; do
    lesson=$(basename "$tests")
    mkdir -p "$workspace/tests/$lesson"
    for file in "$tests"/*.c "$tests"/*.h; do
        [ -f "$file" ] && cp "$file" "$workspace/tests/$lesson/"
    done
    [ -d "$tests/hidden" ] && cp -R "$tests/hidden" "$workspace/tests/$lesson/"
done

# Loose files: the one graded lesson's, and those it builds on.
loose=""
if [ $# = 1 ]; then
    for name in $(make -s --no-print-directory -C "$top/lessons/$1" KIT_DEPS_CHECKED=1 print-exercise-files); do
        loose="$loose $1/$name"
    done
    loose="$loose $(make -s --no-print-directory -C "$top/lessons/$1" KIT_DEPS_CHECKED=1 print-builds-on)"
fi
for lesson_dir in "$top"/lessons/[0-9][0-9]-*; do
    lesson=$(basename "$lesson_dir")
    files=$(make -s --no-print-directory -C "$lesson_dir" KIT_DEPS_CHECKED=1 print-exercise-files)
    for name in $files; do
        for candidate in "$submission/lessons/$lesson/$name" "$submission/$lesson/$name" \
                         $(echo " $loose " | grep -q " $lesson/$name " && echo "$submission/$name"); do
            # A plain file only: a link could point anywhere on the grading machine.
            if [ -f "$candidate" ] && [ ! -L "$candidate" ]; then
                cp "$candidate" "$workspace/lessons/$lesson/$name"
                echo "stage: $lesson/$name from the submission"
                break
            fi
        done
    done
done
chmod -R a+rX "$workspace"
