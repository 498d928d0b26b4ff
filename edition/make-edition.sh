#!/bin/sh
# make-edition.sh - writes the student edition of the kit: a starter repository to hand out,
# with the lessons, the tests students may see, the hints, the slides' sources and the READMEs
# as students should read them, and without anything that gives an answer away.
#
#   sh edition/make-edition.sh DEST       (make release DEST=...)
#
# Left out: solutions/ (the reference solutions), tests/*/wrong/ (patches whose context lines
# are the solutions), tests/*/hidden/ (tests that only grading runs) and their lines in
# tests/points, grading/, edition/, the kit's own tests (tests/common, tests/grading,
# tests/student), and every build output. Markdown between the lines <!-- instructor --> and <!-- /instructor -->
# is for instructors and left out too (edition/strip-instructor.awk).
# Written in: the GitHub Classroom set-up, from the edition's own tests/points.
# DEST must not exist, or be an empty folder. It becomes a git repository with one commit,
# ready to push as a GitHub Classroom starter or template repository.
# edition/answer-free.sh then proves that no line of a reference solution made it in.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)

if [ $# -ne 1 ] || [ -z "$1" ]; then
    echo "usage: make release DEST=folder   (writes the student edition into folder)" >&2
    exit 2
fi
dest=$1
if [ -e "$dest" ] && [ -n "$(ls -A "$dest" 2>/dev/null)" ]; then
    echo "make-edition: $dest exists and is not empty; name a new folder" >&2
    exit 2
fi
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)
case "$dest/" in
    "$top"/build/*) ;;
    "$top"/*) echo "make-edition: write the edition outside the kit (or under build/)" >&2; exit 2 ;;
esac
cd "$top"

# Markdown for students: the instructors' blocks left out.
copy_markdown() {
    mkdir -p "$(dirname "$2")"
    awk -f edition/strip-instructor.awk "$1" >"$2"
}

# Only what git tracks: a file an instructor has lying around (a draft answer, a build) never
# reaches the students. (Outside a git checkout, every file that is there.)
tracked() {
    if [ -d .git ] && command -v git >/dev/null 2>&1; then
        git ls-files -- "$@"
    else
        find "$@" -type f | sort
    fi
}

for file in $(tracked Makefile .gitignore Containerfile .containerignore .dockerignore \
                      grading/results-for.sh grading/classroom.sh \
                      .devcontainer common lessons slides tests/points \
                      tests/[0-9][0-9]-*); do
    case $file in
        common/selftest.sh | common/stress.sh | common/bench-feedback.sh)
            continue ;;   # they run the solutions
        tests/*/wrong/* | tests/*/hidden/*) continue ;;
        *.md) copy_markdown "$file" "$dest/$file"; continue ;;
    esac
    [ -f "$file" ] || continue
    mkdir -p "$dest/$(dirname "$file")"
    cp -p "$file" "$dest/$file"
done

# A lesson's Makefile offers IMPL=solutions in its opening comment; the edition has none.
for makefile in "$dest"/lessons/*/Makefile; do
    sed -i '/^# Add IMPL=solutions to any of them/d' "$makefile"
done

# The points students can earn in their copy: the hidden tests' lines left out.
awk 'NF == 4 && $3 == "hidden" { next } { print }' tests/points >"$dest/tests/points"

# GitHub Classroom's autograding, written from the edition's own points.
sh grading/classroom.sh "$dest" >/dev/null

# The edition's README: the kit's, for students.
copy_markdown README.md "$dest/README.md"

if command -v git >/dev/null 2>&1; then
    (cd "$dest" && git init -q && git add -A &&
     git -c user.name="Concurrency kit" -c user.email="kit@localhost" \
         commit -q -m "Starter: the lessons of the concurrency kit, student edition") ||
        { echo "make-edition: git could not commit the edition in $dest" >&2; exit 1; }
fi
echo "make-edition: the student edition is in $dest ($(cd "$dest" && find . -path ./.git -prune -o -type f -print | wc -l) files)"
