#!/bin/sh
# grade-one.sh - grades one student's submission, as the class grader grades each student:
# staged over the kit as graded (grading/stage.sh), graded inside a sandbox (grading/sandbox.sh)
# with the results sent out through a descriptor, and scored outside it
# (grading/score-stream.sh). Gradescope's and PrairieLearn's graders run this.
#
#   sh grading/grade-one.sh SUBMISSION REPORTS LESSON...
#
# Writes REPORTS/: LESSON.results, scores.tsv, exercises.tsv, tests.tsv, summary.json,
# summary.txt (see common/scores.sh), log (what the grading printed, cut at the output limit)
# and stream (the results as they came out). Prints the summary.
# Where no sandbox can be made (a platform's container without user namespaces), it grades
# without one and says so in the log and the summary, unless KIT_SANDBOX=required: then it
# grades nothing and exits 2. The platform's own container is then the only wall.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/grading/limits"
if [ $# -lt 3 ] || [ ! -d "$1" ]; then
    echo "usage: sh grading/grade-one.sh SUBMISSION REPORTS LESSON..." >&2
    exit 2
fi
submission=$1
reports=$2
shift 2
mkdir -p "$reports"
reports=$(cd "$reports" && pwd)
workspace=$(mktemp -d "${TMPDIR:-/tmp}/kit-grade-XXXXXX") || exit 1
chmod 711 "$workspace"
trap 'rm -rf "$workspace"' EXIT
trap 'exit 130' INT TERM

sh "$top/grading/stage.sh" "$submission" "$workspace/kit" "$@" >"$reports/log" 2>&1 ||
    { echo "grade-one: could not stage the submission (see $reports/log)" >&2; exit 1; }
if sh "$top/grading/sandbox.sh" --check 2>>"$reports/log"; then
    { KIT_RESULTS_FD=3 sh "$top/grading/sandbox.sh" "$workspace/kit" \
          sh common/grade.sh lessons "$@" 3>"$reports/stream" 2>&1
      [ $? = 137 ] && echo "grade-one: stopped at the limit of ${KIT_LIMIT_WALL_SECONDS}s"; } |
        head -c $((KIT_LIMIT_OUTPUT_KB * 1024)) >>"$reports/log"
    unsandboxed=""
elif [ "${KIT_SANDBOX:-}" = required ]; then
    echo "grade-one: no sandbox can be made here, and KIT_SANDBOX=required" >&2
    exit 2
else
    echo "grade-one: graded WITHOUT the kit's sandbox (none can be made here)" >>"$reports/log"
    { (cd "$workspace/kit" && KIT_RESULTS_FD=3 timeout -s KILL "$KIT_LIMIT_WALL_SECONDS" \
           sh common/grade.sh lessons "$@" 3>"$reports/stream" 2>&1)
      [ $? = 137 ] && echo "grade-one: stopped at the limit of ${KIT_LIMIT_WALL_SECONDS}s"; } |
        head -c $((KIT_LIMIT_OUTPUT_KB * 1024)) >>"$reports/log"
    unsandboxed=yes
fi
sh "$top/grading/score-stream.sh" "$reports/stream" "$reports" "$(basename "$submission")" "$@" \
    >/dev/null
[ -n "$unsandboxed" ] &&
    echo "(graded without the kit's sandbox: this platform's container could not make one)" \
        >>"$reports/summary.txt"
cat "$reports/summary.txt"
