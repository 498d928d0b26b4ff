#!/bin/sh
# check-class.sh - grades the sample class of make-class.sh twice and checks the CSVs: once
# without the hostile students, then with them.
#
#   sh tests/grading/check-class.sh        (run by `make test-grading`)
#
# Without the hostile students: the correct copies get full marks, the untouched and
# uncompilable ones 0, every broken or wrong one less than full marks, every student has a row,
# and every failed test says why.
#
# With them (tests/grading/hostile/NAME.c, each a parallel_map.c that attacks the grader, each
# saying in its header what it tries and what it leaves if it succeeds), every attack must fail:
#   - every honest student's row is byte-identical to their row of the class without attackers;
#   - every hostile student built on the untouched stub scores 0. Two are built on the reference
#     solution (leave-process, hold-output-pipe): they may legitimately pass every test, so
#     their score only must not go above full marks, and their evidence checks are what count.
#     forge-in-runner forges results from a constructor inside the test runner, which no
#     sandbox can stop (common/results_channel.h). The grader catches this one (it sends a test
#     twice), but a more careful forger would not be: its score is printed, not checked, and
#     the report of suspicious submissions must name it;
#   - no evidence of any attack: no solution text in build/grade-all, no hostile-was-here-*
#     marker on the machine, no connection to the loopback listener, no disk lost, no log
#     over the output limit, no hostile process alive afterwards;
#   - the class with attackers ends within the time of the class without them, plus one
#     student's wall-clock limit, plus a margin for the hostile students' own grading; and
#     (where grade-all prints it) no student took longer than the wall-clock limit;
#   - build/grade-all/suspicious.txt names every hostile student.
# One line per check (ok or FAIL), then the verdict; the exit status is 0 only if all passed.
# Then tests/grading/check-shards.sh: a small class graded whole, and in three shards merged,
# gives the same files; a STUDENT= regrade; exercises.csv; a roster; bad SHARD values.
# KIT_CHECK_HOSTILE=no grades only the class without attackers (quicker, and the only safe
# choice with a grader that has no sandbox).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1

# A short wall-clock limit for the test class: one student of lesson 01 takes well under it.
KIT_LIMIT_WALL_SECONDS=${KIT_LIMIT_WALL_SECONDS:-120}
export KIT_LIMIT_WALL_SECONDS
[ -f grading/limits ] && . grading/limits
output_limit_kb=${KIT_LIMIT_OUTPUT_KB:-4096}
jobs=$(nproc)
grader=grading/grade-all.sh
out=build/grade-all
failures=0
successes=0
check() {   # check OK|FAIL WHAT
    echo "$1 $2"
    if [ "$1" = ok ]; then successes=$((successes + 1)); else failures=$((failures + 1)); fi
}

# grade CLASS: grades a class, prints the seconds it took.
grade() {
    started=$(date +%s)
    sh "$grader" "$1" "$jobs" 01-threads >"$1.grading.log" 2>&1
    status=$?
    echo "$(($(date +%s) - started)) $status"
}

# ---- the class without attackers ------------------------------------------------------------

sh tests/grading/make-class.sh build/sample-class-honest honest || exit 1
if [ -n "${KIT_HONEST_SECONDS:-}" ] && [ -f build/sample-class-honest.csv ]; then
    # KIT_HONEST_SECONDS=N: reuse the class without attackers graded by an earlier run (in N
    # seconds), to look at the attackers again quickly.
    honest_seconds=$KIT_HONEST_SECONDS
else
    set -- $(grade build/sample-class-honest)
    honest_seconds=$1
    [ "$2" = 0 ] || { cat build/sample-class-honest.grading.log; echo "FAIL: $grader failed"; exit 1; }
    cp "$out/scores.csv" build/sample-class-honest.csv
fi
students=$(ls build/sample-class-honest | wc -l)
if awk -F, -v students="$students" '
    NR == 1 { next }
    $1 == "max" { max = $2; next }
    { rows++; score[$1] = $2 }
    END {
        bad = 0
        if (rows != students) { print "  expected " students " rows, got " rows; bad = 1 }
        for (s in score) {
            want = ""
            if (s ~ /^correct-/ && score[s] != max) want = "full marks"
            if ((s ~ /^untouched-/ || s == "broken-compile-error") && score[s] != 0) want = "0"
            if (s ~ /^(wrong|broken)-/ && s != "broken-thread-left-running" && score[s] >= max)
                want = "less than full marks"
            if (s == "broken-thread-left-running" && score[s] != max)
                want = "full marks (a thread left asleep breaks nothing)"
            if (want != "") { print "  " s ": " score[s] ", expected " want; bad = 1 }
        }
        exit bad
    }' build/sample-class-honest.csv; then
    check ok "honest class: $students students graded in ${honest_seconds}s, scores as expected"
