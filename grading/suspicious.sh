#!/bin/sh
# suspicious.sh - lists the constructs in students' C files that could let code fake its own
# test's result, escape the sandbox or harm the grading machine, for an instructor to read.
#
#   sh grading/suspicious.sh LESSON FILE...
#
# prints one line per construct found, for each line of each FILE:
#
#   FILE:LINE: CONSTRUCT: the source line, trimmed
#
# and nothing for a file with none. The exit status is 0 either way (2 for a bad call): a line
# here is a reason to read the code, not a verdict.
#
# Why read the source: in C the code under test runs in the same process as its test's
# checks, so a determined submission could reach into Check, the kit's runner or the machine
# from inside and make a failing test pass. The sandbox limits what such code can do; this
# report says who tried.
#
# What is allowed: each lesson's Makefile sets ALLOWED_CONSTRUCTS, the constructs its
# exercises legitimately use (lesson 01 forks children, lesson 08 uses sockets). A word in it
# is either a CONSTRUCT name below, a blank written as - ("socket", "endless-loop"), or one
# call's name ("fork", "_exit"), and allows what it names in that lesson's files; an allowed
# _exit is still reported where it would end the test's own process rather than a child's.
# Headers need no list: a file may include a standard C header, unistd.h, the lesson's own
# headers, and any header the lesson's own files include.
#
# The file is read much as the compiler reads it: trigraphs replaced, lines ending in a
# backslash joined, comments removed and the insides of string literals set aside, so a word
# in a comment or a string does not count. String literals are checked on their own, for
# paths. A construct hidden behind a macro is still found where the macro calls it, and one
# whose name is passed as a string (dlsym(h, "exit")) is found by the call it is passed to.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)

