#!/bin/sh
# grade-all.sh - grades a whole class: every student copy in a folder, side by side, each in a
# sandbox of its own, into one CSV of points per lesson.
#
#   sh grading/grade-all.sh [--shard I/N | --student NAME] [--roster FILE] SUBMISSIONS_DIR JOBS LESSON...
#
# Each folder in SUBMISSIONS_DIR is one student's work, named after the student, either a copy
# of the kit (lessons/NN-name/file.c) or only the lesson files students edit (NN-name/file.c).
# Each is graded in a workspace of its own: the student edition of this kit (no solutions, no
# wrong versions) with only the student's copies of the files students edit laid over it, so a
# changed test or Makefile in a submission changes nothing. The workspace is graded inside a
# bubblewrap sandbox (grading/sandbox.sh, limits in grading/limits); the test runner sends each
# test's result out through a descriptor that nothing the student's code starts can hold, and
# the scores are worked out here, outside, after the sandbox and every process in it ended.
# JOBS students are graded at once.
#
# Writes, in build/grade-all/: reports/STUDENT/ (LESSON.results, scores.tsv, exercises.tsv,
# tests.tsv, summary.json, and suspicious.txt: constructs in the student's files that their
# lessons do not need, see grading/suspicious.sh), logs/STUDENT.log (what the grading printed,
# cut at the output limit) and logs/STUDENT.seconds; then, from the reports alone
# (grading/class-files.sh): scores.csv (a row per student with the points of each lesson and
# the total, and a last row with the points possible), exercises.csv (the same per exercise),
# suspicious.txt (every student's); and timing.txt (grading/timing.sh). lessons.txt and
# class.txt say what was graded: the lessons, and every student of SUBMISSIONS_DIR.
#
# --shard I/N grades only the I-th of every N students (in name order, LC_ALL=C: student k goes
# to shard (k-1) mod N + 1), into build/grade-all/shards/I-of-N/, the same files, and shard.txt
# when it finished: N machines grade a class, and grade-merge.sh puts the shards together as
# one run would have written them. Shards share nothing: neither folder nor lock.
# --student NAME grades that student alone and writes the class's files again; the others'
# reports stay as they are, and the reports of students no longer in SUBMISSIONS_DIR go.
# --roster FILE: the CSVs have the roster's columns and rows (see grading/class-files.sh).
# Without bubblewrap or user namespaces it refuses, with the fix; KIT_UNSANDBOXED=yes grades
# without a sandbox, and every output says so.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/grading/limits"
unsandboxed=${KIT_UNSANDBOXED:-no}

