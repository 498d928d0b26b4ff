#!/bin/sh
# grading/examples/slurm-array.sh - grades a whole class on a Slurm cluster: an array job whose
# task I grades shard I of N (make grade-all SHARD=I/N), then the merge (make grade-merge) as a
# job that starts when every task has ended. An example to adapt, not run by the kit's own CI.
#
#   sh grading/examples/slurm-array.sh --submit SUBMISSIONS [LESSON]    both jobs, in one go
#   sbatch grading/examples/slurm-array.sh SUBMISSIONS [LESSON]         the array alone
#
# Run it from the kit's folder (the instructor's copy, with solutions/: keep it where students
# cannot read it), on a file system that every node sees, where SUBMISSIONS is too. The tasks
# share that folder safely: each writes only build/grade-all/shards/I-of-N/ and takes only its
# own lock; a student's workspace is staged in the node's TMPDIR.
#
# Each node needs what grading needs (gcc, make, pkg-config, Check, bubblewrap, util-linux):
# `make deps` prints the packages. And bubblewrap needs unprivileged user namespaces
# (grade-all refuses without a sandbox and prints the sysctl to ask your admins for). Graded
# as a normal user, all the students of a node count against one limit on processes
# (KIT_LIMIT_PROCESSES in grading/limits, per sandbox): with many students at once, raise it.
#
# To adapt: --array=1-N (N shards; the script reads N from Slurm, so only this line changes),
# --cpus-per-task (JOBS follows it: one student per core), --mem, --time (timing.txt of an
# earlier run gives the time of 200 students on N machines), and the partition or account
# your cluster wants.
#
#SBATCH --job-name=grade-class
#SBATCH --array=1-8
#SBATCH --cpus-per-task=8
#SBATCH --mem=32G
#SBATCH --time=04:00:00
#SBATCH --output=grade-class-%A-%a.out
##SBATCH --partition=...
##SBATCH --account=...
set -eu

if [ "${1:-}" = --submit ]; then
    # Both jobs: the array, then the merge once every task has ended (afterany: a failed
    # shard is the merge's to name, and it refuses to merge without it).
    shift
    [ $# -ge 1 ] || { echo "usage: sh $0 --submit SUBMISSIONS [LESSON]" >&2; exit 2; }
    array=$(sbatch --parsable "$0" "$@")
    array=${array%%;*}
    # ROSTER=roster.csv here gives the CSVs the roster's identifier columns.
    sbatch --parsable --dependency=afterany:"$array" --job-name=grade-merge \
        --output=grade-merge-%j.out --wrap "make grade-merge"
    echo "submitted: array job $array (grading), and the merge after it; results in build/grade-all/"
    exit 0
fi

[ $# -ge 1 ] || { echo "usage: sbatch $0 SUBMISSIONS [LESSON]" >&2; exit 2; }
submissions=$1
lesson=${2:-}
# Slurm numbers the tasks; the shards must be 1..N, every one of them.
if [ -z "${SLURM_ARRAY_TASK_ID:-}" ] || [ "${SLURM_ARRAY_TASK_MIN:-1}" != 1 ] ||
   [ "${SLURM_ARRAY_TASK_MAX:-}" != "${SLURM_ARRAY_TASK_COUNT:-}" ]; then
    echo "slurm-array.sh: run as an array job with --array=1-N (see the script's header)" >&2
    exit 2
fi
cd "${SLURM_SUBMIT_DIR:-.}"
exec make grade-all SUBMISSIONS="$submissions" LESSON="$lesson" \
    SHARD="$SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT" JOBS="${SLURM_CPUS_PER_TASK:-1}"

# Afterwards, on the login node:
#   cat build/grade-all/timing.txt build/grade-all/scores.csv
#   make grade-all SUBMISSIONS=... STUDENT=NAME    one student again (same LESSON as the class)
