#!/bin/sh
# grade-merge.sh - puts together the shards of a class graded on several machines
# (make grade-all SHARD=I/N) into build/grade-all, as one run on one machine would have written
# it: the same reports/STUDENT/ files, and the class's files made from them alone
# (grading/class-files.sh: scores.csv, exercises.csv, suspicious.txt), byte for byte.
#
#   sh grading/grade-merge.sh [--roster FILE] [SHARD_DIR...]       (make grade-merge)
#
# SHARD_DIR: a shard's folder, build/grade-all/shards/I-of-N/ as grade-all wrote it, wherever it
# was copied to (a CI artifact, say: the folder's name does not matter, its shard.txt does).
# Default: every folder in build/grade-all/shards/. The shards must be the N shards of one
# grading, each finished: graded with the same lessons, from the same class, none missing, no
# student in two; otherwise nothing is written, and the message says which shards disagree.
# The shards' logs/ and results/ are merged too; timing.txt takes the longest shard's time.
# Exit status: 0; 1 when a student could not be graded; 2 when the shards do not go together.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
out="$top/build/grade-all"
export LC_ALL=C

usage() {
    echo "usage: make grade-merge [SHARDS=\"DIR...\"] [ROSTER=FILE]   (default: every folder in build/grade-all/shards/)" >&2
    [ $# -gt 0 ] && echo "grade-merge: $*" >&2
    exit 2
}
fail() {
    echo "grade-merge: $*" >&2
    echo "  (nothing merged: build/grade-all is as it was)" >&2
    exit 2
}
roster=""
while [ $# -gt 0 ]; do
    case "$1" in
        --roster) [ $# -ge 2 ] || usage "--roster needs a file"; roster=$2; shift 2 ;;
        --) shift; break ;;
        -*) usage "unknown option $1" ;;
        *) break ;;
    esac
done
if [ -n "$roster" ]; then
    sh "$top/grading/class-files.sh" --check-roster "$roster" || exit 2
