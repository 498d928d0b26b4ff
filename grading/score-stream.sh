#!/bin/sh
# score-stream.sh - scores one student from the results their grading sent out of its sandbox:
# the test runner's records (common/results_channel.h: LESSON, plain or races, verdict, test
# case, test, reason), read here, outside the sandbox, after every process in it ended.
#
#   sh grading/score-stream.sh STREAM REPORTS NAME LESSON...
#
# Writes REPORTS/LESSON.results and .note, then scores them (common/scores.sh: scores.tsv,
# exercises.tsv, tests.tsv, summary.json, summary.txt); prints the summary.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -lt 4 ]; then
    echo "usage: sh grading/score-stream.sh STREAM REPORTS NAME LESSON..." >&2
    exit 2
fi
stream=$1
reports=$2
name=$3
shift 3
mkdir -p "$reports"
[ -f "$stream" ] || : >"$stream"
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
        echo "no results: the lesson did not compile, or its tests did not finish (see the log)" \
            >"$reports/$lesson.note"
    fi
done
sh "$top/common/scores.sh" "$reports" "$name" "$@"
