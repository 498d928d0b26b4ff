# check-steps.sh - what the kit's own checks of a piece share (tests/*/check-*.sh), sourced by
# each after it sets `piece` (its name in the report) and `work` (its folder):
#   check DESCRIPTION COMMAND...   runs the command; prints "ok   PIECE: DESCRIPTION", or
#                                  "FAIL PIECE: DESCRIPTION" and the end of what it printed
# and `failed` counts the checks that failed. `make test` counts the ok and FAIL lines.
failed=0
check() {
    description=$1
    shift
    if "$@" >"$work/step.log" 2>&1; then
        echo "ok   $piece: $description"
    else
        echo "FAIL $piece: $description"
        sed 's/^/    /' "$work/step.log" | tail -n "${check_lines:-30}"
        failed=$((failed + 1))
    fi
}
