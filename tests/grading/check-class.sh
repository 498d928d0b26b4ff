#!/bin/sh
# check-class.sh - grades the sample class of make-class.sh and checks the CSV: the correct
# copies get full marks, the untouched and uncompilable ones 0, every broken or wrong one less
# than full marks, every student has a row, and every failed test says why.
#
#   sh tests/grading/check-class.sh        (run by `make test-grading`)
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
sh tests/grading/make-class.sh build/sample-class || exit 1
sh common/grade-all.sh build/sample-class "$(nproc)" 01-threads || exit 1
csv=build/grade-all/scores.csv
students=$(ls build/sample-class | wc -l)
awk -F, -v students="$students" '
    NR == 1 { next }
    $1 == "max" { max = $2; next }
    { rows++; score[$1] = $2 }
    END {
        bad = 0
        if (rows != students) { print "expected " students " rows, got " rows; bad = 1 }
        for (s in score) {
            want = ""
            if (s ~ /^correct-/ && score[s] != max) want = "full marks"
            if ((s ~ /^untouched-/ || s == "broken-compile-error") && score[s] != 0) want = "0"
            if (s ~ /^(wrong|broken)-/ && s != "broken-thread-left-running" && score[s] >= max)
                want = "less than full marks"
            if (s == "broken-thread-left-running" && score[s] != max)
                want = "full marks (a thread left asleep breaks nothing)"
            if (want != "") { print s ": " score[s] ", expected " want; bad = 1 }
        }
        exit bad
    }' "$csv" || exit 1
# Every failed test of every student carries a reason.
if grep -h '^FAIL' build/grade-all/workspaces/*/build/reports/lessons/01-threads.results |
       awk -F'\t' '$4 == ""' | grep -q .; then
    echo "some failed tests have no reason"
    exit 1
fi
echo "grade-all: $students students graded, scores as expected"
