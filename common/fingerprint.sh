#!/bin/sh
# fingerprint.sh - one line that changes whenever anything a lesson's grade depends on changes:
# the student's files and the lesson's, its tests, the kit's runtime, the points, and the
# earlier lessons' files it builds on. grade.sh writes it beside a lesson's results, and
# `make progress` grades again only a lesson whose fingerprint is not the one its results have.
#
#   sh common/fingerprint.sh IMPL LESSON
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
impl=$1
lesson=$2
cd "$top" || exit 1
builds_on=$(make -s --no-print-directory -C "lessons/$lesson" print-builds-on 2>/dev/null)
{
    for file in $builds_on; do
        # Either copy may be the one the lesson's Makefile takes.
        echo "lessons/$file"
        [ -f "solutions/$file" ] && echo "solutions/$file"
    done
    find "lessons/$lesson" "tests/$lesson" common -type f \
        \( -name '*.c' -o -name '*.h' -o -name Makefile -o -name '*.mk' \) 2>/dev/null
    [ "$impl" = solutions ] && find "solutions/$lesson" -type f -name '*.[ch]'
    echo tests/points
} | LC_ALL=C sort | while read -r file; do
    printf '%s ' "$file"
    cksum <"$file" 2>/dev/null || echo missing
done | cksum | cut -d' ' -f1
