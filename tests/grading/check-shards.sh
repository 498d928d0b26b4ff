#!/bin/sh
# check-shards.sh - checks grading a class on several machines, and the class's files: a small
# class of lesson 01 graded whole, then as three shards (SHARD=1/3, 2/3, 3/3) merged, must give
# the same reports, scores.csv, exercises.csv and suspicious.txt, byte for byte; merging shards
# that do not go together is refused; a STUDENT= regrade changes that student's score and
# nobody else's reports, and drops a student no longer in the class; exercises.csv adds up to
# every student's scores.tsv; a roster CSV gives the rows and columns it should; bad SHARD
# values are refused with the usage.
#
#   sh tests/grading/check-shards.sh        (check-class.sh runs it: make test-grading)
#
# One line per check (ok or FAIL), then a count; exit status 0 only if all passed. Takes about
# as long as grading five students of lesson 01 twice over (a few minutes on 2 cores).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
export LC_ALL=C
KIT_LIMIT_WALL_SECONDS=${KIT_LIMIT_WALL_SECONDS:-120}
export KIT_LIMIT_WALL_SECONDS
jobs=$(nproc)
out=build/grade-all
work=build/check-shards
class=$work/class
failures=0
successes=0
check() {   # check OK|FAIL WHAT
    echo "$1 $2"
    if [ "$1" = ok ]; then successes=$((successes + 1)); else failures=$((failures + 1)); fi
}
finish() {
    rm -rf "$out/shards"
    echo "check-shards: $successes passed, $failures failed"
    [ "$failures" = 0 ]
    exit
}
# checksums DIR: a line per file under DIR, its checksum and path, in path order.
checksums() {
    (cd "$1" && find . -type f | sort | xargs md5sum)
}

# Five students of the sample class whose grading comes out the same every time (no race, no
# time measured in a reason), so that two gradings can be compared byte for byte: full marks,
# two untouched, one that does not compile, and one that calls exit() (partly right, and
# suspicious). Three shards of five: two, two and one.
rm -rf "$work"
mkdir -p "$work"
sh tests/grading/make-class.sh "$work/source" honest >/dev/null || exit 1
mkdir -p "$class"
for student in correct-kit untouched-empty untouched-kit broken-compile-error broken-calls-exit; do
    cp -R "$work/source/$student" "$class/"
done
rm -rf "$work/source"
# Shards left from an earlier grading would make the merge refuse (and rightly).
rm -rf "$out/shards"

# ---- bad arguments, refused before anything is graded ---------------------------------------

bad=""
for shard in 0/3 4/3 1/0 a/b 3 /3 1/ 1/3/4 01/3 -1/3; do
    sh grading/grade-all.sh --shard "$shard" "$class" "$jobs" 01-threads >/dev/null 2>"$work/err"
    status=$?
    if [ "$status" != 2 ] || ! grep -q '^usage: ' "$work/err"; then
        bad="$bad SHARD=$shard (status $status)"
    fi
done
[ -z "$bad" ] && check ok "bad SHARD values refused with the usage and status 2" ||
    check FAIL "bad SHARD values not refused:$bad"
make -s grade-all SUBMISSIONS="$class" LESSON=01-threads SHARD=5/4 >/dev/null 2>"$work/err"
status=$?
[ "$status" = 2 ] && grep -q 'no shard 5 of 4' "$work/err" &&
    check ok "make grade-all SHARD=5/4: refused (status 2): $(grep -v -e '^make' -e '^usage' "$work/err" | tail -n 1)" ||
    check FAIL "make grade-all SHARD=5/4: status $status: $(tr '\n' ' ' <"$work/err")"
refused() {   # refused WHAT ARGUMENT...: grade-all with them must exit 2
    what=$1
    shift
    sh grading/grade-all.sh "$@" >/dev/null 2>"$work/err"
    status=$?
    [ "$status" = 2 ] && check ok "$what: refused: $(grep -v '^usage' "$work/err" | head -n 1)" ||
        check FAIL "$what: status $status, not 2"
}
refused "SHARD with STUDENT" --shard 1/2 --student correct-kit "$class" "$jobs" 01-threads
refused "SHARD with ROSTER" --shard 1/2 --roster /dev/null "$class" "$jobs" 01-threads
refused "STUDENT not in the class" --student nobody "$class" "$jobs" 01-threads

# ---- one run, then three shards and their merge ---------------------------------------------