else
    check FAIL "honest class: scores not as expected (above)"
fi

# The results of every student, in either grader's layout.
results_files() {
    ls "$out"/reports/*/01-threads.results \
       "$out"/workspaces/*/build/reports/lessons/01-threads.results 2>/dev/null
}
if results_files | xargs grep -h '^FAIL' 2>/dev/null | awk -F'\t' '$4 == ""' | grep -q .; then
    check FAIL "honest class: some failed tests have no reason"
else
    check ok "honest class: every failed test has a reason"
fi

# ---- a class on several machines, a regrade, the CSVs -----------------------------------------

# A small class of its own, graded whole and in shards (tests/grading/check-shards.sh says
# what it checks); its lines are counted with these. KIT_CHECK_SHARDS=no leaves it out.
if [ "${KIT_CHECK_SHARDS:-yes}" != no ]; then
    sh tests/grading/check-shards.sh >build/check-shards.log 2>&1
    shards_status=$?
    grep -E '^(ok|FAIL) ' build/check-shards.log
    successes=$((successes + $(grep -c '^ok ' build/check-shards.log)))
    failures=$((failures + $(grep -c '^FAIL ' build/check-shards.log)))
    if [ "$shards_status" != 0 ] && ! grep -q '^FAIL ' build/check-shards.log; then
        check FAIL "tests/grading/check-shards.sh failed (status $shards_status): see build/check-shards.log"
    fi
fi

if [ "${KIT_CHECK_HOSTILE:-yes}" = no ]; then
    [ "$failures" = 0 ] && echo "PASS: the class without attackers" ||
        echo "FAIL: $failures checks failed"
    echo "test-grading: $successes passed, $failures failed"
    [ "$failures" = 0 ]
    exit
fi

# ---- the class with attackers ---------------------------------------------------------------

# KIT_HOSTILE="NAME..." grades only those attackers (make-class.sh reads it too).
hostile_names=${KIT_HOSTILE:-$(ls tests/grading/hostile | sed -n 's/\.c$//p')}
hostile_count=$(echo $hostile_names | wc -w)
solution_based="leave-process hold-output-pipe"
in_process="forge-in-runner"
process_names="hostile-leave hostile-hold hostile-bomb hostile-memhog"

# Where an escaped attacker writes (see hostile/*.c): searched before (stale things from an
# earlier run are removed) and after (anything there is evidence, and is removed too).
# find_evidence NAME_PATTERN: prints the matching files.
find_evidence() {
    {
        find "$top" -name "$1" -not -path "$top/build/grade-all/workspaces/hostile-*" \
            -not -path "$top/build/sample-class*" -not -path "$top/.git/*" 2>/dev/null
        for place in /tmp /var/tmp /dev/shm; do
            find "$place" -maxdepth 3 -name "$1" 2>/dev/null
        done
        for place in "${HOME:-/root}" /root /home /work "$(dirname "$top")"; do
            find "$place" -maxdepth 2 -name "$1" 2>/dev/null
        done
    } | grep -v "^$top/tests/grading/" | sort -u
}
clean_up() {
    for pattern in 'hostile-was-here-*' 'hostile-fill-*' 'hostile-lock-*'; do
        find_evidence "$pattern" | while read -r file; do rm -f "$file"; done
    done
}
hostile_processes() {
    for name in $process_names; do pgrep -x "$name"; done
    pgrep -f 'kit-grade-[^/]*/hostile-|sample-class/hostile-|workspaces/hostile-'
}

stale=$(for pattern in 'hostile-was-here-*' 'hostile-fill-*' 'hostile-lock-*'; do
            find_evidence "$pattern"; done | grep -c .)
[ "$stale" -gt 0 ] && echo "(removing $stale files left by an earlier run)"
clean_up
df_before=$(df -k --output=used "$top" /tmp | awk 'NR > 1 { sum += $1 } END { print sum }')

