#!/bin/sh
# sandbox.sh - runs a command of one student's grading inside a bubblewrap sandbox.
#
#   sh grading/sandbox.sh WORKSPACE COMMAND...
#   sh grading/sandbox.sh --check       whether a sandbox can be made here (the fix if not)
#
# The sandbox sees WORKSPACE as /kit, read-only: the student edition of the kit (Makefile,
# common, lessons with the student's files laid over them, tests without their wrong versions)
# and nothing else of this machine but /usr (the compiler, Check, the tools). Writable are only
# /kit/build and /tmp, each a tmpfs of KIT_LIMIT_DISK_MB that is gone when the sandbox ends.
# It has no network (an empty network namespace of its own) and its own process namespace:
# when COMMAND ends, or the wall-clock limit kills it, every process it started ends too, so
# nothing left behind can hold a pipe, write a file or use a core afterwards. The limits of
# grading/limits apply (set as hard limits, which the code inside cannot raise).
#
# Open file descriptors are passed in: the grader hands the test runner a results channel this
# way (common/results_channel.h). Run as root, the sandbox runs as the unprivileged user id
# KIT_SANDBOX_UID (default nobody's; the class grader gives each student one of its own), so
# that the limit on processes applies, and to that student alone; as a normal user it runs as
# that user, in a user namespace of its own (and the limit on processes then counts all of the
# user's processes).
#
# Exit status: COMMAND's, 137 when the wall-clock limit killed it, or 2 when the sandbox cannot
# be made here (with the fix on stderr).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/limits"

if [ "${1:-}" != --check ] && [ $# -lt 2 ]; then
    echo "usage: sh grading/sandbox.sh WORKSPACE COMMAND...   or   sh grading/sandbox.sh --check" >&2
    exit 2
fi
workspace=$1
shift

# can_sandbox: whether bubblewrap is here and can make its namespaces; says the fix if not.
can_sandbox() {
    if ! command -v bwrap >/dev/null 2>&1; then
        echo "grading: bubblewrap is not installed; install it with: sudo apt-get install bubblewrap" >&2
        return 1
    fi
    # With a /proc and a /dev of its own, as the real sandbox has: a container may allow the
    # namespaces and still refuse to mount a proc ("Can't mount proc on /newroot/proc").
    if ! $as_user bwrap --ro-bind /usr /usr --symlink usr/bin /bin --symlink usr/lib /lib \
            --symlink usr/lib64 /lib64 --proc /proc --dev /dev --unshare-all /bin/true 2>/dev/null; then
        echo "grading: bubblewrap cannot make a sandbox here: user namespaces are off, or (in a" >&2
        echo "  container) mounting a /proc is not allowed." >&2
        echo "  On Debian: sudo sysctl -w kernel.unprivileged_userns_clone=1" >&2
        echo "  Elsewhere: sudo sysctl -w user.max_user_namespaces=15000" >&2
        echo "  In podman: --security-opt unmask=ALL; in docker: --security-opt seccomp=unconfined" >&2
        echo "  --security-opt systempaths=unconfined" >&2
        return 1
    fi
}

as_user=""
if [ "$(id -u)" = 0 ]; then
    uid=${KIT_SANDBOX_UID:-$(id -u nobody)}
    as_user="setpriv --reuid=$uid --regid=$uid --clear-groups"
fi
if [ "$workspace" = --check ]; then
    can_sandbox
    exit $?
fi
can_sandbox || exit 2

disk_bytes=$((KIT_LIMIT_DISK_MB * 1024 * 1024))
# Debian's /bin, /lib and /sbin are links into /usr; cc is a link through /etc/alternatives.
# Environment: only what grading needs, so that nothing of the grader's leaks in.
exec timeout -s KILL "$KIT_LIMIT_WALL_SECONDS" \
    $as_user \
    prlimit --nproc="$KIT_LIMIT_PROCESSES" --cpu="$KIT_LIMIT_CPU_SECONDS" \
            --fsize=$((KIT_LIMIT_FILE_MB * 1024 * 1024)) --nofile="$KIT_LIMIT_OPEN_FILES" -- \
    bwrap --unshare-all --die-with-parent --new-session \
        --ro-bind /usr /usr \
        --symlink usr/bin /bin --symlink usr/lib /lib --symlink usr/lib64 /lib64 \
        --symlink usr/sbin /sbin \
        --ro-bind-try /etc/alternatives /etc/alternatives \
        --ro-bind-try /etc/ld.so.cache /etc/ld.so.cache \
        --proc /proc --dev /dev \
        --size "$disk_bytes" --tmpfs /dev/shm \
        --size "$disk_bytes" --tmpfs /tmp \
        --ro-bind "$workspace" /kit \
        --size "$disk_bytes" --tmpfs /kit/build \
        --chdir /kit \
        --clearenv \
        --setenv PATH /usr/bin:/bin \
        --setenv HOME /tmp \
        --setenv TMPDIR /tmp \
        --setenv LANG C.UTF-8 \
        --setenv KIT_LIMIT_MEMORY_MB "$KIT_LIMIT_MEMORY_MB" \
        --setenv KIT_SANDBOXED yes \
        ${CK_TIMEOUT_MULTIPLIER:+--setenv CK_TIMEOUT_MULTIPLIER "$CK_TIMEOUT_MULTIPLIER"} \
        ${KIT_RESULTS_FD:+--setenv KIT_RESULTS_FD "$KIT_RESULTS_FD"} \
        "$@"