started=$(date +%s)
sh grading/grade-all.sh "$class" "$jobs" 01-threads >"$work/whole.log" 2>&1 ||
    { cat "$work/whole.log"; check FAIL "grade-all of the class failed"; finish; }
whole_seconds=$(($(date +%s) - started))
rm -rf "$work/whole"
cp -R "$out" "$work/whole"
started=$(date +%s)
for shard in 1 2 3; do
    sh grading/grade-all.sh --shard "$shard/3" "$class" "$jobs" 01-threads >"$work/shard-$shard.log" 2>&1 ||
        { cat "$work/shard-$shard.log"; check FAIL "grade-all SHARD=$shard/3 failed"; finish; }
done
shard_seconds=$(($(date +%s) - started))
# Student k of the class (in name order) goes to shard (k-1) mod 3 + 1.
wrong=$(ls "$class" | awk '{ print $1, (NR - 1) % 3 + 1 }' | while read -r student shard; do
            [ -d "$out/shards/$shard-of-3/reports/$student" ] || echo "$student not in shard $shard"
            for other in 1 2 3; do
                [ "$other" != "$shard" ] && [ -d "$out/shards/$other-of-3/reports/$student" ] &&
                    echo "$student also in shard $other"
            done
        done)
[ -z "$wrong" ] && check ok "each of 5 students in its shard, in name order round the 3 shards (${shard_seconds}s for the 3, ${whole_seconds}s whole)" ||
    check FAIL "students in the wrong shards: $(echo $wrong)"

# Shards that do not go together: refused, naming them, and build/grade-all left as it was.
checksums "$out" >"$work/before"
refused_merge() {   # refused_merge WHAT MESSAGE_PART SHARD_DIR...
    what=$1
    part=$2
    shift 2
    sh grading/grade-merge.sh "$@" >/dev/null 2>"$work/err"
    status=$?
    if [ "$status" = 2 ] && grep -q "$part" "$work/err" && checksums "$out" | cmp -s - "$work/before"; then
        check ok "merge refused, $what: $(head -n 1 "$work/err" | cut -c 1-150)"
    else
        check FAIL "merge of $what: status $status, '$(head -n 1 "$work/err")', or build/grade-all changed"
    fi
}
shards=$out/shards
refused_merge "a shard missing" "shards missing, of 3: 2" "$shards/1-of-3" "$shards/3-of-3"
cp -R "$shards/1-of-3" "$work/copy-of-1"
refused_merge "overlapping shards" "overlap" "$shards/1-of-3" "$work/copy-of-1" "$shards/2-of-3" "$shards/3-of-3"
echo 02-races >"$work/copy-of-1/lessons.txt"
refused_merge "different lessons" "different lessons" "$work/copy-of-1" "$shards/2-of-3" "$shards/3-of-3"
mv "$work/copy-of-1/shard.txt" "$work/copy-of-1/shard-wanted.txt"
refused_merge "a shard that did not finish" "did not finish" "$work/copy-of-1" "$shards/2-of-3" "$shards/3-of-3"
rm -rf "$work/copy-of-1"

# The merge: every shard folder in build/grade-all/shards.
if sh grading/grade-merge.sh >"$work/merge.log" 2>&1; then
    check ok "grade-merge of the 3 shards succeeded"
else
    cat "$work/merge.log"
    check FAIL "grade-merge of the 3 shards failed"
fi
differ=$(diff -r -x logs -x 'timing.*' -x shards "$work/whole" "$out" 2>&1 | head -n 5)
[ -z "$differ" ] &&
    check ok "merged shards = one run: reports/, results/, scores.csv, exercises.csv, suspicious.txt, class.txt, lessons.txt identical" ||
    check FAIL "merged shards differ from one run: $differ"
grep -q '^broken-calls-exit ' "$out/suspicious.txt" &&
    check ok "the merged suspicious.txt names broken-calls-exit" ||
    check FAIL "the merged suspicious.txt does not name broken-calls-exit"
for file in "$work/whole/timing.txt" "$out/timing.txt"; do
    grep -q '^  students graded  *5' "$file" && grep -q 'on 1 machine ' "$file" &&
        check ok "$file: students graded, seconds per student, 200 students projected" ||
        check FAIL "$file: not the timing expected: $(head -n 3 "$file" 2>/dev/null | tr '\n' ' ')"
done

# ---- exercises.csv adds up to every student's scores.tsv -------------------------------------

