#!/bin/sh
# Gradescope runs this once, as root, when it builds the assignment's image: it installs what
# the kit needs to build, test and sandbox (common/deps.sh), as on any Debian or Ubuntu.
set -eu
cd /autograder/source/kit
apt-get update -qq
sh common/deps.sh build images openmp mpi grading
