#!/bin/sh
# answer-free.sh - proves that a student edition gives no answer away: no line that only a
# reference solution has appears anywhere in it, in any file (code, READMEs, hints, slides,
# workflows), even inside a longer line.
#
#   sh edition/answer-free.sh KIT EDITION
#   sh edition/answer-free.sh --secrets KIT     print the lines it looks for
#
# A solution's secret lines are its lines (spaces at the ends dropped, runs of spaces made one)
# that its TODO stub does not have, that no file handed out anyway has, whole or inside a longer
# line (the C files of the lessons and of common/, and the visible tests: code every student
# gets; not the hints or READMEs, which are what is checked), and that are long enough to say
# something: at least 12 letters, digits and underscores, so that `return 0;` or `}` is no
# secret. Also checked: no solutions/, wrong/ or hidden/ folder, no file named as a wrong
# version or a hidden test, and nothing under build/.
# Prints each leak as EDITION_FILE:LINE: the solution line it contains; exit status 1 if any.
set -u
list_secrets=no
if [ "${1:-}" = --secrets ] && [ $# = 2 ]; then
    list_secrets=yes
    set -- "$2" "$2"
fi
if [ $# -ne 2 ] || [ ! -d "$1/solutions" ] || [ ! -d "$2" ]; then
    echo "usage: sh edition/answer-free.sh KIT EDITION   or   sh edition/answer-free.sh --secrets KIT" >&2
    exit 2
fi
kit=$(cd "$1" && pwd)
edition=$(cd "$2" && pwd)
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT

normalize() {
    sed 's/^[[:space:]]*//; s/[[:space:]]*$//; s/[[:space:]][[:space:]]*/ /g' "$@"
}

# What every student has anyway.
find "$kit/lessons" "$kit/common" -type f -name '*.[ch]' -print0 | xargs -0 cat | normalize |
    sort -u >"$work/given"
cat "$kit"/tests/[0-9][0-9]-*/*.c | normalize | sort -u >>"$work/given"
sort -u -o "$work/given" "$work/given"

# The secret lines of every solution.
for solution in "$kit"/solutions/*/*; do
    normalize "$solution"
done | sort -u |
    awk 'length($0) > 0 { line = $0; n = gsub(/[A-Za-z0-9_]/, "", line); if (n >= 12) print }' |
    comm -23 - "$work/given" >"$work/candidates"
# A candidate that given code holds inside a longer line (`if (errno == EAGAIN)` in
# `} else if (errno == EAGAIN) {`) is handed out too.
grep -o -F -f "$work/candidates" "$work/given" | sort -u >"$work/inside-given"
comm -23 "$work/candidates" "$work/inside-given" >"$work/secrets"
secrets=$(wc -l <"$work/secrets")
[ "$secrets" -gt 0 ] || { echo "answer-free: found no solution line to look for" >&2; exit 2; }
[ "$list_secrets" = no ] || { cat "$work/secrets"; exit 0; }

status=0
# Folders and files that must not be there at all.
found=$(cd "$edition" && find . -path ./.git -prune -o \
        \( -name solutions -o -name wrong -o -name hidden -o -name build -o -name '*.patch' \) -print)
if [ -n "$found" ]; then
    echo "$found" | sed 's|^\./|answer-free: must not be in the edition: |'
    status=1
fi

# Every text file, every line, for every secret line.
leaks=$(cd "$edition" && find . -path ./.git -prune -o -type f -print | sed 's|^\./||' | sort |
    while read -r file; do
        grep -Iq . "$file" 2>/dev/null || continue     # binary, or empty
        normalize "$file" | grep -n -F -f "$work/secrets" | sed "s|^|$file:|"
    done)
if [ -n "$leaks" ]; then
    echo "answer-free: lines of the reference solutions found in $edition:"
    echo "$leaks" | head -n "${KIT_LEAKS_SHOWN:-40}" | sed 's/^/  /'
    [ "$(echo "$leaks" | wc -l)" -gt "${KIT_LEAKS_SHOWN:-40}" ] &&
        echo "  ... and $(($(echo "$leaks" | wc -l) - ${KIT_LEAKS_SHOWN:-40})) more"
    status=1
fi
[ "$status" = 0 ] &&
    echo "answer-free: none of the $secrets lines that only the reference solutions have is in $edition"
exit $status