# adds_up CSV: every row's exercise columns add up to the lesson's total, which is the
# student's scores.tsv; the lessons' totals add up to the total, the sum of scores.tsv.
adds_up() {
    awk -F, -v out="$out" '
        NR == 1 { for (i = 1; i <= NF; i++) name[i] = $i; width = NF; next }
        $1 == "max" { next }
        {
            student = $1; rows++
            delete sum; total = 0
            while ((getline line < (out "/reports/" student "/scores.tsv")) > 0) {
                split(line, f, "\t"); tsv[f[1]] = f[4]; tsv_total += f[4]; lessons[f[1]] = 1
            }
            close(out "/reports/" student "/scores.tsv")
            for (i = 2; i < width; i++) {
                split(name[i], part, " ")
                if (part[2] == "total") {
                    if (sprintf("%.2f", sum[part[1]]) != $i) bad = bad " " student ":" part[1] "(exercises " sum[part[1]] " != " $i ")"
                    if ($i != tsv[part[1]]) bad = bad " " student ":" part[1] "(" $i " != scores.tsv " tsv[part[1]] ")"
                    total += $i
                } else sum[part[1]] += $i
            }
            if (sprintf("%.2f", total) != $width || $width != sprintf("%.2f", tsv_total))
                bad = bad " " student ":total(" $width ", lessons " total ", scores.tsv " tsv_total ")"
            tsv_total = 0
        }
        END { if (bad != "" || rows == 0) { print (rows ? bad : "no rows"); exit 1 } print rows }' "$1"
}
if result=$(adds_up "$out/exercises.csv"); then
    check ok "exercises.csv: each of $result students' exercises add up to their lesson totals and total, as in scores.tsv"
else
    check FAIL "exercises.csv does not add up:$result"
fi
header=$(head -n 1 "$out/exercises.csv")
[ "$header" = "student,01-threads 1,01-threads 2,01-threads 3,01-threads total,total" ] &&
    check ok "exercises.csv columns: $header" || check FAIL "exercises.csv columns: $header"
max=$(awk -F, '$1 == "max" { print $NF }' "$out/exercises.csv")
[ "$max" = "$(awk -F, '$1 == "max" { print $NF }' "$out/scores.csv")" ] && [ -n "$max" ] &&
    check ok "exercises.csv and scores.csv: the same points possible ($max)" ||
    check FAIL "exercises.csv's points possible ($max) are not scores.csv's"

# ---- a roster ----------------------------------------------------------------------------------

# GitHub Classroom's export: quoted, a comma in a name, a username in other case, a student who
# handed nothing in, one who never linked an account; as saved from a spreadsheet (BOM, CRLF).
roster=$work/roster.csv
printf '\357\273\277"identifier","github_username","github_id","name"\r\n' >"$roster"
printf '"x@uni.edu","broken-calls-exit","11","Exit, B."\r\n' >>"$roster"
printf '"c@uni.edu","Correct-Kit","12","Correct ""C"" Kit"\r\n' >>"$roster"
printf '"g@uni.edu","ghost","13","Ghost"\r\n' >>"$roster"
printf '"u@uni.edu","","","Unlinked"\r\n' >>"$roster"
cp "$out/scores.csv" "$work/scores-no-roster.csv"
if sh grading/grade-merge.sh --roster "$roster" >"$work/roster.log" 2>"$work/roster.err"; then
    expected='identifier,github_username,github_id,name,01-threads 1,01-threads 2,01-threads 3,01-threads total,total,note
x@uni.edu,broken-calls-exit,11,"Exit, B.",2.00,0.80,4.00,6.80,6.80,
c@uni.edu,Correct-Kit,12,"Correct ""C"" Kit",2.00,4.00,4.00,10.00,10.00,
g@uni.edu,ghost,13,Ghost,,,,,,no submission
u@uni.edu,,,Unlinked,,,,,,no submission
,broken-compile-error,,,0.00,0.00,0.00,0.00,0.00,not in the roster
,untouched-empty,,,0.00,0.00,0.00,0.00,0.00,not in the roster
,untouched-kit,,,0.00,0.00,0.00,0.00,0.00,not in the roster
max,,,,2,4,4,10,10,points possible'
    if [ "$(cat "$out/exercises.csv")" = "$expected" ]; then
        check ok "roster: its columns and rows first, no submission and not in the roster marked"
    else
        check FAIL "roster: exercises.csv is not as expected:"
        diff "$out/exercises.csv" - <<EOF | sed 's/^/    /'
