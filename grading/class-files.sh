#!/bin/sh
# class-files.sh - a graded class's own files, made from its students' reports and nothing
# else, so that a class graded in one run, graded in shards and merged, or graded and then
# regraded one student at a time, gets the same files byte for byte.
#
#   sh grading/class-files.sh OUT [ROSTER]        (grade-all.sh and grade-merge.sh run it)
#   sh grading/class-files.sh --check-roster ROSTER
#
# Reads, in OUT (build/grade-all, or a shard's folder): lessons.txt (the lessons graded),
# class.txt (every student of the submissions folder, sorted), shard.txt or shard-wanted.txt
# (a shard: "I N", it holds the I-th of every N students of class.txt), and each student's
# reports/STUDENT/ (scores.tsv and exercises.tsv from common/scores.sh; suspicious.txt,
# not-graded.txt and unsandboxed from grade-all.sh). Writes, in OUT:
#   scores.csv      a row per student: the points of each lesson, then the total; a last row
#                   (max) with the points possible
#   exercises.csv   a row per student: the points of each exercise of each lesson ("03-locks 2",
#                   "03-locks 2 hidden"; not the given code's tests, worth 0), the lesson's
#                   total after its exercises, then the total; a last row with the points
#                   possible. Its numbers add up exactly to each student's scores.tsv.
#   suspicious.txt  every student's suspicious constructs, students in name order
#   not-graded.txt  the students whose sandbox did not start (only if there are some)
#   UNSANDBOXED     the students graded without a sandbox (only if there are some)
# Students are those of class.txt (of the shard) that have a report: a report of a student no
# longer in the class is left out, with a warning; a student of the class without one is named.
#
# ROSTER: a CSV file with a header, with a column github_username (GitHub Classroom's roster
# export: identifier, github_username, github_id, name) or student (add one to Gradescope's
# roster, or any other) holding the folder names of the submissions. Then both CSVs have the
# roster's columns first, as the roster has them, in the roster's order, a row for every
# student of the roster (no submission: empty scores, "no submission" in the last column,
# note), and after them a row for each submission the roster does not have ("not in the
# roster", also a warning on stderr). Names match whatever their case, as GitHub's do.
#
# Exit status: 0; 1 when a student could not be graded (not-graded.txt); 2 on bad arguments.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)

# The roster's header, as the awk program below reads it: the index of the column with the
# folder names (github_username before student, header names in any case, spaces as _), or 0.
key_column_awk='
function parse(line, f,    n, i, c, field, quoted) {
    n = 0; field = ""; quoted = 0
    for (i = 1; i <= length(line); i++) {
        c = substr(line, i, 1)
        if (quoted) {
            if (c == "\"" && substr(line, i + 1, 1) == "\"") { field = field c; i++ }
            else if (c == "\"") quoted = 0
            else field = field c
        } else if (c == "\"") quoted = 1
        else if (c == ",") { f[++n] = field; field = "" }
        else field = field c
    }
    f[++n] = field
    return n
}
function clean(line) { sub(/^\357\273\277/, "", line); sub(/\r$/, "", line); return line }
function key_column(header, count,    i, name, found) {
    found = 0
    for (i = 1; i <= count; i++) {
        name = tolower(header[i]); gsub(/^ +| +$/, "", name); gsub(/ /, "_", name)
        if (name == "github_username") return i
        if (name == "student" && !found) found = i
    }
    return found
}'

if [ "${1:-}" = --check-roster ]; then
    roster=${2:-}
    if [ ! -f "$roster" ] || [ ! -r "$roster" ]; then
        echo "grading: ROSTER=$roster: no such file" >&2
        exit 2
    fi
    if ! awk "$key_column_awk"'
            NR == 1 { count = parse(clean($0), header); exit !key_column(header, count) }' "$roster"; then
        echo "grading: ROSTER=$roster: its first line has no column github_username or student" >&2
        echo "  (the column of the submissions' folder names; GitHub Classroom's roster has github_username)" >&2
        exit 2
    fi
    exit 0