# Grades one student (run by xargs, several at once): --one SUBMISSIONS STAGE OUT "LESSON..."
# N STUDENT, the student being the Nth of the class (in every shard: the sandbox's user id
# comes from it, so that shards graded on one machine at once never share one).
if [ "${1:-}" = --one ]; then
    submissions=$2
    stage=$3
    out=$4
    lessons=$5
    number=$6
    student=$7
    set -- $lessons
    workspace="$stage/$student"
    log="$out/logs/$student.log"
    started=$(date +%s.%N)
    {
        # The kit as graded, with the student's copies of the files students edit laid over
        # it (grading/stage.sh), as Gradescope's and PrairieLearn's graders stage it too.
        sh "$top/grading/stage.sh" "$submissions/$student" "$workspace" "$@" 2>&1
        [ "$unsandboxed" = yes ] && echo "grade-all: $student graded WITHOUT a sandbox (KIT_UNSANDBOXED=yes)"
        if [ "$unsandboxed" = yes ]; then
            (cd "$workspace" && KIT_RESULTS_FD=3 timeout -s KILL "$KIT_LIMIT_WALL_SECONDS" \
                 sh common/grade.sh lessons "$@" 3>"$out/results/$student.stream" 2>&1)
        else
            # A user of its own for each student, so that one student's processes never
            # count against another's limit.
            KIT_RESULTS_FD=3 KIT_SANDBOX_UID=$((KIT_SANDBOX_UID_BASE + number)) \
                sh "$top/grading/sandbox.sh" "$workspace" \
                sh common/grade.sh lessons "$@" 3>"$out/results/$student.stream" 2>&1
        fi
        status=$?
        [ "$status" = 137 ] && echo "grade-all: $student ran past the limit of ${KIT_LIMIT_WALL_SECONDS}s and was stopped"
    } | head -c $((KIT_LIMIT_OUTPUT_KB * 1024)) >"$log"
    rm -rf "$workspace"
    # The scores, worked out here, outside, from what came out of the sandbox.
    mkdir -p "$out/reports/$student"
    sh "$top/grading/score-stream.sh" "$out/results/$student.stream" "$out/reports/$student" \
        "$student" "$@" >"$out/reports/$student/scores.txt"
    # Everything the class's files say of a student is in the student's own reports, so that
    # they come out the same however the class was split.
    reports="$out/reports/$student"
    if [ ! -s "$out/results/$student.stream" ] && grep -q '^bwrap: ' "$log"; then
        echo "$student: the sandbox did not start ($(grep -m 1 '^bwrap: ' "$log")); grade again" \
            >"$reports/not-graded.txt"
    fi
    [ "$unsandboxed" = yes ] && echo "graded WITHOUT a sandbox (KIT_UNSANDBOXED=yes)" >"$reports/unsandboxed"
    # What a sandbox cannot stop, an instructor reads: constructs that the lessons do not need.
    if [ -f "$top/grading/suspicious.sh" ]; then
        for lesson in "$@"; do
            for reference in "$top/solutions/$lesson"/*.c; do
                name=$(basename "$reference")
                for candidate in "$submissions/$student/lessons/$lesson/$name" \
                                 "$submissions/$student/$lesson/$name"; do
                    [ -f "$candidate" ] || continue
                    sh "$top/grading/suspicious.sh" "$lesson" "$candidate" |
                        sed "s|^$submissions/||; s|^|$student |"
                    break
                done
            done
        done >"$reports/suspicious.txt"
    fi
    seconds=$(echo "$(date +%s.%N) $started" | awk '{ printf "%.1f", $1 - $2 }')
    echo "$seconds" >"$out/logs/$student.seconds"
    echo "  graded $student in ${seconds%.*} s"
    exit 0
fi

usage() {
    echo "usage: make grade-all SUBMISSIONS=DIR [LESSON=NN-name] [JOBS=N] [SHARD=I/N | STUDENT=NAME] [ROSTER=FILE]" >&2
    [ $# -gt 0 ] && echo "grade-all: $*" >&2
    exit 2
}
shard=""
only=""
roster=""
while [ $# -gt 0 ]; do
    case "$1" in
        --shard) [ $# -ge 2 ] || usage "--shard needs I/N"; shard=$2; shift 2 ;;
        --student) [ $# -ge 2 ] || usage "--student needs a name"; only=$2; shift 2 ;;
        --roster) [ $# -ge 2 ] || usage "--roster needs a file"; roster=$2; shift 2 ;;
        --) shift; break ;;
        -*) usage "unknown option $1" ;;
        *) break ;;
    esac
done
[ $# -ge 3 ] || usage
[ -d "$1" ] || usage "SUBMISSIONS=$1 is not a folder"
case "$2" in
    ''|*[!0-9]*|0) usage "JOBS=$2: a number of students at once, 1 or more" ;;
esac
if [ -n "$shard" ]; then
    # I/N, 1 <= I <= N: one shard of N.
    case "$shard" in
        [1-9]*/[1-9]*) shard_index=${shard%%/*}; shard_count=${shard#*/} ;;
        *) usage "SHARD=$shard: I/N, shard I of N, as 1/4 ... 4/4" ;;
    esac
    case "$shard_index$shard_count" in
        *[!0-9]*) usage "SHARD=$shard: I/N, shard I of N, as 1/4 ... 4/4" ;;
    esac
    [ "$shard_index" -le "$shard_count" ] || usage "SHARD=$shard: there is no shard $shard_index of $shard_count"
    [ -z "$only" ] || usage "SHARD and STUDENT do not go together: regrade a student in the merged class"
    # A shard's CSVs hold only its part of the class: a roster belongs to the merge.
    [ -z "$roster" ] || usage "ROSTER goes with grade-merge, which writes the class's CSVs, not with SHARD"
