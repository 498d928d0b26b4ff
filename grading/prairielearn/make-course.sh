#!/bin/sh
# make-course.sh - the kit as PrairieLearn course content: a question per lesson, graded by the
# kit's external grader, to copy into a PrairieLearn course repository.
#
#   sh grading/prairielearn/make-course.sh DEST IMAGE LESSON...   (make prairielearn)
#
# Writes DEST/serverFilesCourse/concurrency-kit/ (the grader's copy of the kit:
# grading/grader-copy.sh) and DEST/questions/concurrency-LESSON/ (info.json, question.html):
# the student uploads the lesson's exercise files; the grader, run in IMAGE (the kit's
# Containerfile, pushed where PrairieLearn can pull it), grades them as `make check` does.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
if [ $# -lt 3 ]; then
    echo "usage: sh grading/prairielearn/make-course.sh DEST IMAGE LESSON..." >&2
    exit 2
fi
dest=$1
image=$2
shift 2
rm -rf "$dest"
mkdir -p "$dest/serverFilesCourse" "$dest/questions"
sh "$top/grading/grader-copy.sh" "$dest/serverFilesCourse/concurrency-kit"
for lesson in "$@"; do
    question="$dest/questions/concurrency-$lesson"
    mkdir -p "$question"
    # The lesson's exercise files, and those of earlier lessons it builds on.
    files="$(make -s --no-print-directory -C "$top/lessons/$lesson" KIT_DEPS_CHECKED=1 print-exercise-files) $(
             make -s --no-print-directory -C "$top/lessons/$lesson" KIT_DEPS_CHECKED=1 print-builds-on |
             tr ' ' '\n' | sed 's|.*/||')"
    # A question's uuid must not change between builds: made from the lesson's name.
    uuid=$(printf 'concurrency-kit %s' "$lesson" | md5sum |
           sed 's/^\(.\{8\}\)\(.\{4\}\)\(.\{4\}\)\(.\{4\}\)\(.\{12\}\).*/\1-\2-\3-\4-\5/')
    jq -n --arg uuid "$uuid" --arg lesson "$lesson" --arg image "$image" '{
        uuid: $uuid,
        title: ("Concurrency kit, lesson " + $lesson),
        topic: "Concurrency",
        tags: ["concurrency-kit"],
        type: "v3",
        singleVariant: true,
        gradingMethod: "External",
        externalGradingOptions: {
            enabled: true,
            image: $image,
            serverFilesCourse: ["concurrency-kit/"],
            entrypoint: ["/grade/serverFilesCourse/concurrency-kit/grading/prairielearn/run", $lesson],
            timeout: 600
        }
    }' >"$question/info.json"
    {
        echo '<pl-question-panel>'
        echo "  <p>Upload your files of lesson <code>$lesson</code> of the concurrency kit:"
        echo "  $(echo $files | sed 's/\([^ ]*\)/<code>\1<\/code>/g; s/> </>, </g').</p>"
        echo '</pl-question-panel>'
        echo "<pl-file-upload file-names=\"$(echo $files | sed 's/ /, /g')\"></pl-file-upload>"
        echo '<pl-submission-panel>'
        echo '  <pl-external-grader-results></pl-external-grader-results>'
        echo '  <pl-file-preview></pl-file-preview>'
        echo '</pl-submission-panel>'
    } >"$question/question.html"
done
echo "prairielearn: $dest (questions: $*; image: $image)"