# A loopback listener on a port of 40000-40100 that nothing tells the students: it logs every
# connection, and stops by itself after 30 minutes if nobody stops it.
listener_log=$top/build/hostile-listener.log
: >"$listener_log"
python3 -c '
import random, socket, sys, time
log = open(sys.argv[1], "a")
ports = list(range(40000, 40101))
random.shuffle(ports)
server = socket.socket()
for port in ports:
    try:
        server.bind(("127.0.0.1", port))
        break
    except OSError:
        continue
server.listen(64)
server.settimeout(1)
print("listening on 127.0.0.1:%d" % port, file=sys.stderr, flush=True)
end = time.time() + 1800
while time.time() < end:
    try:
        connection, peer = server.accept()
    except socket.timeout:
        continue
    log.write("connection from %s:%d\n" % peer)
    log.flush()
    connection.close()
' "$listener_log" 2>build/hostile-listener.port &
listener=$!

sh tests/grading/make-class.sh build/sample-class || exit 1
set -- $(grade build/sample-class)
hostile_seconds=$1
grader_status=$2
# What is left of the attackers right after grade-all returned.
left=$(hostile_processes | sort -u | tr '\n' ' ')
csv=$out/scores.csv

kill "$listener" 2>/dev/null
wait "$listener" 2>/dev/null
echo "class with attackers: $(ls build/sample-class | wc -l) students graded in ${hostile_seconds}s by $grader, $(sed 's/^listening on //' build/hostile-listener.port)"
[ "$grader_status" = 0 ] && check ok "grade-all succeeded" ||
    check FAIL "grade-all failed with status $grader_status (see build/sample-class.grading.log)"

# Honest rows, byte for byte.
changed=$(grep -v '^hostile-' "$csv" | diff build/sample-class-honest.csv - | grep '^[<>]' |
          tr '\n' ' ')
[ -z "$changed" ] && check ok "every honest student's row is as in the class without attackers" ||
    check FAIL "honest rows changed: $changed"

# Scores of the hostile students.
max=$(awk -F, '$1 == "max" { print $NF }' "$csv")
for name in $hostile_names; do
    score=$(awk -F, -v s="hostile-$name" '$1 == s { print $NF; found = 1 } END { if (!found) print "none" }' "$csv")
    case " $solution_based " in
        *" $name "*)
            awk -v s="$score" -v m="$max" 'BEGIN { exit !(s != "none" && s + 0 <= m + 0) }' &&
                check ok "hostile-$name: score $score, at most full marks (built on the solution: its evidence is what counts)" ||
                check FAIL "hostile-$name: score $score, above full marks ($max) or missing"
            continue ;;
    esac
    case " $in_process " in
        *" $name "*)
            echo "note hostile-$name: score $score (code inside the runner: no sandbox stops it; the suspicious report must name it)"
            continue ;;
    esac
    awk -v s="$score" 'BEGIN { exit !(s == "" || s + 0 == 0) }' &&
        check ok "hostile-$name: score ${score:-empty}, 0 as it must be" ||
        check FAIL "hostile-$name: score $score, must be 0: the attack earned points"
done

# Each attack was tried: its grading started (a sandbox that could not start tried nothing,
# and its "ok" lines above mean nothing).
for name in $hostile_names; do
    log=$out/logs/hostile-$name.log
    if ! grep -q '^Grading ' "$log" 2>/dev/null || grep -q '^bwrap: ' "$log"; then
        check FAIL "hostile-$name: its tests never ran, so its attack was not tried: $(grep -v '^grade-all' "$out/logs/hostile-$name.log" 2>/dev/null | head -n 2 | tr '\n' ' ')"
    fi
done

# read-solutions: a line only the reference solution has.
solution_line='hold index * base items plus one for each of them'
leaked=$(grep -rlF "$solution_line" "$out" 2>/dev/null |
         grep -v -E "^$out/workspaces/[^/]+/lessons/01-threads/parallel_map\.c$" | tr '\n' ' ')
[ -z "$leaked" ] && check ok "read-solutions: no solution text anywhere in $out" ||
    check FAIL "read-solutions: the solution's text is in $leaked"

# write-outside and leave-process: markers anywhere the attackers could write.
markers=$(find_evidence 'hostile-was-here-*' | tr '\n' ' ')
[ -z "$markers" ] && check ok "write-outside, leave-process: no hostile-was-here-* file on this machine" ||
    check FAIL "write-outside, leave-process: markers: $markers"

# connect-port: the listener heard nobody.
[ -s "$listener_log" ] && check FAIL "connect-port: the loopback listener logged: $(tr '\n' ' ' <"$listener_log")" ||
    check ok "connect-port: no connection to the loopback listener"

