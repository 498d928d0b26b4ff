#!/bin/sh
# deps.sh - installs what a target of the kit needs on Debian or Ubuntu, if anything is missing.
# Cheap when everything is there: it only looks. Each target asks for its own groups, so a
# machine without one tool still does everything that does not need it.
#
#   sh common/deps.sh GROUP...
#     build     a compiler, make, pkg-config and Check: building the lessons and `make check`
#     images    stb_image, which lesson 07 reads PNG and JPEG with (building lesson 07)
#     openmp    clang with LLVM's OpenMP runtime and its Archer tool, and clang's ThreadSanitizer:
#               lesson 12's build for races (GCC's own OpenMP comes with gcc)
#     mpi       Open MPI: mpicc and mpirun, and its headers (building lesson 13)
#     diagrams  Graphviz and its fonts, and gnuplot: `make diagrams`
#     bench     gnuplot, and the programs `make bench` measures the kit against
#     debug     gdb: `make debug`
#     watch     inotifywait, which `make watch` waits for a save with (it can poll without)
#     slides    pandoc and Chromium: `make slides`
#     grading   the sandbox `make grade-all` grades every student in, the tools of the platforms'
#               files, and patch for the self-tests
#     all       every group
#
# Installs as root, or with sudo when it needs no password. Otherwise it names the exact
# Debian packages to ask for, and fails only the target that needs them.
set -u

missing=""
need() {   # need PACKAGE TEST-COMMAND...: PACKAGE is missing if the command fails
    package=$1
    shift
    "$@" >/dev/null 2>&1 || case " $missing " in
        *" $package "*) ;;
        *) missing="$missing $package" ;;
    esac
}
groups="build ${*:-}"
[ "${1:-}" = all ] && groups="build images openmp mpi diagrams bench debug watch slides grading"
for group in $groups; do
    case $group in
    build)
        need gcc         command -v cc
        need libc6-dev   test -e /usr/include/errno.h   # gcc only recommends it: a minimal Debian lacks it
        need make        command -v make
        need pkg-config  command -v pkg-config
        need check       pkg-config --exists check
        need coreutils   command -v timeout ;;
    images)
        need libstb-dev  pkg-config --exists stb ;;
    openmp)
        need clang-14    command -v clang-14
        need libomp-14-dev test -e /usr/lib/llvm-14/lib/libarcher.so
        need libclang-rt-14-dev sh -c 'ls /usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.tsan-x86_64.a' ;;
    mpi)
        need openmpi-bin    command -v mpirun
        need libopenmpi-dev command -v mpicc ;;
    diagrams)
        need graphviz    command -v dot
        need fonts-liberation2 test -d /usr/share/fonts/truetype/liberation2
        need gnuplot-nox command -v gnuplot ;;
    bench)
        need gnuplot-nox command -v gnuplot
        # Pillow, for Debian's own python3 (not a python3 of pyenv or a virtual environment).
        need python3-pil /usr/bin/python3 -c 'import PIL'
        # A production event-loop server, for lesson 08's servers to be measured against.
        need redis-server command -v redis-server ;;
    debug)
        need gdb         command -v gdb ;;
    watch)
        need inotify-tools command -v inotifywait ;;
    slides)
        need graphviz    command -v dot
        need fonts-liberation2 test -d /usr/share/fonts/truetype/liberation2
        need gnuplot-nox command -v gnuplot
        need pandoc      command -v pandoc
        need chromium    command -v chromium ;;  # prints the PDFs, and checks the decks in a browser
    grading)
        need patch       command -v patch       # the self-tests apply the wrong versions
        need bubblewrap  command -v bwrap       # a sandbox per student (grading/sandbox.sh)
        need util-linux  command -v prlimit     # its resource limits, and setpriv as root
        need jq          command -v jq          # the grading platforms' JSON files
        need zip         command -v zip         # Gradescope's autograder, a zip file
        need unzip       command -v unzip ;;    # (and make test opens it to check it)
    *)
        echo "deps: no group named '$group'" >&2
        exit 2 ;;
    esac
done

[ -z "$missing" ] && exit 0

install="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" = 0 ]; then
    run=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    run="sudo -n"
else
    echo "deps: this needs the Debian package(s)$missing, which are not installed, and" >&2
    echo "deps: installing them needs root. Ask for them, or run: sudo $install" >&2
    exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
$run apt-get update -qq >/dev/null && $run $install >/dev/null || {
    echo "deps: could not install$missing; try: sudo apt-get update && sudo $install" >&2
    exit 1
}
echo "deps: installed$missing"
