#!/usr/bin/env bash
# Sets up (scripts/setup.sh) and runs petrel's full test suite: the normal
# build with the default suites and the slow isa-long and reset-long suites, then the host
# side again under AddressSanitizer + UBSan (default suites and the
# reset-long suite).  The last
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
# 1,000 resets under I/O load (tests/guest/run_resetload.py), here and
# under the sanitizers below.
meson test -C build --print-errorlogs --suite reset-long

scripts/setup.sh build-asan -Dsanitize=true
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  meson test -C build-asan --print-errorlogs
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  meson test -C build-asan --print-errorlogs --suite reset-long
