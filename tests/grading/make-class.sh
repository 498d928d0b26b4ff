#!/bin/sh
# make-class.sh - makes a sample class of student copies of lesson 01, to check grade-all:
# correct ones, untouched ones, one for each way code can break grading, and one for each
# classic wrong version of the zoo.
#
#   sh tests/grading/make-class.sh DIR
#
# Two layouts, as students hand them in: a copy of the kit (STUDENT/lessons/01-threads/...)
# and only the lesson folder (STUDENT/01-threads/...). expected.csv beside this script holds
# the scores grade-all must give them.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
class=$1
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
echo "sample class of $(ls "$class" | wc -l) students in $class"
