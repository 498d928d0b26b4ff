#!/bin/sh
# timing.sh - the numbers an instructor plans a grading with: how long a student took, per
# lesson, and how long a class of 200 would take on one machine or on several.
#
#   sh grading/timing.sh OUT STUDENT...      (grade-all.sh and grade-merge.sh run it)
#
# Reads, in OUT: timing.tsv (wall: seconds the grading took; jobs: students graded at once on a
# machine; shards: machines it was split over; shard: which of them this is, or none when the
# shards were merged and wall is their longest), lessons.txt,
# logs/STUDENT.seconds (a student's grading from staging to scores, all lessons in one sandbox)
# and logs/STUDENT.log, where common/grade.sh's line "  LESSON graded in SECONDS s" gives the
# time of each lesson. Prints the numbers, and writes them to OUT/timing.txt.
#
# The projection takes the mean of the students' seconds, not the median: a class's time is
# their sum, stragglers (a deadlock that waits out its timeouts) included. Each student's
# seconds were measured with JOBS students graded at once, so the sum divided by JOBS is what
# one machine takes for them. Students over machines: one machine's share, rounded up.
set -u
if [ $# -lt 1 ] || [ ! -f "$1/timing.tsv" ]; then
    echo "usage: sh grading/timing.sh OUT STUDENT...   (OUT holding timing.tsv)" >&2
    exit 2
fi
out=$1
shift
for student in "$@"; do
    printf '%s\t%s\n' "$student" "$(cat "$out/logs/$student.seconds" 2>/dev/null)"
done >"$out/timing-students.tsv"
{
    for student in "$@"; do
        sed -n 's/^  \([0-9][0-9]-[A-Za-z0-9-]*\) graded in \([0-9][0-9]*\(\.[0-9]*\)\{0,1\}\) s$/\1\t\2/p' \
            "$out/logs/$student.log" 2>/dev/null
    done
} >"$out/timing-lessons.tsv"

awk -F'\t' -v out="$out" -v lessons="$(echo $(cat "$out/lessons.txt" 2>/dev/null))" '
function median(values, n,    i, j, v, sorted) {
    for (i = 1; i <= n; i++) {
        v = values[i]
        for (j = i - 1; j >= 1 && sorted[j] > v; j--) sorted[j + 1] = sorted[j]
        sorted[j + 1] = v
    }
    return n % 2 ? sorted[(n + 1) / 2] : (sorted[n / 2] + sorted[n / 2 + 1]) / 2
}
function span(seconds,    h, m, s) {
    seconds = int(seconds + 0.5)
    h = int(seconds / 3600); m = int((seconds % 3600) / 60); s = seconds % 60
    if (h > 0) {
        m = int((seconds % 3600 + 30) / 60)
        if (m == 60) { h++; m = 0 }
        return sprintf("%d h %02d min", h, m)
    }
    if (m > 0) return sprintf("%d min %02d s", m, s)
    return sprintf("%d s", s)
}
FILENAME ~ /timing\.tsv$/ { run[$1] = $2; next }
FILENAME ~ /timing-students\.tsv$/ {
    if ($2 == "") next
    n++; each[n] = $2 + 0; sum += $2; if ($2 + 0 > slowest) slowest = $2 + 0
    next
}
FILENAME ~ /timing-lessons\.tsv$/ { k = ++count[$1]; took[$1, k] = $2 + 0; next }
END {
    jobs = run["jobs"] + 0; shards = run["shards"] + 0; shard = run["shard"] + 0
    nl = split(lessons, L, " ")
    printf "Timing (%s/timing.txt):\n", out
    if (shards > 1 && shard > 0) what = sprintf(" (shard %d of %d)", shard, shards)
    else if (shards > 1) what = sprintf(", in %d shards", shards)
    printf "  %-26s %d%s, %d at a time (JOBS=%d)\n", "students graded", n, what, jobs, jobs
    printf "  %-26s %s (%.1f s)%s\n", "wall time", span(run["wall"]), run["wall"], \
           (shards > 1 && shard == 0) ? ", the longest shard" : ""
    if (n == 0) { print "  (no student graded: nothing to project)"; exit }
    mean = sum / n
    printf "  %-26s median %.1f s, mean %.1f s, slowest %.1f s (lessons: %s)\n", \
           "seconds per student", median(each, n), mean, slowest, lessons
    printed = 0
    for (i = 1; i <= nl; i++) {
        if (!(L[i] in count)) continue
        for (k = 1; k <= count[L[i]]; k++) v[k] = took[L[i], k]
        if (!printed++) printf "  seconds per student per lesson, median over students:\n"
        printf "    %-24s %.1f s (%d students)\n", L[i], median(v, count[L[i]]), count[L[i]]
    }
    if (!printed)
        printf "  %-26s not measured: the logs have no \"LESSON graded in N s\" line (common/grade.sh)\n", \
               "seconds per lesson"
    printf "  200 students, JOBS=%d on each machine (mean seconds x students / JOBS):\n", jobs
    # 1, 2, 5, 10, 20 machines, and the number of shards among them.
    m = split("1 2 5 10 20", M, " ")
    if (shards > 1 && (" 1 2 5 10 20 ") !~ (" " shards " ")) {
        for (i = m; i >= 1 && M[i] + 0 > shards; i--) M[i + 1] = M[i]
        M[i + 1] = shards; m++
    }
    for (i = 1; i <= m; i++) {
        share = int((200 + M[i] - 1) / M[i])
        printf "    %-24s %s\n", "on " M[i] " machine" (M[i] == 1 ? "" : "s"), span(share * mean / jobs)
    }
}' "$out/timing.tsv" "$out/timing-students.tsv" "$out/timing-lessons.tsv" | tee "$out/timing.txt"
rm -f "$out/timing-students.tsv" "$out/timing-lessons.tsv"
