#!/usr/bin/env bash
# Reproduces issue 9's release crash: runs `newsletter fetch` RUNS times (default 40) against the
# bundled fixture site (Tests/NewsletterKitTests/Resources/site/2019-06-01) served on 127.0.0.1,
# each run with a fresh state folder (fetch never connects to the SMTP URL), and counts the runs that died on a signal.
#
#   scripts/repro-release-crash.sh [RUNS] [BINARY]
#
# BINARY defaults to the release build in .build-release (built first when missing or stale:
# `swift build -c release --scratch-path .build-release`). Exit status 0 when no run crashed,
# 1 otherwise. Logs of crashed runs stay in the printed work folder.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-40}
bin=${2:-}
cd "$repo"
if [ -z "$bin" ]; then
    swift build -c release --scratch-path .build-release --product newsletter >/dev/null
    bin="$(swift build -c release --scratch-path .build-release --show-bin-path)/newsletter"
fi
work=$(mktemp -d /tmp/newsletter-crash.XXXXXX)
echo "$repo/Tests/NewsletterKitTests/Resources/site/2019-06-01" >"$work/root.txt"
python3 Tests/Support/http_server.py --root-file "$work/root.txt" --ready-file "$work/http.port" \
    --lifetime 3600 --parent-pid $$ >/dev/null &
http_pid=$!
trap 'kill $http_pid 2>/dev/null || true' EXIT
deadline=$((SECONDS + 20))
until [ -s "$work/http.port" ]; do
    [ $SECONDS -lt $deadline ] || { echo "the loopback HTTP server did not start" >&2; exit 2; }
    sleep 0.05
done
port=$(cat "$work/http.port")

crashed=0
failed=0
for run in $(seq 1 "$runs"); do
    dir="$work/run-$run"
    mkdir -p "$dir"
    sed -e "s#SITE_URL#http://127.0.0.1:$port#" -e "s#SMTP_URL#smtp://127.0.0.1:9#" -e "s#\.\./Subscribers/#$repo/Subscribers/#" \
        -e "s#\.\./Templates#$repo/Templates#" Example/newsletter.yml >"$dir/newsletter.yml"
    set +e
    "$bin" fetch --config "$dir/newsletter.yml" --now 2019-06-08T08:00:00+08:00 >"$dir/out.log" 2>&1
    status=$?
    set -e
    if [ $status -ge 128 ]; then
        crashed=$((crashed + 1))
        echo "run $run: killed by signal $((status - 128))"
    elif [ $status -ne 0 ]; then
        failed=$((failed + 1))
        echo "run $run: exit $status (see $dir/out.log)"
    else
        rm -rf "$dir"
    fi
done
echo "crashed: $crashed of $runs runs (other failures: $failed) binary: $bin work: $work"
[ $crashed -eq 0 ]
