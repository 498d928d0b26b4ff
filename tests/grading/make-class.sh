#!/bin/sh
# make-class.sh - makes a sample class of student copies of lesson 01, to check grade-all:
# correct ones, untouched ones, one for each way code can break grading, and one for each
# classic wrong version of the zoo.
#
#   sh tests/grading/make-class.sh DIR [honest]
#
# With `honest`, the class has no hostile students; without, it also has one student
# hostile-NAME for each tests/grading/hostile/NAME.c, a submission that attacks the grader
# (check-class.sh grades the class both ways and checks that every attack failed). Never grade
# a class with hostile students outside the sandbox of grading/grade-all.sh.
#
# Two layouts, as students hand them in: a copy of the kit (STUDENT/lessons/01-threads/...)
# and only the lesson folder (STUDENT/01-threads/...). expected.csv beside this script holds
# the scores grade-all must give them.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
class=$1
kind=${2:-hostile}
rm -rf "$class"
mkdir -p "$class"
lesson=01-threads
solution="$top/solutions/$lesson/parallel_map.c"

# submit STUDENT LAYOUT FILE: hands in FILE as the student's parallel_map.c
submit() {
    case "$2" in
        kit) folder="$class/$1/lessons/$lesson" ;;
        lesson) folder="$class/$1/$lesson" ;;
    esac
    mkdir -p "$folder"
    cp "$3" "$folder/parallel_map.c"
}

# patched PATCH: the reference solution with PATCH applied, in a scratch file
patched() {
    scratch=$(mktemp -d)
    cp "$solution" "$scratch/parallel_map.c"
    patch -s -d "$scratch" <"$1"
    echo "$scratch/parallel_map.c"
}

submit correct-kit kit "$solution"
submit correct-lesson lesson "$solution"
mkdir -p "$class/untouched-empty"
submit untouched-kit kit "$top/lessons/$lesson/parallel_map.c"
for patch_file in "$top/tests/grading/broken"/*.patch; do
    submit "broken-$(basename "$patch_file" .patch)" lesson "$(patched "$patch_file")"
done
for patch_file in "$top/tests/$lesson/wrong"/*.patch; do
    submit "wrong-$(basename "$patch_file" .patch)" kit "$(patched "$patch_file")"
done
if [ "$kind" != honest ]; then
    # KIT_HOSTILE="NAME..." takes only those (default: all of them).
    for name in ${KIT_HOSTILE:-$(ls "$top/tests/grading/hostile" | sed -n 's/\.c$//p')}; do
        # One file, as a student hands it in: the shared toolbox in place of its #include.
        scratch=$(mktemp -d)
        sed -e '/^#include "toolbox.inc"/{r '"$top/tests/grading/hostile/toolbox.inc" -e 'd;}' \
            "$top/tests/grading/hostile/$name.c" >"$scratch/parallel_map.c"
        submit "hostile-$name" lesson "$scratch/parallel_map.c"
        rm -rf "$scratch"
    done
fi
echo "sample class of $(ls "$class" | wc -l) students in $class"