# leave-process, hold-output-pipe, fork-bomb, memory-hog: nothing alive after grade-all.
[ -z "$left" ] && check ok "no process of a hostile student alive after grade-all" ||
    check FAIL "hostile processes alive after grade-all: $left"

# hold-output-pipe (and every other): time.
bound=$((honest_seconds + KIT_LIMIT_WALL_SECONDS + 30 + 20 * hostile_count / jobs))
[ "$hostile_seconds" -le "$bound" ] &&
    check ok "the class with attackers took ${hostile_seconds}s, within ${bound}s (${honest_seconds}s + ${KIT_LIMIT_WALL_SECONDS}s limit + margin)" ||
    check FAIL "the class with attackers took ${hostile_seconds}s, over ${bound}s"
slow=$(sed -n 's/^  graded \([^ ]*\) in \([0-9]*\) s$/\1 \2/p' build/sample-class.grading.log |
       awk -v limit="$KIT_LIMIT_WALL_SECONDS" '$2 > limit + 15 { printf "%s (%ss) ", $1, $2 }')
if grep -q '^  graded .* in [0-9]* s$' build/sample-class.grading.log; then
    [ -z "$slow" ] && check ok "every student graded within the wall-clock limit of ${KIT_LIMIT_WALL_SECONDS}s" ||
        check FAIL "graded over the wall-clock limit: $slow"
fi

# disk-filler: the host's disk.
df_after=$(df -k --output=used "$top" /tmp | awk 'NR > 1 { sum += $1 } END { print sum }')
grown=$(((df_after - df_before) / 1024))
fills=$(find_evidence 'hostile-fill-*' | grep -c .)
[ "$grown" -lt 512 ] && [ "$fills" = 0 ] &&
    check ok "disk-filler: the host's disk grew ${grown} MiB, no hostile-fill-* file left" ||
    check FAIL "disk-filler: the host's disk grew ${grown} MiB, $fills hostile-fill-* files left"

# output-flood: its log within the output limit.
log_bytes=$(wc -c <"$out/logs/hostile-output-flood.log" 2>/dev/null || echo 0)
[ "$log_bytes" -le $((output_limit_kb * 1024)) ] &&
    check ok "output-flood: its log is $log_bytes bytes, within ${output_limit_kb} KiB" ||
    check FAIL "output-flood: its log is $log_bytes bytes, over ${output_limit_kb} KiB"
du_kb=$(du -sk "$out" | cut -f1)
[ "$du_kb" -le $((output_limit_kb * 2 * $(ls build/sample-class | wc -l))) ] &&
    check ok "$out holds ${du_kb} KiB" || check FAIL "$out holds ${du_kb} KiB"

# fd-hog (and every stub-based attacker): every failed test says why.
missing=$(results_files | grep '/hostile-' | while read -r file; do
              awk -F'\t' '$1 == "FAIL" && $4 == "" { print FILENAME; exit }' "$file"; done |
          tr '\n' ' ')
[ -z "$missing" ] && check ok "every failed test of a hostile student has a reason" ||
    check FAIL "failed tests without a reason in: $missing"

# memory-hog: what it got, for the record (each process is limited, all of them together not).
touched=$(grep -ho 'HOSTILE memory-hog: touched [0-9]* MiB[^)]*)' "$out/logs/hostile-memory-hog.log" \
          "$out"/workspaces/hostile-memory-hog/build/reports/lessons/01-threads.log 2>/dev/null | head -n 1)
echo "note memory-hog: ${touched:-printed nothing}"

# The report of suspicious submissions names every hostile student.
if [ -f "$out/suspicious.txt" ]; then
    unnamed=""
    for name in $hostile_names; do
        grep -q "^hostile-$name " "$out/suspicious.txt" || unnamed="$unnamed hostile-$name"
    done
    [ -z "$unnamed" ] && check ok "suspicious.txt names every hostile student" ||
        check FAIL "suspicious.txt does not name:$unnamed"
else
    check FAIL "no $out/suspicious.txt"
fi

# Clean up after the attackers that got through: processes, markers, files.
for pid in $(hostile_processes); do kill -9 "$pid" 2>/dev/null; done
clean_up

if [ "$failures" = 0 ]; then
    echo "PASS: every attack failed, every honest score unchanged"
else
    echo "FAIL: $failures checks failed"
fi
echo "test-grading: $successes passed, $failures failed"
[ "$failures" = 0 ]
