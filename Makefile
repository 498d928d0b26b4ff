# The kit's top-level Makefile: the same targets as each lesson's Makefile, for every lesson.
#
#   make                 build every lesson program, from lessons/ and from solutions/
#   make check           grade the student tree (lessons/): a row per lesson, a score line,
#                        TAP and JUnit XML in build/reports/
#   make test            the kit's self-test (what CI runs); in the student edition, its own
#                        check: every lesson builds and every exercise fails on its stub
#   make release DEST=DIR   write the student edition (no solutions, no hidden tests) into DIR
#   make gradescope      build/gradescope/autograder.zip, the autograder to upload to Gradescope
#   make prairielearn    build/prairielearn/: a PrairieLearn question per lesson, externally graded
#   make image           the kit's container image (Containerfile), with podman or docker
#   make diagrams        traced runs drawn into slides/diagrams/ (SVG, PNG, PDF, trace JSON)
#   make slides          a slide deck per lesson: build/slides/NN-name.html (one file) and .pdf
#   make slides-check    open every deck in headless Chromium; fails if an image did not load
#   make run / bench     every lesson's demo, small / at benchmark size
#   make tsan / asan     every lesson's demo under ThreadSanitizer / AddressSanitizer+UBSan
#   make grade-all SUBMISSIONS=DIR   grade every student copy in DIR into one CSV, each in a sandbox
#                        (SHARD=I/N: one machine's part; STUDENT=NAME: one student again)
#   make grade-merge     the shards graded on several machines, into one class's results
#   make bench-grading   what the sandbox costs, measured
#   make bench-feedback  how long a student waits: save-to-result per exercise, measured
#   make stress          the reference solutions' tests, many times, with every core busy
#   make watch           in a lesson (or with LESSON=): its exercise's tests again on every save
#   make progress        every lesson's exercises: done, started or not started, with points
#   make check EX=N      one exercise's tests (with LESSON=); TEST=name: one test
#   make debug TEST=name one test, in the foreground, under gdb (with LESSON=)
#   make deps            install everything the kit uses (Debian/Ubuntu); each target also
#                        checks for what it needs itself, and no more
#   make clean
#
# LESSON=03-locks restricts any target to one lesson; IMPL=solutions uses the reference
# solutions in place of the student tree.

LESSONS_ALL := $(patsubst lessons/%/Makefile,%,$(wildcard lessons/[0-9][0-9]-*/Makefile))
LESSON ?=
LESSONS := $(if $(LESSON),$(LESSON),$(LESSONS_ALL))
IMPL ?= lessons

# LESSON picks lessons here; it must not reach the lessons' own Makefiles (through MAKEFLAGS,
# also into the scripts' make calls), where LESSON names the lesson itself.
MAKEOVERRIDES := $(filter-out LESSON=%,$(MAKEOVERRIDES))

ifneq ($(filter-out $(LESSONS_ALL),$(LESSONS)),)
$(error no lesson named '$(filter-out $(LESSONS_ALL),$(LESSONS))'; the lessons are: $(LESSONS_ALL))
endif

# Each lesson checks for what it needs itself (common/deps.sh build, and its DEPS).
SUBMAKE = $(MAKE) --no-print-directory

.PHONY: all check test diagrams slides slides-check run bench tsan asan stress deps clean grade-all test-grading bench-grading release gradescope prairielearn image $(LESSONS_ALL:%=build-%)
.PHONY: watch progress debug
.PHONY: $(LESSONS_ALL:%=build-solutions-%)

all: $(LESSONS:%=build-%) $(LESSONS:%=build-solutions-%)

# Everything the kit uses, at once. The other targets check for what they need themselves.
deps:
	@sh common/deps.sh all

# One target per lesson and tree, so `make -j` builds them side by side.
$(LESSONS_ALL:%=build-%): build-%:
	+@$(SUBMAKE) -C lessons/$* IMPL=lessons all
$(LESSONS_ALL:%=build-solutions-%): build-solutions-%:
	+@$(SUBMAKE) -C lessons/$* IMPL=solutions all

check:
	@sh common/deps.sh build
	@KIT_EXERCISE="$(EX)" KIT_TEST="$(TEST)" sh common/grade.sh $(IMPL) $(LESSONS)

progress:
	@sh common/deps.sh build
	@sh common/progress.sh $(IMPL) $(LESSONS)

# A lesson's own targets, from the top: LESSON= says which.
watch debug:
	@test -n "$(LESSON)" || { echo "usage: make $@ LESSON=NN-name (or run make $@ in the lesson's folder)" >&2; exit 2; }
	+@$(SUBMAKE) -C lessons/$(LESSON) IMPL=$(IMPL) $@

