#!/bin/sh
# grade-all.sh - grades a whole class: every student copy in a folder, side by side, each in a
# sandbox of its own, into one CSV of points per lesson.
#
#   sh grading/grade-all.sh SUBMISSIONS_DIR JOBS LESSON...
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
# Writes, in build/grade-all/: scores.csv (a row per student with the points of each lesson and
# the total, and a last row with the points possible), reports/STUDENT/ (LESSON.results,
# scores.tsv, summary.json), logs/STUDENT.log (what the grading printed, cut at the output
# limit), and suspicious.txt (constructs in submissions that their lessons do not need: see
# grading/suspicious.sh). Without bubblewrap or user namespaces it refuses, with the fix;
# KIT_UNSANDBOXED=yes grades without a sandbox, and every output says so.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
out="$top/build/grade-all"
. "$top/grading/limits"
unsandboxed=${KIT_UNSANDBOXED:-no}

# stage_workspace STUDENT_DIR WORKSPACE LESSON...: the student edition of the kit, with the
# student's copies of the files students edit (the solutions folder names exactly those).
stage_workspace() {
    mkdir -p "$2/build"
    cp -R "$top/Makefile" "$top/common" "$top/lessons" "$2/"
    mkdir -p "$2/tests"
    cp "$top/tests/points" "$2/tests/"
    for lesson in "$top"/tests/[0-9][0-9]-*; do
        mkdir -p "$2/tests/$(basename "$lesson")"
        cp "$lesson"/*.c "$lesson"/*.h "$2/tests/$(basename "$lesson")/" 2>/dev/null
        [ -d "$lesson/hidden" ] && cp -R "$lesson/hidden" "$2/tests/$(basename "$lesson")/"
    done
    student_dir=$1
    workspace_dir=$2
    shift 2
    for lesson in "$@"; do
        for reference in "$top/solutions/$lesson"/*; do
            name=$(basename "$reference")
            for candidate in "$student_dir/lessons/$lesson/$name" "$student_dir/$lesson/$name"; do
                if [ -f "$candidate" ]; then
                    cp "$candidate" "$workspace_dir/lessons/$lesson/$name"
                    break
                fi
            done
        done
    done
    chmod -R a+rX "$workspace_dir"
}

# score_student STUDENT LESSON...: reads the results that came out of the student's sandbox
# and writes the student's reports, here, outside it.
score_student() {
    stream="$out/results/$1.stream"
    reports="$out/reports/$1"
    mkdir -p "$reports"
    shift
    for lesson in "$@"; do
        rm -f "$reports/$lesson.note"
        # Each test once, from the plain run; a test that passed there fails if the
        # ThreadSanitizer run reported a race in it. grade.sh runs the second only when an
        # exercise's test passed: then its results must be there.
        # A runner sends each test once per run: more than that, and something in the runner's
        # own process wrote too (a constructor, say): every test of the lesson fails.
        awk -F'\t' -v lesson="$lesson" '
            $1 != lesson { next }
            seen[$2 "\t" $4 "\t" $5]++ { forged = 1 }
            $2 == "plain" { verdict[++count] = $3; key[count] = $4 "\t" $5; reason[count] = $6 }
            $2 == "races" { raced = 1
                            if ($3 == "FAIL" && $6 ~ /^ThreadSanitizer: /) race[$4 "\t" $5] = $6 }
            END {
                for (i = 1; i <= count; i++) if (verdict[i] == "ok" && key[i] ~ /^exercise/) expect = 1
                for (i = 1; i <= count; i++) {
                    if (forged) {
                        verdict[i] = "FAIL"
                        reason[i] = "the results were tampered with: more than one result for a test in one run"
                    } else if (verdict[i] == "ok" && (key[i] in race)) {
                        verdict[i] = "FAIL"; reason[i] = race[key[i]]
                    } else if (verdict[i] == "ok" && expect && !raced && key[i] ~ /^exercise/) {
                        verdict[i] = "FAIL"
                        reason[i] = "the ThreadSanitizer run of the tests ended without results"
                    }
                    printf "%s\t%s\t%s\n", verdict[i], key[i], reason[i]
                }
            }' "$stream" >"$reports/$lesson.results"
        if [ ! -s "$reports/$lesson.results" ]; then
            # No results at all: the lesson did not compile, or its tests did not finish.
            sed -n 's/^START_TEST(\([A-Za-z0-9_]*\)).*/\1/p' "$top/tests/$lesson"/*.c "$top/tests/$lesson"/hidden/*.c 2>/dev/null |
                awk '{ printf "FAIL\tcompile\t%s\tno results: the lesson did not compile, or its tests did not finish (see the log)\n", $1 }' \
                >"$reports/$lesson.results"
            echo "no results (see the log)" >"$reports/$lesson.note"
        fi
    done
    sh "$top/common/scores.sh" "$reports" "$student" "$@" >"$reports/scores.txt"
}

