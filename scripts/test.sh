#!/usr/bin/env bash
# The test command: installs what the tests need (C libraries, aiosmtpd, headless Chromium with
# CJK fonts, chromium-driver and Selenium for the serve pages, Dovecot for the mailbox tests; see
# scripts/install-deps.sh), then builds and runs the whole suite.
#
#     scripts/test.sh                       # everything
#     scripts/test.sh --filter DigestRenderer   # arguments go to `swift test`
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh chromium fonts-noto-cjk chromium-driver dovecot-imapd dovecot-pop3d
swift build && swift test "$@"
