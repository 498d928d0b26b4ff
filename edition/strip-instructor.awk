# strip-instructor.awk - a Markdown file as students see it: every block that starts with a
# line <!-- instructor --> and ends with a line <!-- /instructor --> is left out, the two
# marker lines with it. An unclosed block is an error, so that a typo never ships an answer.
#
#   awk -f edition/strip-instructor.awk FILE.md
/^[ \t]*<!-- instructor -->[ \t]*$/ {
    if (inside) { print FILENAME ":" FNR ": an instructor block opens inside another" > "/dev/stderr"; failed = 1 }
    inside = 1
    opened = FNR
    next
}
/^[ \t]*<!-- \/instructor -->[ \t]*$/ {
    if (!inside) { print FILENAME ":" FNR ": an instructor block closes that never opened" > "/dev/stderr"; failed = 1 }
    inside = 0
    next
}
!inside { print }
END {
    if (inside) { print FILENAME ":" opened ": an instructor block never closes" > "/dev/stderr"; failed = 1 }
    if (failed) exit 1
}
