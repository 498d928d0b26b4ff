#!/bin/sh
# check-suspicious.sh - checks grading/suspicious.sh, the report of suspicious submissions:
#   - the reference solutions and the untouched stubs of every lesson give no report (what a
#     lesson's exercises need is in its ALLOWED_CONSTRUCTS);
#   - the broken copies of tests/grading/broken that call exit() are reported;
#   - each sample of tests/grading/suspicious-samples/ is reported on exactly the lines marked
#     `expect: CONSTRUCT`, by that name, and clean.c (the same words in comments, strings and
#     variables) not at all;
#   - each hostile student of tests/grading/hostile/, if there are any, is reported at least once.
# Prints one line per check and "N passed, N failed"; the exit status is 1 if any failed.
#
#   sh tests/grading/check-suspicious.sh
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
suspicious="sh grading/suspicious.sh"
passed=0
failed=0
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# verdict NAME PROBLEMS: the check NAME passed if PROBLEMS is empty; otherwise they are shown.
verdict() {
    if [ -z "$2" ]; then
        echo "ok    $1"
        passed=$((passed + 1))
    else
        echo "FAIL  $1"
        printf '%s\n' "$2" | sed 's/^/        /'
        failed=$((failed + 1))
    fi
}

# One run per lesson for both trees: each run asks make and the compiler once, which is most
# of its time.
for lesson in $(ls solutions); do
    # The stubs are the lesson's files of the same names as the solutions.
    stubs=$(for file in solutions/"$lesson"/*.c; do echo "lessons/$lesson/${file##*/}"; done)
    $suspicious "$lesson" solutions/"$lesson"/*.c $stubs >"$scratch/$lesson" 2>&1
    verdict "$lesson: the reference solutions give no report" \
        "$(grep -v '^lessons/' "$scratch/$lesson")"
    verdict "$lesson: the untouched stubs give no report" "$(grep '^lessons/' "$scratch/$lesson")"
done

# The broken copies made as make-class.sh makes them: the solution with a patch applied.
for patch_file in tests/grading/broken/*.patch; do
    grep -q 'exit(' "$patch_file" || continue
    name=$(basename "$patch_file" .patch)
    mkdir -p "$scratch/$name"
    cp solutions/01-threads/parallel_map.c "$scratch/$name/"
    patch -s -d "$scratch/$name" <"$patch_file"
    verdict "broken $name: reported as exit" \
        "$($suspicious 01-threads "$scratch/$name/parallel_map.c" | grep -q ': exit: ' ||
           echo 'no exit reported')"
done

# All the samples in one run. Each line of the report, FILE:LINE: CONSTRUCT: SOURCE, is
# compared as FILE:LINE: CONSTRUCT with the markers of the samples.
# The samples at the top are read as files of 02-races (which allows nothing), those in
# 01-threads/ as files of 01-threads (which allows _exit, for a child only).
samples=tests/grading/suspicious-samples
{
    $suspicious 02-races "$samples"/*.c
    $suspicious 01-threads "$samples"/01-threads/*.c
} 2>&1 | sed 's/^\([^:]*:[0-9]*: [^:]*\): .*/\1/' | sort >"$scratch/reported"
grep -n 'expect: ' "$samples"/*.c "$samples"/01-threads/*.c |
    sed 's/^\([^:]*:[0-9]*\):.*expect: \(.*[^ ]\) *\*\/.*/\1: \2/' | sort >"$scratch/expected"
comm -23 "$scratch/expected" "$scratch/reported" | sed 's/^/missing: /' >"$scratch/problems"
comm -13 "$scratch/expected" "$scratch/reported" | sed 's/^/not expected: /' >>"$scratch/problems"
for sample in "$samples"/*.c "$samples"/01-threads/*.c; do
    marks=$(grep -F "$sample:" "$scratch/expected" | sed 's/^[^:]*://' | tr '\n' ',' |
        sed 's/,$//; s/,/, /g')
    verdict "sample ${sample#"$samples"/}: ${marks:-no report}" \
        "$(grep -F ": $sample:" "$scratch/problems")"
done

# The hostile students, complete parallel_map.c files of lesson 01 that attack grading: all
# in one run, then each looked for in the report.
if ls tests/grading/hostile/*.c >/dev/null 2>&1; then
    $suspicious 01-threads tests/grading/hostile/*.c >"$scratch/hostile" 2>&1
    for hostile in tests/grading/hostile/*.c; do
        verdict "hostile ${hostile##*/}: reported" \
            "$(grep -qF "$hostile:" "$scratch/hostile" || echo 'nothing reported')"
    done
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
