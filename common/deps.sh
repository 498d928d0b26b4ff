#!/bin/sh
# deps.sh - installs what the kit needs on Debian or Ubuntu, if anything is missing.
# Cheap when everything is there: it only looks. Run by make before building.
#   sh common/deps.sh          what building, testing and the diagrams need
#   sh common/deps.sh bench    that, and the programs `make bench` measures the kit against
#   sh common/deps.sh slides   that, and what `make slides` builds the decks with
#   sh common/deps.sh grading  that, and the sandbox `make grade-all` grades every student in,
#                              the tools of the platforms' files, and patch for the self-tests
set -u

missing=""
need() {   # need PACKAGE TEST-COMMAND...: PACKAGE is missing if the command fails
    package=$1
    shift
    "$@" >/dev/null 2>&1 || missing="$missing $package"
}
need gcc         command -v cc
need libc6-dev   test -e /usr/include/errno.h   # gcc only recommends it: a minimal Debian lacks it
need make        command -v make
need pkg-config  command -v pkg-config
need check       pkg-config --exists check
need graphviz    command -v dot
need fonts-liberation2 test -d /usr/share/fonts/truetype/liberation2
need coreutils   command -v timeout
need gnuplot-nox command -v gnuplot
need libstb-dev  pkg-config --exists stb      # lesson 07 reads PNG and JPEG with stb_image
if [ "${1:-}" = bench ]; then
    # Pillow, for Debian's own python3 (not a python3 of pyenv or a virtual environment).
    need python3-pil /usr/bin/python3 -c 'import PIL'
    # A production event-loop server, for lesson 08's servers to be measured against.
    need redis-server command -v redis-server
fi
if [ "${1:-}" = grading ]; then
    need patch      command -v patch            # the self-tests apply the wrong versions
    need bubblewrap command -v bwrap           # a sandbox per student (grading/sandbox.sh)
    need util-linux command -v prlimit          # its resource limits, and setpriv as root
    need jq         command -v jq               # the grading platforms' JSON files
    need zip        command -v zip              # Gradescope's autograder, a zip file
    need unzip      command -v unzip            # (and make test opens it to check it)
fi
if [ "${1:-}" = slides ]; then
    need pandoc   command -v pandoc
    need chromium command -v chromium   # prints the PDFs, and checks the decks in a browser
fi

[ -z "$missing" ] && exit 0

install="apt-get install -y --no-install-recommends$missing"
echo "deps: installing$missing"
if [ "$(id -u)" = 0 ]; then
    run=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    run="sudo -n"
else
    echo "deps: missing$missing; install them with:" >&2
    echo "    sudo apt-get update && sudo $install" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$run apt-get update -qq >/dev/null && $run $install >/dev/null || {
    echo "deps: could not install$missing; try: sudo apt-get update && sudo $install" >&2
    exit 1
}
echo "deps: installed$missing"
