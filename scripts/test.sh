#!/usr/bin/env bash
# Sets up (scripts/setup.sh) and runs petrel's full test suite: the normal
# build with the default suites and the slow isa-long suite, then the host
# side again under AddressSanitizer + UBSan (default suites).  The last
# thing printed is the test runner's summary.
#
#   scripts/test.sh
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

scripts/setup.sh build
meson test -C build --print-errorlogs
# The slow suite: 10 million differential ISA vectors against qemu-user.
meson test -C build --print-errorlogs --suite isa-long

scripts/setup.sh build-asan -Dsanitize=true
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  meson test -C build-asan --print-errorlogs
