#!/bin/sh
# grade-all.sh - grades a whole class: every student copy in a folder, side by side, into one
# CSV of points per lesson.
#
#   sh common/grade-all.sh SUBMISSIONS_DIR JOBS LESSON...
#
# Each folder in SUBMISSIONS_DIR is one student's work, named after the student, either a copy
# of the kit (lessons/NN-name/file.c) or only the lesson files students edit (NN-name/file.c).
# Each is graded in a workspace of its own: a fresh copy of this kit's lessons, tests and
# common files with only the student's copies of the files students edit laid over it, so a
# changed test or Makefile in a submission changes nothing. JOBS students are graded at once.
# Writes build/grade-all/scores.csv: a row per student with the points of each lesson and the
# total, and a last row with the points possible. Each student's grading output is in
# build/grade-all/logs/STUDENT.log and their reports in build/grade-all/workspaces/STUDENT/.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
out="$top/build/grade-all"

# Grades one student (run by xargs, several at once): copy the kit, lay the student's files
# over it, run grade.sh there.
if [ "${1:-}" = --one ]; then
    submissions=$2
    student=$3
    shift 3
    workspace="$out/workspaces/$student"
    mkdir -p "$workspace"
    cp -R "$top/Makefile" "$top/common" "$top/tests" "$top/lessons" "$workspace/"
    for lesson in "$@"; do
        # The solutions folder names exactly the files students edit; only those are taken.
        for reference in "$top/solutions/$lesson"/*; do
            name=$(basename "$reference")
            for candidate in "$submissions/$student/lessons/$lesson/$name" \
                             "$submissions/$student/$lesson/$name"; do
                if [ -f "$candidate" ]; then
                    cp "$candidate" "$workspace/lessons/$lesson/$name"
                    break
                fi
            done
        done
    done
    # A whole run for one student may take this long; each test has its own timeout too.
    timeout "${KIT_STUDENT_TIMEOUT:-1800}" sh "$workspace/common/grade.sh" lessons "$@" \
        >"$out/logs/$student.log" 2>&1
    echo "  graded $student"
    exit 0
fi

if [ $# -lt 3 ] || [ ! -d "$1" ]; then
    echo "usage: make grade-all SUBMISSIONS=DIR [LESSON=NN-name] [JOBS=N]" >&2
    exit 2
fi
submissions=$(cd "$1" && pwd)
jobs=$2
shift 2
rm -rf "$out"
mkdir -p "$out/workspaces" "$out/logs"

students=""
for entry in "$submissions"/*; do
    [ -d "$entry" ] || continue
    name=$(basename "$entry")
    case "$name" in
        *[!A-Za-z0-9._-]*)
            echo "grade-all: skipping '$name': name folders with letters, digits, . _ -" >&2
            continue ;;
    esac
    students="$students $name"
done
if [ -z "$students" ]; then
    echo "grade-all: no student folders in $submissions" >&2
    exit 2
fi
echo "Grading $(echo $students | wc -w) students, $jobs at a time, lessons: $*"
printf '%s\n' $students | xargs -P "$jobs" -I STUDENT sh "$0" --one "$submissions" STUDENT "$@"

csv="$out/scores.csv"
{
    printf 'student'
    for lesson in "$@"; do printf ',%s' "$lesson"; done
    printf ',total\n'
    for student in $students; do
        scores="$out/workspaces/$student/build/reports/lessons/scores.tsv"
        printf '%s' "$student"
        for lesson in "$@"; do
            # A lesson with no score (the grading was stopped) counts 0.
            printf ',%s' "$(awk -F'\t' -v l="$lesson" '$1 == l { print $4; found = 1 }
                           END { if (!found) print "0" }' "$scores" 2>/dev/null || echo 0)"
        done
        printf ',%s\n' "$(awk -F'\t' '{ sum += $4 } END { printf "%.2f", sum }' "$scores" \
                          2>/dev/null || echo 0)"
    done
    # The points possible, from any student's scores (they are the same for all).
    first=$(echo $students | awk '{ print $1 }')
    scores="$out/workspaces/$first/build/reports/lessons/scores.tsv"
    printf 'max'
    for lesson in "$@"; do
        printf ',%s' "$(awk -F'\t' -v l="$lesson" '$1 == l { print $5 }' "$scores")"
    done
    printf ',%s\n' "$(awk -F'\t' '{ sum += $5 } END { printf "%g", sum }' "$scores")"
} >"$csv"
echo "Scores: $csv"
cat "$csv"
