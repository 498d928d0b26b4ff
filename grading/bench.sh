#!/bin/sh
# bench.sh - what the sandbox costs: a small class of lesson 01 graded with and without it,
# side by side in one run, RUNS times each, alternating; prints the medians and their ratio.
#
#   sh grading/bench.sh [RUNS]        (make bench-grading; RUNS defaults to 3)
#
# The class: two correct copies, one untouched, and three classic wrong versions, graded one
# student at a time (JOBS=1) so that the numbers are each student's own.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
runs=${1:-3}
class=build/bench-grading/class
rm -rf build/bench-grading
mkdir -p "$class"
lesson=01-threads

# submit STUDENT FILE
submit() {
    mkdir -p "$class/$1/$lesson"
    cp "$2" "$class/$1/$lesson/parallel_map.c"
}
submit correct-1 "solutions/$lesson/parallel_map.c"
submit correct-2 "solutions/$lesson/parallel_map.c"
submit untouched "lessons/$lesson/parallel_map.c"
for wrong in threads-no-join split-remainder-to-last processes-single-read; do
    scratch=$(mktemp -d)
    cp "solutions/$lesson/parallel_map.c" "$scratch/"
    patch -s -d "$scratch" <"tests/$lesson/wrong/$wrong.patch" || exit 1
    submit "wrong-$wrong" "$scratch/parallel_map.c"
    rm -rf "$scratch"
done
students=$(ls "$class" | wc -l)

# seconds COMMAND...: runs it, prints how long it took in seconds (to the millisecond).
seconds() {
    start=$(date +%s.%N)
    "$@" >/dev/null 2>&1 || echo "bench: '$*' failed" >&2
    echo "$(date +%s.%N) $start" | awk '{ printf "%.3f\n", $1 - $2 }'
}

: >build/bench-grading/times
run=1
while [ "$run" -le "$runs" ]; do
    echo "sandbox $(seconds sh grading/grade-all.sh "$class" 1 "$lesson")" >>build/bench-grading/times
    cp build/grade-all/scores.csv build/bench-grading/sandbox.csv
    echo "none $(KIT_UNSANDBOXED=yes seconds sh grading/grade-all.sh "$class" 1 "$lesson")" \
        >>build/bench-grading/times
    cp build/grade-all/scores.csv build/bench-grading/none.csv
    run=$((run + 1))
done

median() {
    awk -v mode="$1" '$1 == mode { print $2 }' build/bench-grading/times | sort -n |
        awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}
with=$(median sandbox)
without=$(median none)
echo "Grading lesson 01 for $students students, one at a time; medians of $runs runs:"
printf '  %-18s %10s %12s\n' "" "class (s)" "per student"
printf '  %-18s %10.2f %12.2f\n' "without a sandbox" "$without" "$(echo "$without $students" | awk '{ print $1 / $2 }')"
printf '  %-18s %10.2f %12.2f\n' "in a sandbox" "$with" "$(echo "$with $students" | awk '{ print $1 / $2 }')"
echo "$with $without $students" | awk '{ printf "  the sandbox costs %+.1f%%, %+.2f s per student\n", 100 * ($1 / $2 - 1), ($1 - $2) / $3 }'
if cmp -s build/bench-grading/sandbox.csv build/bench-grading/none.csv; then
    echo "  the scores are the same both ways"
else
    echo "  the scores differ:"; diff build/bench-grading/none.csv build/bench-grading/sandbox.csv
    exit 1
fi