if [ $# -lt 2 ]; then
    echo "usage: sh grading/suspicious.sh LESSON FILE..." >&2
    exit 2
fi
lesson=$1
shift
lesson_dir=$top/lessons/$lesson
if [ ! -f "$lesson_dir/Makefile" ]; then
    echo "suspicious.sh: no lesson $lesson in $top/lessons" >&2
    exit 2
fi

# The lesson's allowed constructs, as make reads its Makefile (one source of truth). The
# variables of an outer make (grade-all runs under make) are cleared so they change nothing.
allowed=$(MAKEFLAGS= MAKELEVEL= make -s --no-print-directory -C "$lesson_dir" IMPL=lessons \
    --eval 'print-allowed-constructs: ; @echo $(ALLOWED_CONSTRUCTS)' \
    print-allowed-constructs) || exit 2

# Headers a file of this lesson may include: the lesson's own, and those its own files include.
headers=$(cd "$lesson_dir" && {
    ls -- *.h 2>/dev/null
    sed -n 's/^[ \t]*#[ \t]*include[ \t]*[<"]\([^>"]*\)[>"].*/\1/p' -- *.c *.h 2>/dev/null
} | sort -u | tr '\n' ' ')

# The functions the C library declares, as the compiler sees its headers. A file that
# defines one of them without `static` replaces it in the whole test program, the checks
# included: a strcmp that always says "equal" passes every ck_assert_str_eq. Without a
# compiler the list is empty and that check is left out.
library_functions=$(
    # __has_include leaves out a header this system lacks, instead of failing the whole list.
    for header in arpa/inet.h assert.h ctype.h dirent.h dlfcn.h err.h errno.h fcntl.h \
        getopt.h inttypes.h libgen.h locale.h math.h netdb.h netinet/in.h poll.h pthread.h \
        sched.h semaphore.h setjmp.h signal.h spawn.h stdatomic.h stdio.h stdlib.h string.h \
        strings.h sys/epoll.h sys/eventfd.h sys/mman.h sys/prctl.h sys/ptrace.h \
        sys/resource.h sys/select.h sys/socket.h sys/stat.h sys/time.h sys/uio.h \
        sys/wait.h threads.h time.h unistd.h wchar.h; do
        printf '#if __has_include(<%s>)\n#include <%s>\n#endif\n' "$header" "$header"
    done | { echo '#define _GNU_SOURCE'; cat; } | ${CC:-cc} -E -P -x c - 2>/dev/null |
    grep -o '[A-Za-z_][A-Za-z0-9_]*[ \t]*(' | sed 's/[ \t]*($//' | sort -u | tr '\n' ' ')

for file in "$@"; do
    if [ ! -r "$file" ]; then
        echo "suspicious.sh: cannot read $file" >&2
        exit 2
    fi
done

awk -v sq="'" -v allowed_list="$allowed" -v header_list="$headers" \
    -v library_list="$library_functions" '
# Each CONSTRUCT and the names that make it. A name counts where it stands as a word of code,
# called or not (a pointer to exit is as good as a call), but not as a member (x.open, p->read)
# or a struct tag (struct stat).
BEGIN {
    group("constructor", "constructor destructor __constructor__ __destructor__")
    group("exit", "exit _exit _Exit abort atexit at_quick_exit quick_exit pthread_exit " \
        "thrd_exit __builtin_trap")
    group("fork", "fork vfork clone clone3 posix_spawn posix_spawnp pthread_atfork")
    group("exec", "execl execle execlp execv execve execvp execvpe execveat fexecve system " \
        "popen")
    group("ptrace", "ptrace process_vm_readv process_vm_writev")
    group("process control", "prctl setsid daemon setpgid setpgrp setrlimit prlimit " \
        "setuid setgid seteuid setegid setresuid chroot unshare setns nice setpriority " \
        "wait waitpid waitid wait3 wait4 pthread_cancel")
    group("signal handler", "signal sigaction sigset sysv_signal bsd_signal sigprocmask " \
        "pthread_sigmask signalfd")
    group("signal", "raise kill killpg tgkill tkill pthread_kill sigqueue alarm ualarm " \
        "setitimer timer_create")
    # No exercise sleeps; a process that lingers (a daemon) does.
    group("sleep", "sleep usleep nanosleep clock_nanosleep pause")
    group("longjmp", "setjmp longjmp sigsetjmp siglongjmp _longjmp __builtin_longjmp " \
        "__builtin_setjmp")
    group("stack tricks", "__builtin_frame_address __builtin_return_address " \
        "__builtin_extract_return_addr __builtin_apply")
    group("mprotect", "mprotect mmap mmap64 munmap mremap brk sbrk madvise mlock mlockall " \
        "shm_open shmget shmat memfd_create")
    group("dlopen", "dlopen dlsym dlvsym dladdr dlinfo dlmopen")
    group("syscall", "syscall")
    group("inline assembly", "asm __asm __asm__")
    group("file access", "fopen fopen64 freopen fdopen open open64 openat openat2 creat " \
        "unlink unlinkat remove rename renameat renameat2 mkdir mkdirat rmdir opendir " \
        "fdopendir readdir scandir nftw ftw chdir fchdir chmod fchmod chown truncate " \
        "ftruncate link linkat symlink symlinkat readlink access faccessat stat lstat " \
        "fstatat mkstemp mkstemps mkdtemp tmpfile tmpnam tempnam mkfifo mknod fallocate " \
        "posix_fallocate sendfile copy_file_range")
    group("file descriptors", "read write close pipe pipe2 dup dup2 dup3 fcntl ioctl lseek " \
        "pread pwrite readv writev splice tee vmsplice close_range closefrom read_all " \
        "write_all eventfd epoll_create epoll_create1 epoll_ctl epoll_wait epoll_pwait poll " \
        "ppoll select pselect inotify_init inotify_init1 timerfd_create")
    group("socket", "socket socketpair connect bind listen accept accept4 send sendto " \
        "sendmsg recv recvfrom recvmsg shutdown setsockopt getsockopt getaddrinfo " \
        "gethostbyname")
    group("environment", "getenv secure_getenv setenv unsetenv putenv clearenv environ " \
        "__environ _environ")
    group("pragma", "_Pragma")

    # Words that are C, for "#define if ..." and the like.
    split("auto break case char const continue default do double else enum extern float " \
        "for goto if inline int long register restrict return short signed sizeof static " \
        "struct switch typedef union unsigned void volatile while _Bool _Atomic _Noreturn " \
        "_Static_assert _Thread_local", words, " ")
    for (i in words)
        keyword[words[i]] = 1

    words_into(allowed, allowed_list)
    words_into(header_ok, header_list)
    words_into(library_function, library_list)
    # The standard C headers, POSIX threads and unistd.h (for sleep and the like, when a
    # student slows a thread down to see a race): any lesson may include these. What they
    # declare is reported where it is called.
    words_into(header_ok, "assert.h complex.h ctype.h errno.h fenv.h float.h inttypes.h " \
        "iso646.h limits.h locale.h math.h stdalign.h stdarg.h stdatomic.h stdbool.h " \
        "stddef.h stdint.h stdio.h stdlib.h stdnoreturn.h string.h tgmath.h threads.h " \
        "time.h uchar.h wchar.h wctype.h pthread.h sched.h semaphore.h unistd.h sys/types.h " \
        "sys/time.h")
}

function group(construct, names,    n, i, w) {
    n = split(names, w, " ")
    for (i = 1; i <= n; i++)
        construct_of[w[i]] = construct
}

# Whether the lesson allows WORD, or CONSTRUCT (written in the list with - for each blank:
# endless-loop, file-descriptors).
function is_allowed(word, construct,    name) {
    name = construct
    gsub(/ /, "-", name)
    return (word in allowed) || (name in allowed)
}

function words_into(set, list,    n, i, w) {
    n = split(list, w, " ")
    for (i = 1; i <= n; i++)
        set[w[i]] = 1
}

# Reports CONSTRUCT at physical line LINE, once per line and construct, unless the lesson
# allows it, or allows WORD, the name that made it (the name of a call, or "").
function report(line, construct, word,    text) {
    if (is_allowed(word, construct) || (line, construct) in reported)
        return
    reported[line, construct] = 1
    text = source[line]
    gsub(/^[ \t]+|[ \t\r]+$/, "", text)
    print file ":" line ": " construct ": " text
}

# The physical line that position P of the logical line comes from.
function line_at(p,    k) {
    for (k = pieces; k > 1 && piece_start[k] > p; k--)
        ;
    return piece_line[k]
}

# Starts a new file: nothing carries over from the last one.
function start_file() {
    in_block_comment = 0
    trigraphs = 0
    depth = 0
    head = ""
    logical = ""
    pieces = 0
    delete reported
    delete source
    delete variable
    delete forks
    delete child_side
    calls = 0
    child_exits = 0
    function_name = ""
    file = FILENAME
}

FNR == 1 {
    if (NR > 1)
        end_file()
    start_file()
}

# Phase 1 and 2 of reading C: trigraphs (which -std=c11 honours, and which could hide a quote
# or a backslash from this script) are replaced, and a line ending in a backslash is joined
# to the next. Each piece remembers its physical line, so reports name the right one.
{
    source[FNR] = $0
    text = $0
    if (text ~ /\?\?/)
        text = replace_trigraphs(text)
    gsub(/%:/, "#", text)      # the digraph of # (it could start a directive unseen)
    pieces++
    piece_start[pieces] = length(logical) + 1
    piece_line[pieces] = FNR
    if (text ~ /\\$/) {
        logical = logical substr(text, 1, length(text) - 1)
        next
    }
    logical = logical text
    logical_line()
    logical = ""
    pieces = 0
}

END {
    if (NR > 0)
        end_file()
}

function end_file() {
    if (logical != "")
        logical_line()
    check_child_exits()
}

# TEXT with its trigraphs replaced; where each replacement lands in the logical line is kept
# in trigraph_at, to report those that stand in code (not in comments or literals).
function replace_trigraphs(text,    out, i, m) {
    out = ""
    for (i = 1; i <= length(text); i++) {
        m = index("=/" sq "()!<>-", substr(text, i + 2, 1))
        if (substr(text, i, 2) == "??" && m > 0 && i + 2 <= length(text)) {
            out = out substr("#\\^[]|{}~", m, 1)
            trigraph_at[++trigraphs] = length(logical) + length(out)
            i += 2
        } else
            out = out substr(text, i, 1)
    }
    return out
}

# Reads one logical line: blanks its comments and the insides of its string and character
# literals (keeping positions, so each word keeps its line), checks the literals, then the
# words, the directives and the definitions left.
function logical_line(    code, n, i, c, next_c, quote, literal, literal_at, is_directive) {
    code = ""
    n = length(logical)
    nliterals = 0
    for (i = 1; i <= n; i++) {
        c = substr(logical, i, 1)
        next_c = substr(logical, i + 1, 1)
        if (in_block_comment) {
            if (c == "*" && next_c == "/") {
                in_block_comment = 0
                code = code "  "
                i++
            } else
                code = code " "
        } else if (c == "/" && next_c == "*") {
            in_block_comment = 1
            code = code "  "
            i++
        } else if (c == "/" && next_c == "/") {
            for (; i <= n; i++)
                code = code " "
        } else if (c == "\"" || c == sq) {
            # A literal: keep its quotes, blank what is inside, and keep its text aside.
            quote = c
            literal = ""
            literal_at = i
            code = code c
            for (i++; i <= n; i++) {
                c = substr(logical, i, 1)
                if (c == "\\") {
                    literal = literal c substr(logical, i + 1, 1)
                    code = code "  "
                    i++
                } else if (c == quote) {
                    break
                } else {
                    literal = literal c
                    code = code " "
                }
            }
            if (i <= n)
                code = code quote
            if (quote == "\"") {
                nliterals++
                literals[nliterals] = literal
                literal_line[nliterals] = line_at(literal_at)
            }
        } else
            code = code c
    }

    for (i = 1; i <= trigraphs; i++)
        if (substr(code, trigraph_at[i], 1) != " ")
            report(line_at(trigraph_at[i]), "trigraph")
    trigraphs = 0

    # An #include is checked by the header it names, and only so (the words of
    # <sys/socket.h> call nothing).
    if (code ~ /^[ \t]*#[ \t]*(include|import)/) {
        directive(code)
        return
    }
    is_directive = code ~ /^[ \t]*#/
    if (is_directive)
        directive(code)
    for (i = 1; i <= nliterals; i++)
        check_literal(literals[i], literal_line[i])
    check_words(code)
    check_loops(code)
    if (!is_directive)
        check_definitions(code)
}

# A string literal that names a place on the machine.
function check_literal(s, line) {
    if (s ~ /(^|\/)proc(\/|$)/ && s ~ /^\//)
        report(line, "/proc")
    else if (s ~ /^\/dev(\/|$)/)
        report(line, "/dev")
    else if (s ~ /init_array|fini_array|\.ctors|\.dtors/)
        report(line, "constructor")
    else if (s ~ /^\// || s ~ /(^|\/)\.\.(\/|$)/ || s ~ /^~\//)
        report(line, "path")
}

# Preprocessor directives: includes of headers the lesson does not use, C keywords redefined,
# pragmas (one can rename a function for the linker) and #line (it moves compiler messages).
# An OpenMP pragma (#pragma omp ...) is a construct of its own, "openmp pragma", which a lesson
# written with OpenMP allows without allowing every other pragma.
function directive(code,    line, name, rest) {
    line = line_at(index(code, "#"))
    rest = code
    sub(/^[ \t]*#[ \t]*/, "", rest)
    name = rest
    sub(/[^A-Za-z_].*/, "", name)
    rest = substr(rest, length(name) + 1)
    sub(/^[ \t]+/, "", rest)
    if (name == "include" || name == "include_next" || name == "import") {
        if (substr(rest, 1, 1) == "<" && index(rest, ">") > 0)
            rest = substr(rest, 2, index(rest, ">") - 2)
        else if (substr(rest, 1, 1) == "\"" && nliterals > 0)
            rest = literals[1]
        else
            rest = ""     # a header named by a macro: where it leads cannot be read here
        if (name != "include" || !(rest in header_ok))
            report(line, "include")
        return
    } else if (name == "define" || name == "undef") {
        sub(/[^A-Za-z0-9_].*/, "", rest)
        if (rest in keyword)
            report(line, "macro")
        if (code ~ /##/)
            report(line, "token pasting")
    } else if (name == "pragma") {
        if (rest ~ /^omp([ \t]|$)/)
            report(line, "openmp pragma")
        else if (rest !~ /^once[ \t]*$/)
            report(line, "pragma")
    } else if (name == "line" || (name == "" && rest ~ /^[0-9]/))
        report(line, "line directive")
}

# Every word of the code, looked up in the table of BEGIN, and those that belong to Check or
# to the runner of the kit and test helpers (a submission has no business with either).
function check_words(code,    rest, offset, at, word, before, construct) {
    rest = code
    offset = 0
    while (match(rest, /[A-Za-z_][A-Za-z0-9_]*|[0-9][0-9A-Za-z_.]*/)) {
        word = substr(rest, RSTART, RLENGTH)
        at = offset + RSTART
        before = substr(code, 1, at - 1)
        offset += RSTART + RLENGTH - 1
        rest = substr(rest, RSTART + RLENGTH)
        if (word ~ /^[0-9]/) {
            if (number_value(word) >= 16777216)
                report(line_at(at), "large number")
            continue
        }
        if (before ~ /(\.|->)[ \t]*$/ || before ~ /(^|[^A-Za-z0-9_])(struct|union|enum)[ \t]+$/)
            continue
        construct = construct_of[word]
        if (substr(after_blanks(rest), 1, 1) == "(") {
            # who calls what, for check_child_exits (at depth 0 it is a declaration; a body
            # on the same line as its head counts as outside any function: reported)
            if (depth > 0) {
                calls++
                caller[calls] = function_name
                callee[calls] = word
            }
            if (word == "fork" || word == "vfork")
                forks[function_name] = 1
            if ((word == "_exit" || word == "_Exit") && is_allowed(word, construct)) {
                child_exits++
                exit_function[child_exits] = depth > 0 ? function_name : ""
                exit_line[child_exits] = line_at(at)
                continue
            }
        } else if (construct != "") {
            # Not called here: a variable of that name (bool open = ...; if (open)) is
            # harmless, a pointer to the function (atexit(f), p = exit) is not.
            if (word in variable)
                continue
            if (is_declaration(before, rest)) {
                variable[word] = 1
                continue
            }
        }
        if (construct == "") {
            if (word ~ /^(ck_|CK_|srunner|tcase_|suite_)/ ||
                word ~ /^(START_TEST|END_TEST|Suite|TCase|SRunner|TestResult|tr_msg)$/)
                construct = "Check internals"
            else if (word ~ /^(kit_|KIT_|race_report|results_channel|rival(_|$)|check_main)/)
                construct = "the test runner"
            else
                continue
        }
        # on the line where the word ends, with its call (it may start on a line before)
        report(line_at(at + length(word) - 1), construct, word)
    }
}

# A lesson that allows _exit allows it for a child process (lesson 01 ends each child with
# it). Called in the test process itself, it ends the test with status 0 before any check
# fails, which Check counts as a pass. So an allowed _exit is still reported unless the
# function that calls it is on a child side: it calls fork itself, or it is called, and only
# from functions on a child side (run_child, called by the function that forks).
function check_child_exits(    changed, i, k, f, callers_ok, called) {
    if (child_exits == 0)
        return
    for (k = 1; k <= calls; k++)
        if (caller[k] in forks)
            child_side[caller[k]] = 1
    do {
        changed = 0
        for (k = 1; k <= calls; k++) {
            f = callee[k]
            if (f in child_side)
                continue
            callers_ok = 1
            called = 0
            for (i = 1; i <= calls; i++)
                if (callee[i] == f) {
                    called = 1
                    if (!(caller[i] in child_side))
                        callers_ok = 0
                }
            if (called && callers_ok) {
                child_side[f] = 1
                changed = 1
            }
        }
    } while (changed)
    for (k = 1; k <= child_exits; k++)
        if (exit_function[k] == "" || !(exit_function[k] in child_side))
            report(exit_line[k], "exit")
}

# Whether the word between BEFORE and AFTER is declared there as a variable or a parameter:
# it follows a type (a word, or a word and stars) and is followed by = ; , ) or [.
function is_declaration(before, after,    previous) {
    if (substr(after_blanks(after), 1, 1) !~ /[=;,)[]/)
        return 0
    previous = before
    sub(/[ \t*]+$/, "", previous)
    if (previous ~ /,$/) {
        # one more of a list (int read, write;) when the statement so far has no call or
        # assignment in it; an argument (f(a, exit)) is not a declaration
        sub(/.*[;{}]/, "", previous)
        return previous !~ /[(=]/ && previous ~ /[A-Za-z_]/
    }
    if (!match(previous, /[A-Za-z_][A-Za-z0-9_]*$/))
        return 0
    previous = substr(previous, RSTART)
    return previous !~ /^(return|case|sizeof|goto|else|do)$/
}

function after_blanks(s) {
    sub(/^[ \t]+/, "", s)
    return s
}

# The value of an integer literal (or a decimal floating one), as near as awk can say.
function number_value(word,    digits, value, i) {
    if (word ~ /^0[xX][0-9a-fA-F]+[uUlL]*$/) {
        digits = tolower(substr(word, 3))
        sub(/[ul]+$/, "", digits)
        value = 0
        for (i = 1; i <= length(digits); i++)
            value = value * 16 + index("0123456789abcdef", substr(digits, i, 1)) - 1
        return value
    }
    if (word ~ /^[0-9]+(\.[0-9]*)?([eE][0-9]+)?[uUlLfF]*$/) {
        sub(/[uUlLfF]+$/, "", word)
        return word + 0
    }
    return 0
}

# Loops that never end by their own condition (a fork bomb, a memory hog, an output flood
# written the plain way: for (;;), for (i = 0; ; i++), while (1)), and shifts and products
# of literals that make numbers of 2^24 or more (1 << 30, 1024 * 1024 * 1024).
function check_loops(code,    rest, offset) {
    rest = code
    offset = 0
    while (match(rest, "(^|[^A-Za-z0-9_])(for[ \t]*\\([^;()]*;[ \t]*;|" \
                       "while[ \t]*\\([ \t]*(1|true|!0)[ \t]*\\))")) {
        report(line_at(offset + RSTART + 1), "endless loop")
        offset += RSTART + RLENGTH - 1
        rest = substr(rest, RSTART + RLENGTH)
    }
    rest = code
    offset = 0
    while (match(rest, /<<[ \t]*(2[4-9]|[3-9][0-9]|[1-9][0-9][0-9])/)) {
        report(line_at(offset + RSTART), "large number")
        offset += RSTART + RLENGTH - 1
        rest = substr(rest, RSTART + RLENGTH)
    }
    rest = code
    offset = 0
    # (a run of digits, letters, blanks and stars: factors that are not all literals give 0)
    while (match(rest, /[0-9][0-9A-Za-z \t*]*[0-9A-Za-z]/)) {
        if (product(substr(rest, RSTART, RLENGTH)) >= 16777216)
            report(line_at(offset + RSTART), "large number")
        offset += RSTART + RLENGTH - 1
        rest = substr(rest, RSTART + RLENGTH)
    }
}

function product(text,    n, i, factors, value) {
    n = split(text, factors, "*")
    value = 1
    for (i = 1; i <= n; i++) {
        gsub(/[ \t]/, "", factors[i])
        value *= number_value(factors[i])
    }
    return value
}

# Functions defined at file scope without `static` under the name of a function of the C
# library (see library_functions above).
function check_definitions(code,    n, i, c) {
    n = length(code)
    for (i = 1; i <= n; i++) {
        c = substr(code, i, 1)
        if (depth > 0) {
            if (c == "{")
                depth++
            else if (c == "}" && --depth == 0) {
                delete variable     # the variables of a function end with it
                function_name = ""
            }
        } else if (c == "{") {
            definition_head()
            depth = 1
            head = ""
        } else if (c == ";" || c == "}") {
            head = ""
        } else {
            head = head c
            head_line[length(head)] = line_at(i)
        }
    }
}

# HEAD is what came before a { at file scope: a function definition when it ends in a
# parameter list and assigns nothing. Its name is the first word at parenthesis depth 0
# followed by "(" that is not an attribute.
function definition_head(    n, i, c, rest, parens, word, word_at, name, name_at, is_static) {
    function_name = ""
    if (head !~ /\)[ \t]*$/ || head ~ /=/)
        return
    n = length(head)
    parens = 0
    word = ""
    for (i = 1; i <= n + 1; i++) {
        c = substr(head, i, 1)
        if (c ~ /[A-Za-z0-9_]/) {
            if (word == "")
                word_at = i
            word = word c
            continue
        }
        if (word != "" && parens == 0) {
            if (word == "static")
                is_static = 1
            if (c ~ /[ \t]/) {
                # the word may still be followed by its "(" after blanks
                rest = substr(head, i)
                sub(/^[ \t]+/, "", rest)
                c = substr(rest, 1, 1)
            }
            if (c == "(" && word !~ /^(__attribute__|__declspec|_Alignas|alignas|typeof)$/ &&
                word != "__typeof__") {
                name = word
                name_at = word_at
                break
            }
            c = substr(head, i, 1)
        }
        word = ""
        if (c == "(")
            parens++
        else if (c == ")")
            parens--
    }
    function_name = name
    if (name != "" && !is_static && (name in library_function))
        report(head_line[name_at], "library function")
}
' "$@"