fi
if [ $# -lt 1 ] || [ ! -d "$1" ]; then
    echo "usage: sh grading/class-files.sh OUT [ROSTER]   or   sh grading/class-files.sh --check-roster ROSTER" >&2
    exit 2
fi
out=$1
roster=${2:-}
if [ -n "$roster" ]; then
    sh "$0" --check-roster "$roster" || exit 2
fi
export LC_ALL=C

lessons=$(cat "$out/lessons.txt" 2>/dev/null | tr '\n' ' ')
# The students this folder should hold: the class, or the shard's part of it.
shard=$(cat "$out/shard.txt" "$out/shard-wanted.txt" 2>/dev/null | head -n 1)
if [ -f "$out/class.txt" ]; then
    expected=$(awk -v shard="$shard" 'BEGIN { split(shard, s, " ") }
                   shard == "" || (NR - 1) % s[2] + 1 == s[1]' "$out/class.txt")
else
    expected=$(ls "$out/reports" 2>/dev/null)
fi
reported=$(ls "$out/reports" 2>/dev/null)
students=$(printf '%s\n' $expected $reported | sort | uniq -d)
missing=$(printf '%s\n' $expected $students | sort | uniq -u)
stale=$(printf '%s\n' $reported $students | sort | uniq -u)
[ -n "$missing" ] &&
    echo "grading: not graded, so not in the CSVs: $(echo $missing) (grade each with STUDENT=NAME, or the class again)" >&2
[ -n "$stale" ] &&
    echo "grading: left out of the CSVs: $(echo $stale), not in the class's submissions (reports in $out/reports)" >&2

# Both CSVs in one pass over the reports, so that they cannot disagree.
awk -F'\t' -v out="$out" -v lessons="$lessons" -v students="$(echo $students)" \
    -v expected_list="$(echo $expected)" -v roster="$roster" \
    -v csv="$out/scores.csv" -v xcsv="$out/exercises.csv" "$key_column_awk"'
function quote(s) {
    if (s !~ /[",]/ && s !~ /^ | $/) return s
    gsub(/"/, "\"\"", s)
    return "\"" s "\""
}
# The order of exercise columns: by number, an exercise before its hidden tests.
function rank(exercise,    part) {
    split(exercise, part, " ")
    return 2 * part[1] + (part[2] == "hidden")
}
# scores STUDENT: the score cells of both CSVs (each starting with a comma), into row[] and xrow[].
function scores(s,    i, j, lesson, cells, xcells, total, key) {
    cells = ""; xcells = ""; total = 0
    for (i = 1; i <= nl; i++) {
        lesson = L[i]
        for (j = 1; j <= ncol[lesson]; j++) {
            key = s SUBSEP lesson SUBSEP col[lesson, j]
            xcells = xcells "," ((key in xearned) ? xearned[key] : "")
        }
        key = s SUBSEP lesson
        cells = cells "," ((key in earned) ? earned[key] : "")
        xcells = xcells "," ((key in earned) ? earned[key] : "")
        total += earned[key]
    }
    total = sprintf("%.2f", total)
    row[s] = cells "," total
    xrow[s] = xcells "," total
}
function empty_cells(csv,    i, cells) {
    cells = ""
    for (i = 1; i <= (csv == "x" ? xwidth : nl + 1); i++) cells = cells ","
    return cells
}
BEGIN {
    nl = split(lessons, L, " ")
    ns = split(students, S, " ")
    for (i = 1; i <= ns; i++) {
        s = S[i]
        file = out "/reports/" s "/scores.tsv"
        while ((getline line < file) > 0) {
            split(line, f, "\t")
            earned[s, f[1]] = f[4]
            if (!(f[1] in possible)) possible[f[1]] = f[5]
        }
        close(file)
        file = out "/reports/" s "/exercises.tsv"
        while ((getline line < file) > 0) {
            split(line, f, "\t")
            if (f[2] == "given" || f[2] == "compile") continue
            xearned[s, f[1], f[2]] = f[6]
            if (!((f[1], f[2]) in points)) {
                points[f[1], f[2]] = f[5]
                # Insert the column in its place.
                n = ++ncol[f[1]]
                while (n > 1 && rank(col[f[1], n - 1]) > rank(f[2])) {
                    col[f[1], n] = col[f[1], n - 1]; n--
                }
                col[f[1], n] = f[2]
            }
        }
        close(file)
        scores(s)
    }
    header = ""; xheader = ""; maxrow = ""; xmaxrow = ""; total = 0; xwidth = 1
    for (i = 1; i <= nl; i++) {
        lesson = L[i]
        for (j = 1; j <= ncol[lesson]; j++) {
            xheader = xheader "," lesson " " col[lesson, j]
            xmaxrow = xmaxrow "," points[lesson, col[lesson, j]]
            xwidth++
        }
        header = header "," lesson
        xheader = xheader "," lesson " total"
        maxrow = maxrow "," possible[lesson]
        xmaxrow = xmaxrow "," possible[lesson]
        total += possible[lesson]
        xwidth++
    }
    total = sprintf("%g", total)

    if (roster == "") {
        print "student" header ",total" > csv
        print "student" xheader ",total" > xcsv
        for (i = 1; i <= ns; i++) {
            print S[i] row[S[i]] > csv
            print S[i] xrow[S[i]] > xcsv
        }
        print "max" maxrow "," total > csv
        print "max" xmaxrow "," total > xcsv
        exit
    }

    # With a roster: its columns first, its rows in its order.
    for (i = 1; i <= ns; i++) graded[tolower(S[i])] = S[i]
    split(expected_list, E, " ")
    for (i in E) expected[tolower(E[i])] = 1
    lines = 0
    while ((getline line < roster) > 0) {
        line = clean(line)
        if (++lines == 1) {
            width = parse(line, head)
            key = key_column(head, width)
            cells = ""
            for (j = 1; j <= width; j++) cells = cells (j > 1 ? "," : "") quote(head[j])
            print cells header ",total,note" > csv
            print cells xheader ",total,note" > xcsv
            continue
        }
        if (line ~ /^[ ,]*$/) continue
        count = parse(line, f)
        cells = ""
        for (j = 1; j <= width; j++) cells = cells (j > 1 ? "," : "") quote(j <= count ? f[j] : "")
        name = tolower(f[key]); gsub(/^ +| +$/, "", name)
        if (name != "" && (name in graded)) {
            s = graded[name]
            if (s in listed) {
                printf "grading: %s is in the roster twice (line %d); scores on both rows\n", s, lines > "/dev/stderr"
            }
            listed[s] = 1
            print cells row[s] "," > csv
            print cells xrow[s] "," > xcsv
        } else {
            note = (name != "" && (name in expected)) ? "not graded" : "no submission"
            print cells empty_cells("") "," note > csv
            print cells empty_cells("x") "," note > xcsv
            nosub++
        }
    }
    close(roster)
    unlisted = ""
    for (i = 1; i <= ns; i++) {
        s = S[i]
        if (s in listed) continue
        cells = ""
        for (j = 1; j <= width; j++) cells = cells (j > 1 ? "," : "") (j == key ? quote(s) : "")
        print cells row[s] ",not in the roster" > csv
        print cells xrow[s] ",not in the roster" > xcsv
        unlisted = unlisted " " s
    }
    cells = "max"
    for (j = 2; j <= width; j++) cells = cells ","
    print cells maxrow "," total ",points possible" > csv
    print cells xmaxrow "," total ",points possible" > xcsv
    if (unlisted != "")
        print "grading: WARNING: submissions not in the roster (rows at the end, marked \"not in the roster\"):" unlisted > "/dev/stderr"
    if (nosub > 0)
        printf "grading: %d students of the roster have no graded submission (rows marked in the last column)\n", nosub > "/dev/stderr"
}' </dev/null

# Files of a line per finding, gathered from each student's, in name order.
for student in $students; do
    cat "$out/reports/$student/suspicious.txt" 2>/dev/null
done >"$out/suspicious.txt"
for student in $students; do
    cat "$out/reports/$student/not-graded.txt" 2>/dev/null
done >"$out/not-graded.txt"
unsandboxed=$(for student in $students; do
                  [ -f "$out/reports/$student/unsandboxed" ] && echo "$student"
              done)
rm -f "$out/UNSANDBOXED"
if [ -n "$unsandboxed" ]; then
    { echo "unsandboxed: these students were graded WITHOUT a sandbox:"
      echo "$unsandboxed" | sed 's/^/  /'; } >"$out/UNSANDBOXED"
fi
if [ -s "$out/not-graded.txt" ]; then
    exit 1
fi
rm -f "$out/not-graded.txt"
exit 0
