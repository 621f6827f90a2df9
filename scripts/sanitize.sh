#!/usr/bin/env bash
# Builds and runs the test suite under AddressSanitizer, under ThreadSanitizer and in release mode
# (issue 9: the release build crashed where the debug build never did).
#
#   scripts/sanitize.sh [address] [thread] [release] [-- SWIFT-TEST-ARGS…]   (no mode: all three)
#
# Each mode keeps its own scratch folder so that switching never rebuilds the others:
#   address  .build-asan           swift test --sanitize=address
#   thread   .build-tsan           swift test --sanitize=thread
#   release  .build-release-tests  swift test -c release -Xswiftc -enable-testing (for @testable import),
#            then scripts/repro-release-crash.sh with that release binary (the end-to-end tests in the
#            suite also run against it).
# The sanitizer runtimes come with the Swift toolchain (usr/lib/swift/clang/lib/linux/libclang_rt.{asan,
# tsan}-x86_64.*): no Debian package is needed (libclang-rt-14-dev is only for the system clang-14).
# Arguments after `--` go to `swift test` (e.g. `-- --filter FetchAllOrderTests`).
# Exit status: non-zero as soon as one mode fails.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
modes=()
while [ $# -gt 0 ]; do
    case "$1" in
        address | thread | release) modes+=("$1") ;;
        --) shift; break ;;
        *) echo "usage: $0 [address] [thread] [release] [-- swift-test-args…]" >&2; exit 2 ;;
    esac
    shift
done
[ ${#modes[@]} -gt 0 ] || modes=(address thread release)
# Tests that need a tool fail (rather than skip) when it is missing, as under CI.
export CI="${CI:-1}"

step() { echo "== $* ($(date -u +%H:%M:%S))"; }

for mode in "${modes[@]}"; do
    start=$SECONDS
    case "$mode" in
        address)
            # detect_leaks=0: the Swift runtime's metadata caches and libxml2/libcurl globals live until
            # exit by design; leak checking would report them, not bugs. Everything else aborts at once.
            export ASAN_OPTIONS="detect_leaks=0:halt_on_error=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1"
            step "AddressSanitizer build"
            swift build --build-tests --scratch-path .build-asan --sanitize=address
            step "AddressSanitizer tests"
            swift test --skip-build --scratch-path .build-asan --sanitize=address "$@"
            ;;
        thread)
            export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1"
            # Tests that cannot run under ThreadSanitizer read this (DiskFullEndToEndTests: see there).
            export NEWSLETTER_SANITIZER=thread
            step "ThreadSanitizer build"
            swift build --build-tests --scratch-path .build-tsan --sanitize=thread
            step "ThreadSanitizer tests"
            swift test --skip-build --scratch-path .build-tsan --sanitize=thread "$@"
            unset NEWSLETTER_SANITIZER
            ;;
        release)
            step "release build (with -enable-testing)"
            swift build -c release --build-tests --scratch-path .build-release-tests -Xswiftc -enable-testing
            step "release tests"
            swift test -c release --skip-build --scratch-path .build-release-tests -Xswiftc -enable-testing "$@"
            step "release fetch loop"
            bin="$(swift build -c release --scratch-path .build-release-tests -Xswiftc -enable-testing --show-bin-path)"
            scripts/repro-release-crash.sh 10 "$bin/newsletter"
            ;;
    esac
    echo "== $mode passed in $((SECONDS - start)) s"
done
