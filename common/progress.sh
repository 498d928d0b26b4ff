#!/bin/sh
# progress.sh - how far a student is: each exercise of the lessons done, started or not
# started, with its points, from the latest results. Only a lesson whose files changed since its
# results were written (common/fingerprint.sh) is graded again, as `make check` grades it, race
# check included; the others are not run at all.
#
#   sh common/progress.sh IMPL LESSON...          the table (`make progress`)
#   sh common/progress.sh --update IMPL LESSON    only brings the lesson's results up to date
#   sh common/progress.sh --bar IMPL LESSON [LIVE]   one line: the lesson's bar, points and
#                                                 exercises, from its results as they are
#   sh common/progress.sh --next IMPL LESSON [LIVE]  the number of the first exercise not done
#                                                 yet, or nothing when all are
# LIVE: newer rows of exercises.tsv for some exercises (`make watch` keeps them, from its runs
# of `make check EX=N`), counted in place of those exercises' rows in the results.
#
# An exercise is done when every one of its tests passes; started when some pass, or when its
# files have changed since they were handed out (git: in the student edition, its first commit;
# in the kit's own repository, HEAD); not started otherwise.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
mode=table
case "${1:-}" in
    --update|--bar|--next) mode=${1#--}; shift ;;
esac
impl=$1
shift
live=""
reports="$top/build/reports/$impl"
mkdir -p "$reports"

# ---- Results brought up to date (--bar and --next only read them) ---------------------------
if [ "$mode" = bar ] || [ "$mode" = next ]; then
    live=${2:-}
    set -- "$1"
else
    stale=""
    for lesson in "$@"; do
        if [ ! -f "$reports/$lesson.results" ] ||
           [ "$(cat "$reports/$lesson.inputs" 2>/dev/null)" != \
             "$(sh "$top/common/fingerprint.sh" "$impl" "$lesson")" ]; then
            stale="$stale $lesson"
        fi
    done
    if [ -n "$stale" ]; then
        [ "$mode" = table ] && echo "Grading again what changed since its last results:$stale"
        # Exactly as `make check` grades, whatever this shell was asked to leave out.
        env -u KIT_EXERCISE -u KIT_TEST -u SANITIZE sh "$top/common/grade.sh" "$impl" $stale \
            >"$reports/progress.log" 2>&1
    fi
    # Every lesson's exercises scored from its latest results, by the kit's one piece of code
    # that turns results into points; this also makes summary.json whole again.
    # shellcheck disable=SC2046
    sh "$top/common/scores.sh" "$reports" "$impl" $(cd "$top/lessons" && ls -d [0-9][0-9]-*) \
        >/dev/null
fi
[ "$mode" = update ] && exit 0

# ---- Started: changed since handed out --------------------------------------------------------
handed_out=""
if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
    if [ -d "$top/solutions" ]; then
        handed_out=HEAD
    else
        handed_out=$(git -C "$top" rev-list --max-parents=0 HEAD 2>/dev/null | tail -n 1)
    fi
fi
# changed_since_handed_out LESSON EXERCISE: whether a file that held the exercise's TODOs when
# it was handed out is different now.
changed_since_handed_out() {
    [ "$impl" = lessons ] && [ -n "$handed_out" ] || return 1
    for file in $(make -s --no-print-directory -C "$top/lessons/$1" print-exercise-files); do
        path=lessons/$1/$file
        git -C "$top" show "$handed_out:$path" 2>/dev/null | grep -q "TODO(exercise $2)" ||
            continue
        git -C "$top" diff --quiet "$handed_out" -- "$path" 2>/dev/null || return 0
    done
    return 1
}

# exercises LESSON: a line per exercise, "NUMBER TESTS PASSED POINTS EARNED STATUS", its hidden
# tests counted with it; an exercise that LIVE has results of is counted from LIVE instead.
exercises() {
    [ -f "$reports/exercises.tsv" ] || : >"$reports/exercises.tsv"
    awk -F'\t' -v lesson="$1" -v live="$live" '
        FILENAME == live {
            if ($1 == lesson && $3 > 0) fresh[$2] = $0
            next
        }
        $1 == lesson && $2 != "given" {
            if ($2 in fresh) split(fresh[$2], row, "\t")
            else split($0, row, "\t")
            number = $2
            sub(/ hidden$/, "", number)
            if (!(number in points)) order[++count] = number
            tests[number] += row[3]; passed[number] += row[4]
            points[number] += row[5]; earned[number] += row[6]
        }
        END {
            for (i = 1; i <= count; i++) {
                n = order[i]
                printf "%s %d %d %g %.2f\n", n, tests[n], passed[n], points[n], earned[n]
            }
        }' ${live:+"$live"} "$reports/exercises.tsv" | sort -n |
    while read -r number tests passed points earned; do
        if [ "$tests" -gt 0 ] && [ "$passed" = "$tests" ]; then
            status=done
        elif [ "$passed" -gt 0 ] || changed_since_handed_out "$1" "$number"; then
            status=started
        else
            status=not-started
        fi
        echo "$number $tests $passed $points $earned $status"
    done
}

# bar LESSON EXERCISES: "[#####---------------]   4.00/14"
bar() {
    echo "$2" | awk '{ points += $4; earned += $5 }
        END {
            width = 20
            filled = points > 0 ? int(width * earned / points + 0.5) : 0
            line = "["
            for (i = 1; i <= width; i++) line = line (i <= filled ? "#" : "-")
            printf "%s]  %6.2f/%g", line "", earned, points
        }'
}

if [ "$mode" = next ]; then
    exercises "$1" | awk '$6 != "done" { print $1; exit }'
    exit 0
fi

if [ "$mode" = bar ]; then
    list=$(exercises "$1")
    printf '  %s  %s points   ' "$1" "$(bar "$1" "$list")"
    echo "$list" | awk '{ printf "%s%s %s", (NR > 1 ? ", " : ""), $1, $6 }
        END { print "" }' | sed 's/not-started/not started/g; s/^/exercise /'
    exit 0
fi

# ---- The table --------------------------------------------------------------------------------
echo "Progress of $impl/ (from build/reports/$impl/; 'make check' shows why a test fails):"
total_points=0
total_earned=0
next=""
for lesson in "$@"; do
    list=$(exercises "$lesson")
    note=""
    [ -f "$reports/$lesson.note" ] && note="  ($(head -n 1 "$reports/$lesson.note"))"
    summary=$(echo "$list" | awk '{ count[$6]++ } END {
        if (count["done"] == NR) print "all done"
        else if (count["not-started"] == NR) print "not started"
        else printf "%d of %d exercises done", count["done"], NR }')
    printf '  %-16s %s  %s%s\n' "$lesson" "$(bar "$lesson" "$list")" "$summary" "$note"
    # The exercises of a lesson under way, one by one.
    case "$summary" in
        "all done"|"not started") ;;
        *) echo "$list" | awk '{
               status = $6; sub(/-/, " ", status)
               detail = (status == "started" && $3 > 0) ? sprintf("%d of %d tests pass", $3, $2) : ""
               printf "      exercise %-3s %-12s %6.2f/%-4g %s\n", $1, status, $5, $4, detail }' ;;
    esac
    [ -z "$next" ] && next=$(echo "$list" | awk -v lesson="$lesson" \
        '$6 != "done" { print "exercise " $1 " of " lesson; exit }')
    total_points=$(echo "$list" | awk -v sum="$total_points" '{ sum += $4 } END { printf "%g", sum }')
    total_earned=$(echo "$list" | awk -v sum="$total_earned" '{ sum += $5 } END { printf "%.2f", sum }')
done
printf '  Points: %s/%s.' "$total_earned" "$total_points"
if [ -n "$next" ]; then
    lesson=${next##* of }
    exercise=${next#exercise }
    exercise=${exercise%% of*}
    echo " Next: $next (cd lessons/$lesson && make watch EX=$exercise)"
else
    echo " Every exercise done."
fi
