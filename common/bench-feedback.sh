#!/bin/sh
# bench-feedback.sh - `make bench-feedback`: how long a student waits, measured. In a copy of the
# kit as a student has it (make release), for each lesson:
#   untouched    `make check` of the lesson as handed out, once built (every exercise fails)
#   exercise N   save-to-result: the file of exercise N saved (the reference version, with the
#                earlier exercises done), then `make check EX=N` as `make watch` runs it:
#                first answer = the tests alone, with races = the same built with
#                ThreadSanitizer too, which a grade includes (`make watch` shows both)
# and, last, `make check IMPL=solutions` of every lesson in the kit itself, once built: what
# an instructor's grading of a complete copy costs, race check included.
# Each time is the median of RUNS runs (default 3), in seconds.
#
#   sh common/bench-feedback.sh [LESSON...]
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
runs=${RUNS:-3}
lessons=${*:-$(ls -d lessons/[0-9][0-9]-*/ | xargs -n 1 basename)}
work=$top/build/bench-feedback
rm -rf "$work"
mkdir -p "$work"
edition=$work/edition
echo "Writing a student's copy (make release)..."
make --no-print-directory release DEST="$edition" >"$work/release.log" 2>&1 ||
    { tail -n 20 "$work/release.log"; exit 1; }

# seconds COMMAND...: the wall-clock seconds the command took (its output thrown away).
seconds() {
    started=$(date +%s.%N)
    "$@" >/dev/null 2>&1
    echo "$(date +%s.%N) $started" | awk '{ printf "%.2f\n", $1 - $2 }'
}
# median_of_runs SETUP COMMAND...: runs SETUP (not timed) then times the command, RUNS times.
median_of_runs() {
    setup=$1
    shift
    for run in $(seq "$runs"); do
        $setup
        seconds "$@"
    done | sort -n | awk '{ time[NR] = $1 } END { print time[int((NR + 1) / 2)] }'
}
nothing() { :; }

# The files that hold exercise N in the handed-out lesson.
files_of_exercise() {
    grep -l "TODO(exercise $2)" $(for file in $(make -s --no-print-directory -C "lessons/$1" \
        print-exercise-files); do echo "lessons/$1/$file"; done) | xargs -n 1 basename
}

printf '%-16s %10s   %s\n' lesson untouched "exercise N: first answer / with races (s)"
for lesson in $lessons; do
    dir=$edition/lessons/$lesson
    git -C "$edition" checkout -q -- lessons
    # Once built, as a student's second `make check` is.
    make -s -C "$dir" check >/dev/null 2>&1
    untouched=$(median_of_runs nothing make -s -C "$dir" check)
    # Every exercise file in its reference version: exercise N is then "saved" again.
    for file in $(make -s --no-print-directory -C "lessons/$lesson" print-exercise-files); do
        cp "solutions/$lesson/$file" "$dir/$file"
    done
    # Lesson 08 builds on lesson 05's queue.
    for file in $(make -s --no-print-directory -C "lessons/$lesson" print-builds-on); do
        cp "solutions/$file" "$edition/lessons/$file"
    done
    make -s -C "$dir" check >/dev/null 2>&1
    row=""
    for exercise in $(sed -n 's/^\([0-9][0-9]-[a-z-]*\) *\([0-9]*\) *[0-9.]*$/\1 \2/p' tests/points |
                      awk -v lesson="$lesson" '$1 == lesson { print $2 }'); do
        files=$(files_of_exercise "$lesson" "$exercise")
        save() { for file in $files; do touch "$dir/$file"; done; }
        first=$(KIT_RACE_CHECK=no median_of_runs save make -s -C "$dir" check EX="$exercise")
        full=$(median_of_runs save make -s -C "$dir" check EX="$exercise")
        row="$row  $exercise: $first/$full"
    done
    printf '%-16s %10s  %s\n' "$lesson" "$untouched" "$row"
done

echo
echo "make check IMPL=solutions, every lesson, race check included (the kit, once built):"
make -s check IMPL=solutions >/dev/null 2>&1
echo "  $(median_of_runs nothing make -s check IMPL=solutions) s"
