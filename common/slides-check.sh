#!/bin/sh
# slides-check.sh - opens every built deck in a real browser (headless Chromium) and fails if
# any of its images did not load; run by `make slides-check` and by `make test`.
#
#   sh common/slides-check.sh LESSON...     check build/slides/LESSON.html (make slides first)
#   sh common/slides-check.sh --broken      check that the check fails on a deck whose image is
#                                           broken (an empty PNG, as a failed drawing leaves)
#
# The deck's own script (slides/deck.html) records, once the page has loaded, how many images
# it has and the alt text of each one the browser could not decode; Chromium prints the page
# after its scripts ran (--dump-dom), and this reads those attributes. It also takes a
# screenshot of the deck's first slide with an image, for a person to look at:
# build/slides/shots/LESSON.png.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
out=build/slides
mkdir -p "$out/shots"

# Each Chromium gets a profile of its own, so that decks can be checked side by side.
chromium_run() {
    profile=$(mktemp -d) || return 1
    timeout 120 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
        --user-data-dir="$profile" --window-size=1280,720 --virtual-time-budget=5000 "$@" 2>/dev/null
    ran=$?
    rm -rf "$profile"
    return $ran
}

# body_attribute HTML-DUMP NAME: the value of the body's attribute NAME.
body_attribute() {
    grep -o "<body[^>]*>" "$1" | head -n 1 | sed -n "s/.* $2=\"\\([^\"]*\\)\".*/\\1/p"
}

# check_deck HTML NAME: 0 if every image of HTML loaded in Chromium.
check_deck() {
    html=$1
    name=$2
    [ -s "$html" ] || { echo "slides-check: no $html; run make slides first"; return 1; }
    dump=$out/shots/$name.dom
    chromium_run --dump-dom "file://$top/$html" >"$dump" || { echo "slides-check: Chromium failed on $html"; return 1; }
    images=$(body_attribute "$dump" data-images)
    broken=$(body_attribute "$dump" data-broken-images)
    first=$(body_attribute "$dump" data-first-image-slide)
    if [ -z "$images" ]; then
        echo "slides-check: $html: the deck's script did not run"
        return 1
    fi
    if [ "$images" = 0 ]; then
        echo "slides-check: $html has no image at all"
        return 1
    fi
    if [ -n "$broken" ]; then
        echo "slides-check: $html: images that did not load: $broken"
        return 1
    fi
    chromium_run --screenshot="$top/$out/shots/$name.png" "file://$top/$html#$first" >/dev/null
    [ -s "$out/shots/$name.png" ] || { echo "slides-check: no screenshot of $html"; return 1; }
    echo "slides-check: $html: $images images, all shown (slide $first: $out/shots/$name.png)"
}

if [ "${1:-}" = --broken ]; then
    # A deck like the real ones whose one diagram is an empty file: the check must fail.
    scratch=$out/broken-deck
    rm -rf "$scratch" && mkdir -p "$scratch"
    : >"$scratch/empty.png"
    printf -- '---\ntitle: A deck with a broken diagram\n---\n\n# The diagram\n\n![a broken diagram](empty.png)\n' >"$scratch/deck.md"
    pandoc --to dzslides --standalone --self-contained --template slides/deck.html \
        --resource-path="$scratch" --metadata pagetitle=broken "$scratch/deck.md" \
        -o "$scratch/deck.html" || exit 1
    if check_deck "$scratch/deck.html" broken-deck; then
        echo "slides-check: the check passed a deck with a broken image" >&2
        exit 1
    fi
    echo "slides-check: a deck with a broken image fails the check, as it should"
    exit 0
fi

status=0
for lesson in "$@"; do
    check_deck "$out/$lesson.html" "$lesson" || status=1
done
exit $status