# Grades one student (run by xargs, several at once): --one SUBMISSIONS STAGE "LESSON..." N
# STUDENT, the student being the Nth of the class.
if [ "${1:-}" = --one ]; then
    submissions=$2
    stage=$3
    lessons=$4
    number=$5
    student=$6
    set -- $lessons
    workspace="$stage/$student"
    stage_workspace "$submissions/$student" "$workspace" "$@"
    log="$out/logs/$student.log"
    started=$(date +%s)
    {
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
    if [ ! -s "$out/results/$student.stream" ] && grep -q '^bwrap: ' "$log"; then
        echo "$student: the sandbox did not start ($(grep -m 1 '^bwrap: ' "$log")); grade again" \
            >>"$out/not-graded.txt"
    fi
    score_student "$student" "$@"
    echo "  graded $student in $(($(date +%s) - started)) s"
    exit 0
fi

if [ $# -lt 3 ] || [ ! -d "$1" ]; then
    echo "usage: make grade-all SUBMISSIONS=DIR [LESSON=NN-name] [JOBS=N]" >&2
    exit 2
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
# One class at a time per kit: a second run would remove the first one's results under it.
# (The sandboxes do not get the lock's descriptor: every descriptor open here goes into them.)
mkdir -p "$top/build"
exec 9>"$top/build/grade-all.lock"
if ! flock -n 9; then
    echo "grade-all: another grade-all of this kit is running; wait for it to finish" >&2
    exit 2
fi
rm -rf "$out"
mkdir -p "$out/logs" "$out/results" "$out/reports"
# The workspaces are staged where the sandbox's unprivileged user can read them, whatever the
# permissions of the folders above this kit.
stage=$(mktemp -d "${TMPDIR:-/tmp}/kit-grade-XXXXXX") || exit 1
chmod 711 "$stage"
trap 'rm -rf "$stage"' EXIT
trap 'exit 130' INT TERM
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
printf '%s\n' $students | awk '{ print NR, $1 }' |
    xargs -P "$jobs" -L 1 sh "$0" --one "$submissions" "$stage" "$*" 9>&-

# What a sandbox cannot stop, an instructor reads: constructs that the lessons do not need.
if [ -f "$top/grading/suspicious.sh" ]; then
    for student in $students; do
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
        done
    done >"$out/suspicious.txt"
    echo "Suspicious: $out/suspicious.txt ($(cut -d' ' -f1 "$out/suspicious.txt" | sort -u | wc -l) students, $(wc -l <"$out/suspicious.txt") lines to read)"
fi

csv="$out/scores.csv"
{
    printf 'student'
    for lesson in "$@"; do printf ',%s' "$lesson"; done
    printf ',total\n'
    for student in $students; do
        scores="$out/reports/$student/scores.tsv"
        printf '%s' "$student"
        for lesson in "$@"; do
            printf ',%s' "$(awk -F'\t' -v l="$lesson" '$1 == l { print $4 }' "$scores" 2>/dev/null)"
        done
        printf ',%s\n' "$(awk -F'\t' '{ sum += $4 } END { printf "%.2f", sum }' "$scores" 2>/dev/null)"
    done
    scores="$out/reports/$(echo $students | cut -d' ' -f1)/scores.tsv"
    printf 'max'
    for lesson in "$@"; do
        printf ',%s' "$(awk -F'\t' -v l="$lesson" '$1 == l { print $5 }' "$scores")"
    done
    printf ',%s\n' "$(awk -F'\t' '{ sum += $5 } END { printf "%g", sum }' "$scores")"
} >"$csv"
[ "$unsandboxed" = yes ] && echo "unsandboxed: these scores were graded WITHOUT a sandbox" >"$out/UNSANDBOXED"
echo "Scores: $csv"
if [ -s "$out/not-graded.txt" ]; then
    echo "grade-all: NOT GRADED (scored 0 in the CSV until graded again):" >&2
    sed 's/^/  /' "$out/not-graded.txt" >&2
    status=1
fi
[ "$unsandboxed" = yes ] && echo "(graded WITHOUT a sandbox: see $out/UNSANDBOXED)"
cat "$csv"
exit ${status:-0}
