#!/bin/sh
# make-autograder.sh - Gradescope's autograder for the kit: a zip with setup.sh and
# run_autograder at its top and the grader's copy of the kit (grading/grader-copy.sh) in kit/.
#
#   sh grading/gradescope/make-autograder.sh ZIP LESSON...     (make gradescope [LESSON=...])
#
# Upload ZIP as the autograder of a Gradescope programming assignment ("Zip file upload",
# base image Ubuntu). It grades the LESSONs named here; a submission is a student's repository
# (GitHub or Bitbucket) or the lesson's files uploaded (one lesson per assignment then).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
if [ $# -lt 2 ]; then
    echo "usage: sh grading/gradescope/make-autograder.sh ZIP LESSON..." >&2
    exit 2
fi
zip=$1
shift
mkdir -p "$(dirname "$zip")"
zip=$(cd "$(dirname "$zip")" && pwd)/$(basename "$zip")
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
sh "$top/grading/grader-copy.sh" "$work/kit"
cp "$top/grading/gradescope/setup.sh" "$top/grading/gradescope/run_autograder" "$work/"
chmod +x "$work/setup.sh" "$work/run_autograder"
echo "$*" >"$work/lessons"
rm -f "$zip"
(cd "$work" && zip -q -r "$zip" setup.sh run_autograder lessons kit)
echo "gradescope: $zip (lessons: $*)"
