# lesson.mk - the make rules every lesson shares. A lesson's Makefile sets a few variables
# and includes this file:
#
#   LESSON         the lesson's folder name, e.g. 01-threads
#   PROGRAMS       the programs it builds; each NAME lists its sources in NAME_SOURCES
#   TESTED         the lesson sources the Check suite links against (tests/LESSON/*.c)
#   EXERCISE_FILES the files students edit (their reference versions are in solutions/LESSON/):
#                  grading takes exactly these from a submission, and nothing else
#   EARLIER_LESSONS  optional: earlier lessons whose files this lesson compiles too, as they
#                  are (08-event-loop: 05-queues, for its queue). Set before including this file
#   BUILDS_ON      optional: the exercise files among those, as LESSON/FILE (a grader asks for
#                  them with this lesson's own)
#   DEMO           the program `make run`, `make bench` and `make diagrams` start
#   LAUNCHER       optional: the command that starts DEMO for them (13-mpi: mpirun -np 2 ...);
#                  empty (the default), DEMO runs by itself
#   RUN_ARGS       its arguments for `make run` (small: a few seconds)
#   BENCH_ARGS     its arguments for `make bench` (larger: numbers worth quoting)
#   TRACE_ARGS     its arguments for the traced run of `make diagrams`
#   BENCH_COMMANDS    optional: more commands for `make bench` (more tables, plots)
#   DIAGRAM_COMMANDS  optional: more commands for `make diagrams` (see there)
#   BAD_ARGS       arguments the demo must refuse with exit status 2 (`make test` tries them;
#                  a case of several arguments is written with commas: 1.5,2)
#   BAD_ARGS_NAME  the same for another program NAME of the lesson
#   DEPS           optional: groups of common/deps.sh that building the lesson needs beyond a
#                  compiler and Check (07-images: images, for stb_image)
#   THREAD_SANITIZER_CC   optional: the compiler of the lesson's SANITIZE=thread build (the race
#                  pass of grading, `make tsan`), where it is not CC: 12-openmp builds that one
#                  with clang, whose OpenMP runtime ThreadSanitizer understands
#   THREAD_SANITIZER_ENV  optional: VARIABLE=VALUE words that the programs and tests of that
#                  build run with (12-openmp: the tool that tells ThreadSanitizer about OpenMP)
#
# Targets: all (default), run, bench, check, watch, progress, debug, test-binary, diagrams,
# hint, tsan, asan, clean, deps.
# IMPL=solutions builds the reference solutions in place of the files students edit.
# SANITIZE=thread or SANITIZE=address,undefined builds everything with that sanitizer.
# EX=N limits check and watch to exercise N; TEST=name limits check and debug to one test.

TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))..)

IMPL ?= lessons
ifeq ($(filter $(IMPL),lessons solutions),)
$(error IMPL must be lessons or solutions, not '$(IMPL)')
endif
ifeq ($(IMPL)$(wildcard $(TOP)/solutions/.),solutions)
$(error IMPL=solutions: this copy of the kit (the student edition) has no reference solutions)
endif

comma := ,
LESSON_DIR := $(TOP)/lessons/$(LESSON)
IMPL_DIR := $(TOP)/$(IMPL)/$(LESSON)
TEST_DIR := $(TOP)/tests/$(LESSON)
# `make debug` builds without optimisation, apart from everything else (DEBUG_BUILD=yes).
BUILD := $(TOP)/build/$(IMPL)$(if $(SANITIZE),-$(subst $(comma),-,$(SANITIZE)))$(if $(DEBUG_BUILD),-debug)/$(LESSON)
DIAGRAMS := $(TOP)/slides/diagrams

