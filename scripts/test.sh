#!/usr/bin/env bash
# The test command: installs what the tests need (C libraries, aiosmtpd, headless Chromium with
# CJK fonts; see scripts/install-deps.sh), then builds and runs the whole suite.
#
#     scripts/test.sh                       # everything
#     scripts/test.sh --filter DigestRenderer   # arguments go to `swift test`
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh chromium fonts-noto-cjk
swift build && swift test "$@"
