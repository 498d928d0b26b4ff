#!/bin/sh
# slides.sh - builds the lessons' slide decks, offline, run by `make slides`.
#
#   sh common/slides.sh LESSON...
#
# For each lesson, slides/LESSON.md becomes build/slides/LESSON.html, one self-contained file
# (images, styles and script inside it: it opens without a network), and LESSON.pdf, a page
# per slide. The decks take their code from the lessons' own files and their tables from the
# lessons' READMEs (slides/include.lua), their diagrams from slides/diagrams/ (the traced runs
# of `make diagrams IMPL=solutions`, made here if a deck needs one that is not there yet; in the
# student edition, of the student's own `make diagrams`, and a note where none could be drawn) and
# from slides/concepts/*.dot (drawn by hand, rendered here).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
out=build/slides
mkdir -p "$out/concepts"

sh common/deps.sh slides || exit 1

# The concept diagrams: PNG, which every browser and PDF viewer shows the same.
for dot_file in slides/concepts/*.dot; do
    [ -e "$dot_file" ] || continue
    png="$out/concepts/$(basename "$dot_file" .dot).png"
    if [ ! -s "$png" ] || [ "$dot_file" -nt "$png" ]; then
        # Drawn aside and moved into place, so that decks built side by side never read half
        # a picture.
        dot -Tpng -Gdpi=110 "$dot_file" -o "$png.$$" && mv "$png.$$" "$png" ||
            { echo "slides: cannot draw $dot_file" >&2; exit 1; }
    fi
done

# Chromium, headless, as root needs --no-sandbox; its own messages (D-Bus, GPU) are noise.
# Each Chromium gets a profile of its own, so that decks can be printed side by side.
chromium_pdf() {
    profile=$(mktemp -d) || return 1
    timeout 120 chromium --headless --no-sandbox --disable-gpu --no-pdf-header-footer \
        --user-data-dir="$profile" --print-to-pdf="$2" "file://$top/$1" >/dev/null 2>&1
    printed=$?
    rm -rf "$profile"
    return $printed
}

status=0
for lesson in "$@"; do
    deck=slides/$lesson.md
    [ -f "$deck" ] || { echo "slides: no deck $deck" >&2; status=1; continue; }

    # The traced diagrams the deck shows, drawn from a run of the reference solutions if any
    # is missing (a clean clone has none).
    missing=$(grep -o '](diagrams/[^)]*)' "$deck" | sed 's/^](//; s/)$//' | while read -r image; do
        [ -s "slides/$image" ] || echo "$image"
    done)
    if [ -n "$missing" ] && [ -d solutions ]; then
        echo "slides: drawing the diagrams of $lesson (make diagrams IMPL=solutions)"
        make --no-print-directory -C "lessons/$lesson" IMPL=solutions diagrams >"$out/$lesson-diagrams.log" 2>&1 ||
            { echo "slides: make diagrams failed for $lesson; see $out/$lesson-diagrams.log" >&2; status=1; continue; }
    elif [ -n "$missing" ]; then
        # The student edition: the diagrams of the student's own run, where it can be drawn;
        # the deck says what is missing (slides/include.lua) and is built all the same.
        echo "slides: drawing the diagrams of $lesson from your own code (make diagrams)"
        make --no-print-directory -C "lessons/$lesson" diagrams >"$out/$lesson-diagrams.log" 2>&1 ||
            echo "slides: $lesson's diagrams need its exercises done first; the deck says where they go"
    fi

    html=$out/$lesson.html
    if ! pandoc --from markdown --to dzslides --standalone --self-contained \
            --template slides/deck.html --lua-filter slides/include.lua \
            --resource-path="slides:$out" --metadata pagetitle="$lesson" \
            "$deck" -o "$html"; then
        echo "slides: pandoc could not build $deck" >&2
        status=1
        continue
    fi
    if ! chromium_pdf "$html" "$out/$lesson.pdf" || [ ! -s "$out/$lesson.pdf" ]; then
        echo "slides: Chromium could not print $html" >&2
        status=1
        continue
    fi
    echo "slides: $html and $out/$lesson.pdf"
done
exit $status
