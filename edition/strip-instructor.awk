# strip-instructor.awk - a Markdown file as students see it in the student edition:
#   - every block from a line <!-- instructor --> to a line <!-- /instructor --> is left out,
#     the two marker lines with it: text for instructors only;
#   - every block from a line <!-- student to a line --> is kept without those two lines: text
#     for students only, which the instructor's copy shows nowhere (it is an HTML comment there).
# A block left open, or one inside another, is an error, so that a typo never ships an answer.
#
#   awk -f edition/strip-instructor.awk FILE.md
function fail(message) {
    print FILENAME ":" FNR ": " message > "/dev/stderr"
    failed = 1
}
/^[ \t]*<!-- instructor -->[ \t]*$/ {
    if (block != "") fail("an instructor block opens inside a " block " block")
    block = "instructor"; opened = FNR; next
}
/^[ \t]*<!-- \/instructor -->[ \t]*$/ {
    if (block != "instructor") fail("an instructor block closes that never opened")
    block = ""; next
}
/^[ \t]*<!-- student[ \t]*$/ {
    if (block != "") fail("a student block opens inside a " block " block")
    block = "student"; opened = FNR; next
}
/^[ \t]*-->[ \t]*$/ && block == "student" { block = ""; next }
block != "instructor" { print }
END {
    if (block != "") { FNR = opened; fail("a " block " block never closes") }
    if (failed) exit 1
}
