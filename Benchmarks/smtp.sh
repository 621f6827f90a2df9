#!/usr/bin/env bash
# Send-path speed: `newsletter send` (release build) against Postfix's own load generator, both to
# Postfix's smtp-sink on 127.0.0.1, in one run, with the same message count, message size and
# connection count.
#
#   Benchmarks/smtp.sh [COUNTS] [CONNECTIONS]
#
# COUNTS: recipients per run, default "10000 100000"; CONNECTIONS: default "1 2 4".
# Environment: SCRATCH (release scratch path, default .build-release), KEEP=1 keeps the work folder, PERF=1 runs
# ours under `perf record -g` (RUN/perf.data; the timings then include perf's own cost).
# Needs: postfix (smtp-sink, smtp-source), python3 (the fixture site's HTTP server), /usr/bin/time.
#
# Ours: a digest of the fixture site (Tests/NewsletterKitTests/Resources/site/2019-06-01, served by
# Tests/Support/http_server.py) is frozen first by a run whose SMTP server is unreachable (the run stops
# after one attempt and every delivery stays pending); the timed run resumes it against smtp-sink with
# `rate_per_second: 0`: it loads the subscriber list, composes every message (render and personalise),
# sends it and records the outcome. Reference: `smtp-source -d -s C -m N -l SIZE`, each session kept open
# for many messages, SIZE the size of our message as sent.
# Reported per run: messages/s (wall clock of the whole command), CPU time (user+sys) per 1,000 messages and
# peak RSS (both from /usr/bin/time -v), the peak RSS of the freezing run (it reads the list and stores one
# delivery per recipient; target for both: 64 MiB at 100,000 recipients), and ours/reference.
set -euo pipefail
cd "$(dirname "$0")/.."
COUNTS=${1:-"10000 100000"}
CONNECTIONS=${2:-"1 2 4"}
SCRATCH=${SCRATCH:-.build-release}
REPO=$(pwd)
WORK=$(mktemp -d /tmp/newsletter-smtp-bench.XXXXXX)
chmod 755 "$WORK"
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    if [ "${KEEP:-0}" = 1 ]; then echo "work folder kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

for tool in smtp-sink smtp-source; do
    command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || { echo "$tool not found: apt-get install postfix" >&2; exit 1; }
done
PATH=$PATH:/usr/sbin

echo "== building release ($SCRATCH)"
swift build -c release --scratch-path "$SCRATCH" --product newsletter >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
BIN="$REPO/$SCRATCH/release/newsletter"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() {
    for _ in $(seq 1 200); do
        python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',$1),0.2)" 2>/dev/null && return 0
        sleep 0.05
    done
    echo "nothing listens on 127.0.0.1:$1" >&2; return 1
}

# The fixture site over HTTP.
echo "$REPO/Tests/NewsletterKitTests/Resources/site/2019-06-01" >"$WORK/root.txt"
python3 Tests/Support/http_server.py --root-file "$WORK/root.txt" --ready-file "$WORK/http.port" --lifetime 7200 \
    --parent-pid $$ >/dev/null &
PIDS+=($!)
for _ in $(seq 1 200); do [ -s "$WORK/http.port" ] && break; sleep 0.05; done
HTTP_PORT=$(cat "$WORK/http.port")

# smtp-sink: as root it must drop to an unprivileged user.
SINK_PORT=$(free_port)
SINK_USER=()
[ "$(id -u)" = 0 ] && SINK_USER=(-u nobody)
smtp-sink "${SINK_USER[@]}" 127.0.0.1:"$SINK_PORT" 1024 &
PIDS+=($!)
wait_port "$SINK_PORT"
CLOSED_PORT=$(free_port)

config() { # config FILE SMTP_PORT CONNECTIONS SUBSCRIBERS STATE
    cat >"$1" <<EOF
title: 党建周报
subject: "{{title}} {{date}}"
from: "党建周报 <digest@news.example.com>"
reply_to: editor@news.example.com
list_id: weekly.news.example.com
lookback_days: 7
timezone: Asia/Shanghai
sources:
  - name: 党建政法
    url: http://127.0.0.1:$HTTP_PORT/djzf/index.html
    kind: listing
    timezone: Asia/Shanghai
smtp:
  url: smtp://127.0.0.1:$2
  starttls: off
  connections: $3
  rate_per_second: 0
  timeout_seconds: 30
  retry_delays: []
subscribers: $4
state: $5
unsubscribe_url: https://news.example.com/u?l=weekly&t={{token}}
unsubscribe_mailto: unsubscribe@news.example.com
EOF
}

NOW=2019-06-01T08:00:00+08:00
# Rows `email,name,status,token,added`: a mix of Chinese, Latin and empty names, 16-hex-digit tokens.
make_list() {
    python3 - "$1" "$2" <<'PY'
import sys
n, path = int(sys.argv[1]), sys.argv[2]
names = ["测试读者", "Reader", "", "王小明", "O'Brien, Pat"]
with open(path, "w", newline="") as f:
    f.write("email,name,status,token,added\r\n")
    for i in range(n):
        name = names[i % len(names)]
        name = f'"{name}"' if "," in name else (f"{name}{i}" if name else "")
        f.write(f"reader{i}@example.com,{name},active,{i * 2654435761 % (1 << 64):016x},2019-05-01\r\n")
PY
}

