#!/usr/bin/env bash
# Builds main.swift with -Onone and -O and says whether this toolchain still miscompiles it.
# Exit 0: -O is correct (the workaround in fetchAll/SourceFetcher may go); 1: still miscompiled.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
swiftc --version 2>&1 | head -1
swiftc -Onone -parse-as-library "$here/main.swift" -o "$out/debug"
swiftc -O -parse-as-library "$here/main.swift" -o "$out/release"
echo "-Onone: $("$out/debug")"
result=$("$out/release")
echo "-O:     $result"
[ "$result" = ok ]
