#!/bin/sh
# hint.sh - prints the next hint for an exercise, one more each time it is asked.
#
#   sh common/hint.sh HINTS_DIR STATE_DIR EXERCISE
#
# HINTS_DIR/exerciseN.md holds the hints of exercise N, each under a line "## Hint K".
# STATE_DIR remembers how many hints of each exercise have been shown.
set -u
hints=$1
state=$2
exercise=$3

case "$exercise" in
    ''|*[!0-9]*)
        echo "usage: make hint EX=N   (N is the exercise number; see README.md)" >&2
        exit 2 ;;
esac
file="$hints/exercise$exercise.md"
if [ ! -f "$file" ]; then
    echo "hint: this lesson has no exercise $exercise" >&2
    exit 2
fi

mkdir -p "$state"
seen_file="$state/exercise$exercise"
seen=$(cat "$seen_file" 2>/dev/null || echo 0)
available=$(grep -c '^## Hint ' "$file")
next=$((seen + 1))
[ "$next" -gt "$available" ] && next=$available
echo "$next" >"$seen_file"

# Print every hint up to the next one, so the stronger hint comes with its context.
awk -v last="$next" '/^## Hint /{ shown++ } shown >= 1 && shown <= last' "$file"
if [ "$next" -lt "$available" ]; then
    echo
    echo "(hint $next of $available; run 'make hint EX=$exercise' again for a stronger one)"
else
    echo
    if [ -d "$(dirname "$0")/../solutions" ]; then
        echo "(that was the last hint; the reference solution is in solutions/, for after you try)"
    else
        echo "(that was the last hint; the lesson's README and its tests say the rest)"
    fi
fi
