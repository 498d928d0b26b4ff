#!/bin/sh
# lines.sh - lines of code of each job's pthreads version and of its OpenMP version, side by
# side: the lines of the functions and structs each version is written in, less blank lines
# and lines that are only a comment. The glue both versions share (the job itself, checks of
# arguments' ranges) is counted on both sides where it is part of those functions.
#
#   sh lines.sh TOP IMPL      (TOP: the kit's folder; IMPL: lessons or solutions)
set -u
top=$1
impl=$2

# Where an earlier lesson's file is: its reference solution where there is one (as the demo
# is built), else the lesson's own.
earlier() {
    if [ -f "$top/solutions/$1" ]; then echo "$top/solutions/$1"; else echo "$top/lessons/$1"; fi
}
# This lesson's file: from IMPL if students edit it, else from the lesson.
own() {
    if [ -f "$top/$impl/12-openmp/$1" ]; then echo "$top/$impl/12-openmp/$1"; else echo "$top/lessons/12-openmp/$1"; fi
}

# count FILE NAME...: the lines of code of the functions and structs NAME... of FILE, or "?"
# when one is not there (not written yet, or a student's own version names it otherwise).
count() {
    file=$1
    shift
    total=0
    for name in "$@"; do
        lines=$(awk -v name="$name" '
            !inside && ($0 ~ "^[a-z].*[ *]" name "\\(" || $0 ~ "^struct " name " \\{") { inside = 1 }
            inside {
                line = $0
                if (line ~ /^[ \t]*$/) { } else if (line ~ /^[ \t]*(\/\*|\*|\/\/)/) { }
                else count++
                if (line ~ /^}/) inside = 0
            }
            END { print count + 0 }' "$file")
        if [ "$lines" -eq 0 ]; then
            echo "?"
            return
        fi
        total=$((total + lines))
    done
    echo "$total"
}

# sum A B...: their sum, or "?" if one of them is.
sum() {
    case " $* " in *" ? "*) echo "?"; return ;; esac
    total=0
    for n in "$@"; do total=$((total + n)); done
    echo "$total"
}

row() {
    printf '%-17s %9s %9s   %s\n' "$1" "$2" "$3" "$4"
}

table=$(
echo "Lines of code (without blank and comment lines): pthreads version, OpenMP version"
row job pthreads OpenMP "pthreads functions / OpenMP functions"
row "images" \
    "$(sum "$(count "$(earlier 07-images/batch.c)" worker work run_batch)" \
           "$(count "$(earlier 07-images/share.c)" static_block shared_index_init take_next)")" \
    "$(count "$(own omp_batch.c)" batch_mixed_sizes)" \
    "07's run_batch, its worker, static_block, take_next / one parallel for"
row "primes" \
    "$(sum "$(count "$(earlier 09-amdahl/partition.c)" partition_init next_item)" \
           "$(count "$(earlier 09-amdahl/workers.c)" worker work run_workers)" \
           "$(count "$(own side_by_side.c)" check_one primes_pthreads)")" \
    "$(count "$(own omp_primes.c)" count_primes)" \
    "09's partition, workers and the count / count_primes"
row "scan" \
    "$(sum "$(count "$(earlier 06-sequential/scan.c)" scan_parallel)" \
           "$(count "$(earlier 06-sequential/chunks.c)" chunk_compose chunk_apply)")" \
    "$(count "$(own omp_scan.c)" scan_chunk scan_omp)" \
    "06's scan_parallel and its thread bodies / scan_omp"
row "fib" \
    "$(count "$(own fib.c)" fib_call fib_thread fib_threads)" \
    "$(count "$(own omp_fib.c)" fib_task fib_tasks)" \
    "fib_threads / fib_tasks"
)
echo "$table"
case $table in
    *" ? "*) echo "(?: a function counted here is not in that file: not written yet, or named otherwise)" ;;
esac