CC ?= cc
# The ThreadSanitizer build of a lesson that names its own compiler for it (see the header).
ifneq ($(THREAD_SANITIZER_CC),)
ifneq ($(filter thread,$(subst $(comma), ,$(SANITIZE))),)
CC := $(THREAD_SANITIZER_CC)
endif
endif
# What the programs of this build run with: THREAD_SANITIZER_ENV in the ThreadSanitizer build.
RUN_ENVIRONMENT := $(if $(filter thread,$(subst $(comma), ,$(SANITIZE))),$(THREAD_SANITIZER_ENV))
CFLAGS ?= $(if $(DEBUG_BUILD),-O0 -g3,-O2 -g)
WARNINGS := -Wall -Wextra
SANITIZER_FLAGS := $(if $(SANITIZE),-fsanitize=$(SANITIZE) -fno-omit-frame-pointer)
KIT_CFLAGS := -std=c11 $(WARNINGS) -pthread $(SANITIZER_FLAGS) $(EXTRA_CFLAGS)
KIT_CPPFLAGS := -D_POSIX_C_SOURCE=200809L -I$(IMPL_DIR) -I$(LESSON_DIR) -I$(TOP)/common \
	$(addprefix -I$(TOP)/lessons/,$(EARLIER_LESSONS))
KIT_LDFLAGS := -pthread $(SANITIZER_FLAGS)