$expected
EOF
    fi
    grep -q 'WARNING: submissions not in the roster.*broken-compile-error' "$work/roster.err" &&
        check ok "roster: a warning names the submissions not in it" ||
        check FAIL "roster: no warning of the submissions not in it: $(cat "$work/roster.err")"
    # The same scores with a roster and without.
    # (A name may hold a comma: the scores are counted from the end of the row.)
    awk -F, 'NR > 1 { print $2 "," $(NF - 2) "," $(NF - 1) }' "$out/scores.csv" | grep -v '^,' |
        sed 's/^Correct-Kit/correct-kit/' |
        sort >"$work/a"
    awk -F, 'NR > 1 && $1 != "max" { print $1 "," $2 "," $3 }' "$work/scores-no-roster.csv" | sort >"$work/b"
    comm -13 "$work/a" "$work/b" | grep -q . &&
        check FAIL "roster: scores.csv's scores differ from those without a roster: $(comm -3 "$work/a" "$work/b" | tr '\n' ' ')" ||
        check ok "roster: scores.csv has every student's scores as without a roster"
else
    check FAIL "grade-merge ROSTER=... failed: $(cat "$work/roster.err")"
fi
printf 'First Name,Last Name,SID,Email\nA,B,1,a@b.c\n' >"$work/no-key.csv"
sh grading/grade-merge.sh --roster "$work/no-key.csv" >/dev/null 2>"$work/err"
status=$?
[ "$status" = 2 ] && grep -q 'no column github_username or student' "$work/err" &&
    check ok "a roster without a github_username or student column: refused (status 2)" ||
    check FAIL "a roster without a github_username or student column: status $status"
sh grading/grade-merge.sh >/dev/null 2>&1   # the class's files again, without the roster

# ---- a student regraded ------------------------------------------------------------------------

# correct-kit hands in the stub instead; broken-calls-exit leaves the class.
checksums "$out/reports" | grep -v -e ' ./correct-kit/' -e ' ./broken-calls-exit/' >"$work/others-before"
cp -R "$class" "$work/class-later"
cp lessons/01-threads/parallel_map.c "$work/class-later/correct-kit/lessons/01-threads/parallel_map.c"
rm -rf "$work/class-later/broken-calls-exit"
refused "STUDENT= with lessons other than the class's" --student correct-kit "$work/class-later" "$jobs" 02-races
if sh grading/grade-all.sh --student correct-kit "$work/class-later" "$jobs" 01-threads \
        >"$work/regrade.log" 2>&1; then
    check ok "grade-all STUDENT=correct-kit succeeded"
else
    cat "$work/regrade.log"
    check FAIL "grade-all STUDENT=correct-kit failed"
fi
checksums "$out/reports" | grep -v -e ' ./correct-kit/' >"$work/others-after"
cmp -s "$work/others-before" "$work/others-after" &&
    check ok "regrade: every other student's reports unchanged (checksums of $(grep -c . "$work/others-after") files)" ||
    check FAIL "regrade: other students' reports changed: $(diff "$work/others-before" "$work/others-after" | grep '^[<>]' | head -n 3 | tr '\n' ' ')"
before=$(awk -F, '$1 == "correct-kit" { print $NF }' "$work/whole/scores.csv")
after=$(awk -F, '$1 == "correct-kit" { print $NF }' "$out/scores.csv")
[ "$before" = 10.00 ] && [ "$after" = 0.00 ] &&
    check ok "regrade: correct-kit's score went from $before to $after with the stub handed in" ||
    check FAIL "regrade: correct-kit's score went from $before to $after, not 10.00 to 0.00"
gone=""
for file in scores.csv exercises.csv suspicious.txt; do
    grep -q 'broken-calls-exit' "$out/$file" && gone="$gone $file"
done
[ -d "$out/reports/broken-calls-exit" ] && gone="$gone reports/"
[ -z "$gone" ] && check ok "regrade: broken-calls-exit, no longer in the class, is in no file" ||
    check FAIL "regrade: broken-calls-exit, no longer in the class, is still in:$gone"
if result=$(adds_up "$out/exercises.csv"); then
    check ok "exercises.csv after the regrade: adds up to scores.tsv for $result students"
else
    check FAIL "exercises.csv after the regrade does not add up:$result"
fi

finish