fi
if [ -n "$roster" ]; then
    sh "$top/grading/class-files.sh" --check-roster "$roster" || exit 2
    roster=$(cd "$(dirname "$roster")" && pwd)/$(basename "$roster")
fi
if [ "$unsandboxed" = yes ]; then
    echo "grade-all: grading WITHOUT a sandbox, as KIT_UNSANDBOXED=yes asks: a submission can read"
    echo "  the solutions, write anywhere this user can, and change its own and others' scores."
elif ! sh "$top/grading/sandbox.sh" --check; then
    echo "grade-all: refusing to grade without a sandbox; to grade anyway, unprotected, run" >&2
    echo "  KIT_UNSANDBOXED=yes make grade-all SUBMISSIONS=..." >&2
    exit 2
fi
submissions=$(cd "$1" && pwd)
jobs=$2
shift 2
export LC_ALL=C

# The class: every student folder, in name order (byte order, whatever the locale), which
# decides the shards.
class=""
for entry in "$submissions"/*; do
    [ -d "$entry" ] || continue
    name=$(basename "$entry")
    case "$name" in
        *[!A-Za-z0-9._-]*)
            echo "grade-all: skipping '$name': name folders with letters, digits, . _ -" >&2
            continue ;;
    esac
    class="$class $name"
done
class=$(printf '%s\n' $class | sort)
if [ -z "$class" ]; then
    echo "grade-all: no student folders in $submissions" >&2
    exit 2
fi
if [ -n "$only" ] && ! printf '%s\n' $class | grep -qxF -- "$only"; then
    usage "STUDENT=$only: no such student folder in $submissions"
fi

# Where the results go, and the lock that keeps two runs from writing the same place: a shard
# has its own of both, so that the shards of a class can run at once on machines that share
# this folder (a cluster's array tasks), or side by side on one machine.
if [ -n "$shard" ]; then
    out="$top/build/grade-all/shards/$shard_index-of-$shard_count"
    lock="$out.lock"
else
    out="$top/build/grade-all"
    lock="$top/build/grade-all.lock"
fi
mkdir -p "$(dirname "$out")"
# (The sandboxes do not get the lock's descriptor: every descriptor open here goes into them.)
exec 9>"$lock"
if ! flock -n 9; then
    echo "grade-all: another grade-all is writing $out; wait for it to finish" >&2
    exit 2
fi

if [ -n "$only" ]; then
    # One student again, into the class graded before: only with the lessons it was graded
    # for, or the CSVs would mix lessons.
    if [ -f "$out/lessons.txt" ] && [ "$(tr '\n' ' ' <"$out/lessons.txt")" != "$* " ]; then
        echo "grade-all: the class in $out was graded for lessons: $(echo $(cat "$out/lessons.txt"))" >&2
        echo "  regrade $only with the same LESSON (none for all of them), or grade the class again" >&2
        exit 2
    fi
    # A student no longer in the submissions goes: their reports would otherwise stay in the CSVs.
    for report in "$out"/reports/*; do
        [ -d "$report" ] || continue
        name=$(basename "$report")
        printf '%s\n' $class | grep -qxF -- "$name" && continue
        echo "grade-all: removing the reports of $name: no longer in $submissions"
        rm -rf "$report" "$out/logs/$name.log" "$out/logs/$name.seconds" "$out/results/$name.stream"
    done
    rm -rf "$out/reports/$only" "$out/logs/$only.log" "$out/logs/$only.seconds" \
           "$out/results/$only.stream"
    grading=$only
else
    # A whole class, or a shard, starts clean (the unsharded class keeps the shards' folders,
    # which are not its own to remove).
    if [ -n "$shard" ]; then
        rm -rf "$out"
    elif [ -d "$out" ]; then
        find "$out" -mindepth 1 -maxdepth 1 ! -name shards -exec rm -rf {} +
    fi
    grading=$(printf '%s\n' $class | awk -v i="${shard_index:-1}" -v n="${shard_count:-1}" \
              '(NR - 1) % n + 1 == i')
fi
mkdir -p "$out/logs" "$out/results" "$out/reports"
printf '%s\n' "$@" >"$out/lessons.txt"
printf '%s\n' $class >"$out/class.txt"
# A shard says which it is once it has finished (shard.txt), and until then which it is to be.
[ -n "$shard" ] && echo "$shard_index $shard_count" >"$out/shard-wanted.txt"

# The workspaces are staged where the sandbox's unprivileged user can read them, whatever the
# permissions of the folders above this kit.
stage=$(mktemp -d "${TMPDIR:-/tmp}/kit-grade-XXXXXX") || exit 1
chmod 711 "$stage"
trap 'rm -rf "$stage"' EXIT
trap 'exit 130' INT TERM
count=$(printf '%s\n' $grading | grep -c .)
if [ -n "$only" ]; then
    echo "Grading $only again (the class's other reports stay as they are), lessons: $*"
elif [ -n "$shard" ]; then
    echo "Grading shard $shard_index of $shard_count: $count of the class's $(grep -c . "$out/class.txt") students, $jobs at a time, lessons: $*"
else
    echo "Grading $count students, $jobs at a time, lessons: $*"
fi
started=$(date +%s.%N)
# Each student with their number in the whole class (the sandbox's user id).
# (A shard of a class smaller than N may have nobody: xargs would still run once.)
printf '%s\n' $grading >"$stage/grading"
if [ "$count" -gt 0 ]; then
    awk 'NR == FNR { grading[$1] = 1; next } ($1 in grading) { print FNR, $1 }' \
            "$stage/grading" "$out/class.txt" |
        xargs -P "$jobs" -L 1 sh "$0" --one "$submissions" "$stage" "$out" "$*" 9>&-
fi
wall=$(echo "$(date +%s.%N) $started" | awk '{ printf "%.1f", $1 - $2 }')

sh "$top/grading/class-files.sh" "$out" "$roster"
status=$?
echo "Suspicious: $out/suspicious.txt ($(cut -d' ' -f1 "$out/suspicious.txt" | sort -u | grep -c .) students, $(grep -c . "$out/suspicious.txt") lines to read)"
printf 'wall\t%s\njobs\t%s\nshards\t%s\nshard\t%s\n' "$wall" "$jobs" "${shard_count:-1}" "${shard_index:-0}" \
    >"$out/timing.tsv"
sh "$top/grading/timing.sh" "$out" $grading
if [ -n "$shard" ]; then
    mv "$out/shard-wanted.txt" "$out/shard.txt"
    echo "Shard $shard_index of $shard_count: $out (put the shards together with make grade-merge)"
fi
echo "Scores: $out/scores.csv, per exercise: $out/exercises.csv"
if [ "$status" != 0 ]; then
    echo "grade-all: NOT GRADED (not in the CSVs until graded again, with STUDENT=NAME):" >&2
    sed 's/^/  /' "$out/not-graded.txt" >&2
fi
[ "$unsandboxed" = yes ] && echo "(graded WITHOUT a sandbox: see $out/UNSANDBOXED)"
cat "$out/scores.csv"
exit "$status"