fi
if [ $# -eq 0 ]; then
    for dir in "$out"/shards/*; do
        [ -d "$dir" ] && set -- "$@" "$dir"
    done
    [ $# -gt 0 ] || usage "no shard folders in $out/shards: grade them first (make grade-all SHARD=I/N), or name them"
fi

# Each folder: a shard that finished (its path made absolute; spaces in it are kept).
count=$#
for dir in "$@"; do
    [ -d "$dir" ] || fail "$dir is not a folder"
    dir=$(cd "$dir" && pwd)
    case "$dir/" in
        "$out/shards/"*) ;;
        "$out/"*) fail "$dir is inside build/grade-all, where the merge writes: name shard folders" ;;
    esac
    if [ ! -f "$dir/shard.txt" ]; then
        if [ -f "$dir/shard-wanted.txt" ]; then
            fail "$dir: shard $(sed 's| | of |' "$dir/shard-wanted.txt") did not finish (its grading was stopped, or is still running)"
        fi
        fail "$dir is not a shard's folder (no shard.txt): grade-all SHARD=I/N writes them"
    fi
    [ -f "$dir/lessons.txt" ] && [ -f "$dir/class.txt" ] && [ -d "$dir/reports" ] ||
        fail "$dir: not a whole shard (lessons.txt, class.txt or reports/ missing)"
    set -- "$@" "$dir"
done
shift "$count"
first=$1

# Graded with the same lessons.
for dir in "$@"; do
    cmp -s "$first/lessons.txt" "$dir/lessons.txt" ||
        fail "the shards were graded with different lessons: $first ($(echo $(cat "$first/lessons.txt"))) and $dir ($(echo $(cat "$dir/lessons.txt"))); merge the shards of one grading"
done
# No student in two shards.
tab=$(printf '\t')
overlap=$(for dir in "$@"; do
              ls "$dir/reports" | sed "s|\$|$tab$dir|"
          done | sort -t "$tab" -k1,1 -s |
          awk -F'\t' '$1 == last { print where " and " $2 " both graded " $1; exit } { last = $1; where = $2 }')
[ -z "$overlap" ] ||
    fail "the shards overlap: $overlap; merge the shards of one grading (remove the others from build/grade-all/shards, or name the shards: SHARDS=\"DIR...\")"
# Shards of one split of one class: the same N, each I once, none missing.
count=$(cut -d' ' -f2 "$first/shard.txt")
for dir in "$@"; do
    [ "$(cut -d' ' -f2 "$dir/shard.txt")" = "$count" ] ||
        fail "the shards come from different splits: $first is shard $(sed 's| | of |' "$first/shard.txt"), $dir is shard $(sed 's| | of |' "$dir/shard.txt")"
    cmp -s "$first/class.txt" "$dir/class.txt" ||
        fail "the shards come from different classes (their class.txt differ): $first and $dir"
done
twice=$(for dir in "$@"; do printf '%s\t%s\n' "$(cut -d' ' -f1 "$dir/shard.txt")" "$dir"; done |
        sort -n -k1,1 |
        awk -F'\t' '$1 == last { print "shard " $1 " twice: " where " and " $2; exit } { last = $1; where = $2 }')
[ -z "$twice" ] || fail "$twice"
missing=$(for dir in "$@"; do cut -d' ' -f1 "$dir/shard.txt"; done |
          awk -v count="$count" '{ have[$1] = 1 } END { for (i = 1; i <= count; i++) if (!(i in have)) printf " %d", i }')
[ -z "$missing" ] || fail "shards missing, of $count:$missing (merging: $*)"
# Every student of the class graded by their shard.
ungraded=$(for dir in "$@"; do ls "$dir/reports"; done | sort | comm -13 - "$first/class.txt" | tr '\n' ' ')
[ -z "$ungraded" ] || fail "not graded by their shard: $ungraded"

# Into build/grade-all, under the lock of a run on one machine (its shards/ stays).
mkdir -p "$out"
exec 9>"$top/build/grade-all.lock"
if ! flock -n 9; then
    echo "grade-merge: a grade-all is writing $out; wait for it to finish" >&2
    exit 2
fi
find "$out" -mindepth 1 -maxdepth 1 ! -name shards -exec rm -rf {} +
mkdir -p "$out/reports" "$out/logs" "$out/results"
for dir in "$@"; do
    for part in reports logs results; do
        [ -d "$dir/$part" ] && cp -R "$dir/$part/." "$out/$part/"
    done
done
cp "$first/lessons.txt" "$first/class.txt" "$out/"
echo "Merged $count shards of $(grep -c . "$out/class.txt") students, lessons: $(echo $(cat "$out/lessons.txt"))"
sh "$top/grading/class-files.sh" "$out" "$roster"
status=$?
echo "Suspicious: $out/suspicious.txt ($(cut -d' ' -f1 "$out/suspicious.txt" | sort -u | grep -c .) students, $(grep -c . "$out/suspicious.txt") lines to read)"

# The class's time: its longest shard (they ran side by side); projected with the smallest JOBS.
for dir in "$@"; do cat "$dir/timing.tsv" 2>/dev/null; done |
    awk -F'\t' -v shards="$count" '
        $1 == "wall" && $2 + 0 > wall { wall = $2 + 0 }
        $1 == "jobs" && (jobs == "" || $2 + 0 < jobs) { jobs = $2 + 0 }
        END { printf "wall\t%s\njobs\t%s\nshards\t%s\nshard\t0\n", wall, jobs, shards }' >"$out/timing.tsv"
sh "$top/grading/timing.sh" "$out" $(cat "$out/class.txt")
echo "Scores: $out/scores.csv, per exercise: $out/exercises.csv"
if [ "$status" != 0 ]; then
    echo "grade-merge: NOT GRADED (not in the CSVs until graded again, with STUDENT=NAME):" >&2
    sed 's/^/  /' "$out/not-graded.txt" >&2
fi
[ -f "$out/UNSANDBOXED" ] && echo "(graded WITHOUT a sandbox: see $out/UNSANDBOXED)"
cat "$out/scores.csv"
exit "$status"
