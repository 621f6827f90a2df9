#!/usr/bin/env bash
# Builds newsletter in release mode and copies the one executable to PREFIX (default /usr/local/bin).
#
#     scripts/install.sh                      # -> /usr/local/bin/newsletter (uses sudo when needed)
#     PREFIX=$HOME/.local/bin scripts/install.sh
#     scripts/install.sh --prefix DIR
#
# Installs the C libraries first (scripts/install-deps.sh). The Swift runtime is linked in
# statically (--static-swift-stdlib), so the installed binary runs without the toolchain; it
# still needs libcurl, libxml2 and libsqlite3, which install-deps.sh puts on the machine.
# Nothing else is copied: templates are built in (`newsletter init` writes editable copies).
set -euo pipefail
cd "$(dirname "$0")/.."

prefix="${PREFIX:-/usr/local/bin}"
while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) prefix="$2"; shift 2 ;;
        --prefix=*) prefix="${1#--prefix=}"; shift ;;
        -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "install.sh: unknown argument '$1' (try --help)" >&2; exit 64 ;;
    esac
done

scripts/install-deps.sh
echo "building newsletter in release mode (10-15 minutes the first time on 2 cores; progress every 30 s)…"
log=$(mktemp)
swift build -c release --scratch-path .build-release --product newsletter --static-swift-stdlib >"$log" 2>&1 &
build=$!
waited=0
while kill -0 "$build" 2>/dev/null; do
    sleep 1
    waited=$((waited + 1))
    if [ $((waited % 30)) -eq 0 ] && kill -0 "$build" 2>/dev/null; then
        step=$( (grep -o '^\[[0-9]*/[0-9]*\]' "$log" || true) | tail -n 1)
        what=$( (grep '^\[' "$log" || true) | tail -n 1 | cut -c1-70 | sed 's/^\[[0-9/]*\] //')
        echo "  ${waited} s: ${step:-resolving packages} ${what}"
    fi
done
if ! wait "$build"; then
    cat "$log" >&2; rm -f "$log"; exit 1
fi
rm -f "$log"
binary="$(swift build -c release --scratch-path .build-release --show-bin-path)/newsletter"

sudo=""
if ! mkdir -p "$prefix" 2>/dev/null || [ ! -w "$prefix" ]; then
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
fi
$sudo mkdir -p "$prefix"
$sudo install -m 0755 "$binary" "$prefix/newsletter"
echo "installed $prefix/newsletter ($("$prefix/newsletter" --version))"
case ":$PATH:" in
    *":$prefix:"*) ;;
    *) echo "note: $prefix is not on your PATH; cron and your shell need the full path $prefix/newsletter" ;;
esac