# This copy is the instructor's (with solutions/) or the student edition (without).
EDITION := $(if $(wildcard solutions/.),instructor,student)
INSTRUCTOR_ONLY := grade-all grade-merge test-grading bench-grading bench-feedback stress release gradescope

ifeq ($(EDITION),instructor)
test:
	@sh common/deps.sh all
	@sh common/selftest.sh $(LESSONS)
else
test:
	@sh common/deps.sh build images openmp mpi grading
	@sh common/edition-test.sh $(LESSONS)
endif

diagrams:
	+@for lesson in $(LESSONS); do $(SUBMAKE) -C lessons/$$lesson IMPL=$(IMPL) diagrams || exit 1; done

# The decks are built from the reference solutions' diagrams, whatever IMPL says (in the
# student edition, from the diagrams of the student's own code).
slides:
	@sh common/slides.sh $(LESSONS)

slides-check: slides
	@sh common/slides-check.sh --broken && sh common/slides-check.sh $(LESSONS)

run bench tsan asan:
	+@for lesson in $(LESSONS); do $(SUBMAKE) -C lessons/$$lesson IMPL=$(IMPL) $@ || exit 1; done

# The kit's container image (Containerfile), with podman where it is installed, else docker.
# IMAGE names it (PrairieLearn pulls it by that name: make prairielearn uses it too).
IMAGE ?= concurrency-kit
CONTAINER_ENGINE ?= $(shell command -v podman >/dev/null 2>&1 && echo podman || echo docker)
image:
	$(CONTAINER_ENGINE) build -t $(IMAGE) -f Containerfile .

clean:
	rm -rf build slides/diagrams

# The instructor's tools: grading a class, the student edition, the platforms. The student
# edition has none of them, and says so.
ifeq ($(EDITION),instructor)
# The student edition, checked: nothing of a reference solution in it.
release:
	@sh common/deps.sh grading
	@sh edition/make-edition.sh "$(DEST)"
	@sh edition/answer-free.sh . "$(DEST)"

gradescope:
	@sh common/deps.sh grading
	@sh grading/gradescope/make-autograder.sh build/gradescope/autograder.zip $(LESSONS)

# PrairieLearn: a question per lesson and the external grader, into build/prairielearn/;
# IMAGE names the kit's container image where PrairieLearn pulls it from.
prairielearn:
	@sh common/deps.sh grading
	@sh grading/prairielearn/make-course.sh build/prairielearn "$(IMAGE)" $(LESSONS)

# A whole class: every student copy in SUBMISSIONS, JOBS at a time, each in a sandbox of its
# own (grading/sandbox.sh, limits in grading/limits), into one CSV. SHARD=I/N grades the I-th of
# every N students (one machine of N) into build/grade-all/shards/I-of-N/; STUDENT=NAME grades
# one student again into the class graded before; ROSTER=FILE gives the CSVs a roster's columns.
JOBS ?= $(shell nproc)
grade-all:
	@sh common/deps.sh grading
	@sh grading/grade-all.sh $(if $(SHARD),--shard "$(SHARD)") $(if $(STUDENT),--student "$(STUDENT)") \
	    $(if $(ROSTER),--roster "$(ROSTER)") "$(SUBMISSIONS)" $(JOBS) $(LESSONS)

# The shards of a class graded on N machines, put together into build/grade-all as one run
# would have written it. SHARDS="DIR...": the shards' folders (default: build/grade-all/shards/*).
.PHONY: grade-merge
grade-merge:
	@sh grading/grade-merge.sh $(if $(ROSTER),--roster "$(ROSTER)") $(SHARDS)

# grade-all on a sample class of 23 copies of lesson 01, correct, untouched and broken in
# every way the grading must survive; checks the CSV. Takes a few minutes.
test-grading:
	@sh common/deps.sh grading
	@sh tests/grading/check-class.sh

# What the sandbox costs: lesson 01 graded for a small class with and without it.
bench-grading:
	@sh common/deps.sh grading
	@sh grading/bench.sh

# How long a student waits: each lesson's untouched make check, and each exercise's result after
# a save (as make watch runs it), in a student's copy; then make check IMPL=solutions.
.PHONY: bench-feedback
bench-feedback:
	@sh common/deps.sh build images openmp mpi grading
	@sh common/bench-feedback.sh $(LESSON)

STRESS_RUNS ?= 100
stress:
	@sh common/deps.sh build images mpi
	@sh common/stress.sh $(STRESS_RUNS) $(LESSONS)
else
$(INSTRUCTOR_ONLY):
	@echo "make $@: only in the instructor's copy of the kit; this is the student edition" >&2
	@exit 2
endif