measure() { # measure LABEL LOG -- command...: appends "label wall cpu rss_kib" to $WORK/results
    local label=$1 log=$2; shift 3
    /usr/bin/time -v -o "$WORK/time.txt" "$@" >"$log" 2>&1 || echo "   ($label exited $?; see $log)" >&2
    python3 - "$WORK/time.txt" "$label" >>"$WORK/results" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
def field(name):
    return re.search(re.escape(name) + r": (.*)", text).group(1).strip()
wall = field("Elapsed (wall clock) time (h:mm:ss or m:ss)").split(":")
seconds = sum(float(part) * 60 ** i for i, part in enumerate(reversed(wall)))
cpu = float(field("User time (seconds)")) + float(field("System time (seconds)"))
print(sys.argv[2], seconds, cpu, field("Maximum resident set size (kbytes)"))
PY
}

: >"$WORK/results"
SIZE=""
for N in $COUNTS; do
    make_list "$N" "$WORK/subscribers-$N.csv"
    for C in $CONNECTIONS; do
        RUN="$WORK/run-$N-$C"
        mkdir -p "$RUN"
        cp "$WORK/subscribers-$N.csv" "$RUN/subscribers.csv"
        config "$RUN/freeze.yml" "$CLOSED_PORT" "$C" "$RUN/subscribers.csv" "$RUN/state.sqlite"
        config "$RUN/send.yml" "$SINK_PORT" "$C" "$RUN/subscribers.csv" "$RUN/state.sqlite"
        if [ -z "$SIZE" ]; then
            "$BIN" preview --config "$RUN/send.yml" --now "$NOW" --out "$WORK/preview" >/dev/null \
                || { echo "preview failed (config $RUN/send.yml)" >&2; exit 1; }
            SIZE=$(stat -c %s "$WORK/preview/digest.eml")
            echo "== message size: $SIZE bytes (the fixture digest as sent)"
        fi
        echo "== N=$N connections=$C"
        # The freezing run finds no SMTP server (exit 1 by design): every delivery must be pending.
        /usr/bin/time -f "%M" -o "$RUN/freeze.rss" "$BIN" send --config "$RUN/freeze.yml" --now "$NOW" \
            >"$RUN/freeze.log" 2>&1 || true
        echo "freeze $N $C $(tail -1 "$RUN/freeze.rss")" >>"$WORK/freeze-rss"
        frozen=$(sqlite3 "$RUN/state.sqlite" "SELECT count(*) FROM delivery" 2>/dev/null || echo 0)
        [ "$frozen" = "$N" ] || { echo "freezing the digest failed ($frozen of $N deliveries): $RUN/freeze.log" >&2; exit 1; }
        PROFILE=()
        [ -n "${PERF:-}" ] && PROFILE=(perf record -F 499 -g -o "$RUN/perf.data")
        measure "ours $N $C" "$RUN/send.log" -- "${PROFILE[@]}" "$BIN" send --config "$RUN/send.yml" --now "$NOW"
        measure "smtp-source $N $C" "$RUN/source.log" -- smtp-source -d -s "$C" -m "$N" -l "$SIZE" \
            -f digest@news.example.com -t reader@example.com 127.0.0.1:"$SINK_PORT"
        accepted=$(sqlite3 "$RUN/state.sqlite" "SELECT count(*) FROM delivery WHERE status='accepted'" 2>/dev/null || echo "?")
        echo "   accepted by smtp-sink (ours, from the state database): $accepted of $N"
    done
done

echo
python3 - "$WORK/results" "$WORK/freeze-rss" <<'PY'
import sys
rows = {}
for line in open(sys.argv[1]):
    who, n, c, wall, cpu, rss = line.split()
    rows[(who, int(n), int(c))] = (float(wall), float(cpu), int(rss))
freeze = {}
for line in open(sys.argv[2]):
    _, n, c, rss = line.split()
    freeze[(int(n), int(c))] = int(rss) if rss.isdigit() else float("nan")
print(f"{'N':>7} {'conn':>4} | {'ours msg/s':>10} {'CPU s/1000':>10} {'RSS MiB':>8} {'freeze RSS':>10} | "
      f"{'smtp-source msg/s':>17} {'CPU s/1000':>10} | {'ratio':>5}")
for (who, n, c), (wall, cpu, rss) in sorted(rows.items(), key=lambda kv: (kv[0][1], kv[0][2], kv[0][0])):
    if who != "ours":
        continue
    rwall, rcpu, _ = rows.get(("smtp-source", n, c), (float("nan"),) * 3)
    ours, ref = n / wall, n / rwall
    print(f"{n:>7} {c:>4} | {ours:>10.0f} {cpu / n * 1000:>10.3f} {rss / 1024:>8.1f} "
          f"{freeze.get((n, c), float('nan')) / 1024:>10.1f} | "
          f"{ref:>17.0f} {rcpu / n * 1000:>10.3f} | {ours / ref:>5.2f}")
PY
