#!/bin/sh
# watch.sh - `make watch`: the tests of the exercise a student is on, again after every save.
#
#   sh common/watch.sh IMPL LESSON [EXERCISE]
#
# The exercise is EXERCISE, or else the first of the lesson not done yet (common/progress.sh);
# when it is done, the watch moves on to the next. Each run shows only that exercise's
# failures (or the compiler's whole message), a one-line progress bar for the lesson, and the
# command for the next hint. It waits for a change with inotifywait (Debian's inotify-tools)
# where it is installed, and otherwise looks twice a second (KIT_WATCH_POLL=yes looks even
# where inotifywait is there). Ctrl-C ends it.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
impl=$1
lesson=$2
fixed=${3:-}
case "$fixed" in
    *[!0-9]*) echo "usage: make watch [EX=N]   (N is an exercise's number)" >&2; exit 2 ;;
esac
reports="$top/build/reports/$impl"

# What a save can change: the student's files (and the earlier lesson's that this one builds
# on), the lesson's own, its tests.
watched="$top/lessons/$lesson $top/tests/$lesson"
[ "$impl" = solutions ] && watched="$watched $top/solutions/$lesson"
for file in $(make -s --no-print-directory -C "$top/lessons/$lesson" print-builds-on); do
    watched="$watched $top/lessons/${file%%/*}"
done

# The watched files' names and contents, as one number: it changes when anything is saved.
signature() {
    # shellcheck disable=SC2086
    find $watched -type f \( -name '*.c' -o -name '*.h' \) 2>/dev/null | LC_ALL=C sort |
        xargs cat 2>/dev/null | cksum
}

# Waits until signature() is no longer $1. inotifywait wakes at once on a save; its timeout,
# and the signature, catch a save that came while the tests ran, before it was listening.
waiter=""
wait_for_change() {
    while [ "$(signature)" = "$1" ]; do
        if [ "${KIT_WATCH_POLL:-}" != yes ] && command -v inotifywait >/dev/null 2>&1; then
            # shellcheck disable=SC2086
            inotifywait -qq -r -t 2 -e close_write -e moved_to -e create -e delete $watched &
            waiter=$!
            wait "$waiter"
            waiter=""
        else
            sleep 0.5
        fi
    done
    sleep 0.1   # an editor that writes a file in several steps has finished
}

stop() {
    [ -n "$waiter" ] && kill "$waiter" 2>/dev/null
    echo
    echo "make watch: stopped."
    exit 0
}
trap stop INT TERM

if [ -t 1 ]; then clear_screen() { printf '\033[H\033[2J'; }; else clear_screen() { :; }; fi

# This watch's own results, an exercise's rows of exercises.tsv each, newer than the lesson's.
mkdir -p "$reports"
live="$reports/watch-$lesson.tsv"
: >"$live"
remember_results() {
    awk -F'\t' -v exercise="$exercise" '$2 != exercise && $2 != exercise " hidden"' "$live" \
        >"$live.new"
    awk -F'\t' -v exercise="$exercise" '$2 == exercise || $2 == exercise " hidden"' \
        "$reports/exercise-$exercise/exercises.tsv" >>"$live.new"
    mv "$live.new" "$live"
}

# The exercise to watch: EX, or the first not done, from the lesson's results (graded first if
# anything changed since they were written) and this watch's own.
choose_exercise() {
    [ -n "$fixed" ] && { exercise=$fixed; return; }
    [ "${1:-}" = update ] && sh "$top/common/progress.sh" --update "$impl" "$lesson" >/dev/null 2>&1
    exercise=$(sh "$top/common/progress.sh" --next "$impl" "$lesson" "$live")
}

if [ -z "$fixed" ]; then
    echo "make watch: looking at $lesson's exercises (the first run grades them all)..."
fi
choose_exercise update
[ -n "$fixed" ] && [ ! -f "$top/lessons/$lesson/hints/exercise$fixed.md" ] && {
    echo "make watch: $lesson has no exercise $fixed" >&2
    exit 2
}
while :; do
    before=$(signature)
    clear_screen
    if [ -z "$exercise" ]; then
        echo "make watch: every exercise of $lesson is done."
        sh "$top/common/progress.sh" --bar "$impl" "$lesson" "$live"
        echo
        echo "Watching for changes (Ctrl-C ends)."
        wait_for_change "$before"
        choose_exercise update
        continue
    fi
    echo "make watch: $lesson, exercise $exercise ($(date +%H:%M:%S))"
    # First the tests alone, for a quick answer; only when they all pass, again with the check
    # for races too (built with ThreadSanitizer, slower), which a grade includes.
    output=$(KIT_EXERCISE=$exercise KIT_RACE_CHECK=no sh "$top/common/grade.sh" "$impl" "$lesson" 2>&1)
    passed=$?
    if [ "$passed" = 0 ]; then
        echo "  Its tests pass; now the same built with ThreadSanitizer, for races..."
        output=$(KIT_EXERCISE=$exercise sh "$top/common/grade.sh" "$impl" "$lesson" 2>&1)
        passed=$?
    fi
    remember_results
    # The exercise's failures or the compiler's message, and its score line; not the headers.
    echo "$output" | grep -v -e '^Grading ' -e '^Reports: ' -e ' graded in [0-9.]* s$' -e '^$'
    sh "$top/common/progress.sh" --bar "$impl" "$lesson" "$live"
    if [ "$passed" = 0 ] && [ -z "$fixed" ]; then
        echo "Exercise $exercise is done. On to the next..."
        choose_exercise
        continue
    fi
    if [ "$passed" = 0 ]; then
        echo "Exercise $exercise is done."
    else
        echo "Stuck? make hint EX=$exercise"
    fi
    echo "Watching for changes (Ctrl-C ends)."
    wait_for_change "$before"
done