COMMON_SOURCES := args.c io.c sync.c timing.c trace.c waits.c
COMMON_OBJECTS := $(addprefix $(BUILD)/,$(COMMON_SOURCES:.c=.o))
# Hidden tests (tests/LESSON/hidden/*.c) are graded like the others but left out of the
# student edition; a lesson without them links common/no_hidden_tests.c, which adds none.
HIDDEN_DIR := $(TEST_DIR)/hidden
HIDDEN_SOURCES := $(notdir $(wildcard $(HIDDEN_DIR)/*.c))
TEST_SOURCES := $(notdir $(wildcard $(TEST_DIR)/*.c)) \
	$(if $(HIDDEN_SOURCES),$(HIDDEN_SOURCES),no_hidden_tests.c)
TEST_BINARY := $(BUILD)/check-$(LESSON)
BINARIES := $(addprefix $(BUILD)/,$(PROGRAMS))

.PHONY: all run bench check watch progress debug test-binary diagrams hint clean deps tsan asan
.DELETE_ON_ERROR:

all: deps $(BINARIES)
	@$(WRITE_COMPILE_COMMANDS)

# Make checks once that what the lesson is built with is installed (a compiler, make,
# pkg-config, Check, and the lesson's DEPS); the top-level Makefile sets KIT_DEPS_CHECKED so
# a whole-kit build checks only once. Targets that need more check for it themselves.
deps:
ifndef KIT_DEPS_CHECKED
	@sh $(TOP)/common/deps.sh build $(DEPS)
endif

# Where an object's source is: make uses the first of these rules whose source exists, so a
# file students edit comes from solutions/ when IMPL=solutions; everything else comes from the
# lesson, the shared helpers or the tests. (Headers are found in the same order, by -I.)
# Each compile also writes its entry of compile_commands.json (NAME.o.json beside NAME.o): the
# command exactly as run, so that editors (clangd, VS Code) find every header with the kit's
# flags.
COMPILE_COMMAND = $(CC) $(KIT_CPPFLAGS) $(CPPFLAGS) $(KIT_CFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@
define COMPILE
$(COMPILE_COMMAND)
@printf '{ "directory": "%s", "file": "%s", "command": "%s" }\n' \
    "$(CURDIR)" "$(abspath $<)" '$(subst ",\",$(COMPILE_COMMAND))' >$@.json
endef
$(BUILD)/%.o: $(IMPL_DIR)/%.c | $(BUILD)
	$(COMPILE)
$(BUILD)/%.o: $(LESSON_DIR)/%.c | $(BUILD)
	$(COMPILE)
$(BUILD)/%.o: $(TOP)/common/%.c | $(BUILD)
	$(COMPILE)
$(BUILD)/%.o: $(TEST_DIR)/%.c | $(BUILD)
	$(COMPILE)
$(BUILD)/%.o: $(HIDDEN_DIR)/%.c | $(BUILD)
	$(COMPILE)
# Last, the files of EARLIER_LESSONS, the first of them that has it: from its reference solution
# where there is one; in the student edition, from the student's own copy, so that a part built
# on an earlier exercise needs that exercise done. (Their headers are found after this
# lesson's own, by -I.)
define EARLIER_LESSON_RULES
$(BUILD)/%.o: $(TOP)/solutions/$(1)/%.c | $(BUILD)
	$$(COMPILE)
$(BUILD)/%.o: $(TOP)/lessons/$(1)/%.c | $(BUILD)
	$$(COMPILE)
endef
$(foreach earlier,$(EARLIER_LESSONS),$(eval $(call EARLIER_LESSON_RULES,$(earlier))))

# After a build: the lesson's compile_commands.json, of every object built so far, and
# build/compile_commands.json, of every lesson's: clangd looks for build/compile_commands.json
# in each folder above the file it opens, so that one serves the whole kit. Each is written
# whole, then renamed, since lessons may build side by side; it only helps editors, so a
# folder that cannot be written (a read-only copy) fails nothing.
JSON_ARRAY = awk 'BEGIN { print "[" } NR > 1 { print previous "," } { previous = $$0 } \
	END { print previous; print "]" }'
WRITE_COMPILE_COMMANDS = { cat $(BUILD)/*.o.json | $(JSON_ARRAY) >$(BUILD)/compile_commands.json && \
	cat $(TOP)/build/lessons/*/*.o.json $(TOP)/build/solutions/*/*.o.json 2>/dev/null | \
	$(JSON_ARRAY) >$(TOP)/build/compile_commands.json.$$$$ && \
	mv $(TOP)/build/compile_commands.json.$$$$ $(TOP)/build/compile_commands.json; } 2>/dev/null || true

$(BUILD):
	@mkdir -p $@

# Each program NAME links the objects of NAME_SOURCES with the shared helpers.
.SECONDEXPANSION:
$(BINARIES): $(BUILD)/%: $$(addprefix $(BUILD)/,$$($$*_SOURCES:.c=.o)) $(COMMON_OBJECTS)
	$(CC) $(KIT_LDFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

CHECK_FLAGS = $(shell pkg-config --cflags check)
CHECK_LIBS = $(shell pkg-config --libs check)

# The tests link the kit's runner and its test helpers with the lesson's tested sources.
TEST_HELPERS := check_main.o race_report.o results_channel.o test_endings.o test_filter.o rival.o deadlock_watchdog.o deadlock_description.o deadlock_reports.o
$(addprefix $(BUILD)/,$(TEST_SOURCES:.c=.o) $(TEST_HELPERS)): KIT_CPPFLAGS += $(CHECK_FLAGS)

# --wrap sends every tcase_add_test() through the kit's filter first (common/test_filter.h):
# that is how `make check EX=2` and `make debug TEST=name` run only some tests.
$(TEST_BINARY): $(addprefix $(BUILD)/,$(TEST_SOURCES:.c=.o) $(TESTED:.c=.o) $(TEST_HELPERS)) $(COMMON_OBJECTS)
	$(CC) $(KIT_LDFLAGS) $(LDFLAGS) -Wl,--wrap=_tcase_add_test $^ $(CHECK_LIBS) $(LDLIBS) -o $@

test-binary: deps $(TEST_BINARY)
	@$(WRITE_COMPILE_COMMANDS)

run: all
	$(RUN_ENVIRONMENT) $(LAUNCHER) $(BUILD)/$(DEMO) $(RUN_ARGS)

bench: all
	@sh $(TOP)/common/deps.sh bench
	$(LAUNCHER) $(BUILD)/$(DEMO) $(BENCH_ARGS)
	$(BENCH_COMMANDS)

# The demo built with ThreadSanitizer, or with AddressSanitizer and UndefinedBehaviorSanitizer,
# and run on RUN_ARGS. A sanitizer that finds a problem prints a report and the run fails.
tsan:
	+@$(MAKE) --no-print-directory SANITIZE=thread run
asan:
	+@$(MAKE) --no-print-directory SANITIZE=address,undefined run

# Grades this lesson alone, exactly as the top-level `make check LESSON=...` does; EX=N grades
# only exercise N, and TEST=name only that test.
check: deps
	@KIT_EXERCISE="$(EX)" KIT_TEST="$(TEST)" sh $(TOP)/common/grade.sh $(IMPL) $(LESSON)

# On every save, the tests of the exercise you are on (the first not yet passing, or EX=N).
watch: deps
	@sh $(TOP)/common/deps.sh watch 2>/dev/null || \
	    echo "make watch: without inotify-tools, it looks for a save twice a second"
	@sh $(TOP)/common/watch.sh $(IMPL) $(LESSON) "$(EX)"

# Each exercise of this lesson: done, started or not started, with points.
progress: deps
	@sh $(TOP)/common/progress.sh $(IMPL) $(LESSON)

# One test, in the foreground and without fork, under gdb, built without optimisation.
debug: deps
	@sh $(TOP)/common/deps.sh debug
	@sh $(TOP)/common/debug.sh $(IMPL) $(LESSON) "$(TEST)"

# One traced run of the demo, drawn three ways, into slides/diagrams/. A lesson with more to
# draw sets DIAGRAM_COMMANDS: commands (using $(BUILD) and $(TRACE_PREFIX)) that write more
# $(TRACE_PREFIX)-NAME.dot files. Every such file is drawn: *-timeline.dot by `neato -n2`
# (its nodes sit at exact positions), all others by `dot`.
TRACE_PREFIX := $(BUILD)/trace/$(LESSON)
diagrams: all
	@sh $(TOP)/common/deps.sh diagrams
	@rm -rf $(BUILD)/trace
	@mkdir -p $(BUILD)/trace $(DIAGRAMS)
	$(LAUNCHER) $(BUILD)/$(DEMO) $(TRACE_ARGS) --trace $(TRACE_PREFIX)
	$(DIAGRAM_COMMANDS)
	@for source in $(TRACE_PREFIX)-*.dot; do \
	    name=$$(basename $$source .dot); \
	    case $$name in *-timeline) layout="neato -n2" ;; *) layout=dot ;; esac; \
	    for format in svg png pdf; do \
	        $$layout -T$$format $$source -o $(DIAGRAMS)/$$name.$$format || exit 1; \
	    done; \
	    echo "diagrams: $(DIAGRAMS)/$$name.{svg,png,pdf}"; \
	done
	@cp $(TRACE_PREFIX).json $(DIAGRAMS)/$(LESSON)-trace.json
	@echo "diagrams: $(DIAGRAMS)/$(LESSON)-trace.json"

# `make hint EX=2` prints the next hint for exercise 2; each call shows one more.
hint:
	@sh $(TOP)/common/hint.sh $(LESSON_DIR)/hints $(TOP)/build/hints/$(LESSON) "$(EX)"

clean:
	rm -rf $(TOP)/build/*/$(LESSON) $(TOP)/build/hints/$(LESSON)

-include $(wildcard $(BUILD)/*.d)

# For grade.sh and debug.sh: where the test binary of this IMPL is.
print-test-binary:
	@echo $(TEST_BINARY)
# For grade.sh and selftest.sh: the environment that binary runs in (THREAD_SANITIZER_ENV).
print-run-environment:
	@echo $(RUN_ENVIRONMENT)

# For graders: the files of a submission that are graded.
print-exercise-files:
	@echo $(EXERCISE_FILES)
print-builds-on:
	@echo $(BUILDS_ON)

# For selftest.sh: where the programs of this IMPL are, and arguments they must reject.
print-build-folder:
	@echo $(BUILD)
print-programs:
	@echo $(PROGRAMS)
print-bad-arguments-$(DEMO):
	@echo $(BAD_ARGS)
print-bad-arguments-%:
	@echo $(BAD_ARGS_$*)
