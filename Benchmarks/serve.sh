#!/usr/bin/env bash
# newsletter serve and newsletter mailbox throughput (release build), on 127.0.0.1 only, each next
# to a reference measured in the same run.
#
#   Benchmarks/serve.sh
#
# serve: wrk (bounded: DURATION seconds, CONNECTIONS connections, 2 threads) against
#   1. GET of an unsubscribe page, 2. one-click POSTs with a forged token (refused, 404),
#   3. genuine one-click POSTs, each token once, on a 10,000-subscriber list; afterwards every 200
#      must be an unsubscribed row and the list must parse.
#   Reference: Python's http.server (ThreadingHTTPServer) serving the same page as a static file.
# mailbox: a real send to 1,000 subscribers (Postfix smtp-sink) fills the ledger, then 1,000
#   bounces, auto-replies and unsubscribe mails are put into Dovecot (Tests/Support/dovecot_server.py)
#   and `newsletter mailbox` reads them over IMAP. Reference: Python's imaplib fetching the same
#   1,000 messages on one connection.
# Environment: SCRATCH (default .build-release), DURATION (default 10), CONNECTIONS (default 32).
# Needs: wrk, postfix (smtp-sink), dovecot-imapd, python3.
set -euo pipefail
cd "$(dirname "$0")/.."
SCRATCH=${SCRATCH:-.build-release}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-32}
OUT=$(mktemp -d)
chmod 755 "$OUT"  # Dovecot's auth process (user dovecot) must reach the passwd-file below it
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$OUT"
}
trap cleanup EXIT

echo "== building release ($SCRATCH)"
swift build -c release --scratch-path "$SCRATCH" --product newsletter >"$OUT/build.log" 2>&1 || { cat "$OUT/build.log"; exit 1; }
BIN="$(swift build -c release --scratch-path "$SCRATCH" --show-bin-path)/newsletter"

wait_for_file() {  # FILE: poll with a 30 s deadline
    for _ in $(seq 300); do [ -s "$1" ] && return 0; sleep 0.1; done
    echo "timed out waiting for $1" >&2; exit 1
}
rate() { awk '/Requests\/sec/ {print $2}' "$1"; }

# ---------------------------------------------------------------- serve
mkdir -p "$OUT/serve"
python3 - "$OUT/serve" <<'PY'
import sys
folder = sys.argv[1]
with open(f"{folder}/subscribers.csv", "w", newline="") as csv, open(f"{folder}/tokens.txt", "w") as tokens:
    csv.write("email,name,status,token,added\r\n")
    for n in range(10000):
        token = f"{n:08x}5e77e0c1"
        csv.write(f"reader{n}@example.com,,active,{token},2019-06-01\r\n")
        tokens.write(token + "\n")
PY
cat >"$OUT/serve/newsletter.yml" <<'YAML'
title: 党建周报
from: "党建周报 <digest@news.example.com>"
list_id: weekly.news.example.com
subscribers: subscribers.csv
state: state/state.sqlite
unsubscribe_url: https://news.example.com/u?l=weekly&t={{token}}
unsubscribe_mailto: unsubscribe@news.example.com
YAML
"$BIN" serve --config "$OUT/serve/newsletter.yml" --port 0 --ready-file "$OUT/serve/port" >"$OUT/serve/log" 2>&1 &
PIDS+=($!)
wait_for_file "$OUT/serve/port"
PORT=$(cat "$OUT/serve/port")
BASE="http://127.0.0.1:$PORT"
FIRST=$(head -1 "$OUT/serve/tokens.txt")

mkdir -p "$OUT/static/u"
curl -s "$BASE/u?l=weekly&t=$FIRST" -o "$OUT/static/u/index.html"
python3 -m http.server 0 --bind 127.0.0.1 --directory "$OUT/static" >"$OUT/static.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do grep -q "Serving HTTP" "$OUT/static.log" && break; sleep 0.1; done
STATIC_PORT=$(sed -n 's/.*port \([0-9]*\).*/\1/p' "$OUT/static.log" | head -1)

cat >"$OUT/forged.lua" <<'LUA'
wrk.method = "POST"
wrk.body = "List-Unsubscribe=One-Click"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
LUA
cat >"$OUT/genuine.lua" <<'LUA'
local threads, count = {}, 0
function setup(thread)
  thread:set("id", count)
  count = count + 1
  table.insert(threads, thread)
end
function init(args)
  tokens = {}
  for line in io.lines(os.getenv("TOKENS")) do tokens[#tokens + 1] = line end
  step = tonumber(os.getenv("THREADS"))
  index = id + 1
  ok, unique = 0, 0
  wrk.method = "POST"
  wrk.body = "List-Unsubscribe=One-Click"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end
function request()
  local token = tokens[index]
  if token == nil then token = "exhausted" else index = index + step; unique = unique + 1 end
  return wrk.format(nil, "/u?l=weekly&t=" .. token)
end
function response(status, headers, body)
  if status == 200 then ok = ok + 1 end
end
function done(summary, latency, requests)
  local total, asked = 0, 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("ok")
    asked = asked + thread:get("unique")
  end
  io.write(string.format("GENUINE_200 %d\nGENUINE_SENT %d\n", total, asked))
end
LUA

echo "== serve: GET page, forged POSTs (wrk -t2 -c$CONNECTIONS -d${DURATION}s)"
wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" "http://127.0.0.1:$STATIC_PORT/u/" >"$OUT/ref.txt"
wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" "$BASE/u?l=weekly&t=$FIRST" >"$OUT/get.txt"
wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" -s "$OUT/forged.lua" "$BASE/u?l=weekly&t=f0f0f0f0deadbeef" >"$OUT/forged.txt"
REF=$(rate "$OUT/ref.txt"); GET=$(rate "$OUT/get.txt"); FORGED=$(rate "$OUT/forged.txt")
grep -q "Non-2xx" "$OUT/get.txt" && { echo "GET answered non-2xx:"; cat "$OUT/get.txt"; exit 1; }
BEFORE=$(grep -c ",active," "$OUT/serve/subscribers.csv")
[ "$BEFORE" = 10000 ] || { echo "forged POSTs or GETs changed the list ($BEFORE active)"; exit 1; }

echo "== serve: genuine one-click POSTs, each token once (wrk -t2 -c$CONNECTIONS -d${DURATION}s)"
TOKENS="$OUT/serve/tokens.txt" THREADS=2 wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" -s "$OUT/genuine.lua" \
    "$BASE/u?l=weekly&t=x" >"$OUT/genuine.txt"
GENUINE=$(rate "$OUT/genuine.txt")
OK=$(awk '/GENUINE_200/ {print $2}' "$OUT/genuine.txt")
SENT=$(awk '/GENUINE_SENT/ {print $2}' "$OUT/genuine.txt")
sleep 1  # the last batch in flight when wrk stopped
UNSUBSCRIBED=$(python3 - "$OUT/serve/subscribers.csv" <<'PY'
import csv, sys
with open(sys.argv[1], newline="", encoding="utf-8") as file:
    rows = list(csv.DictReader(file))
assert len(rows) == 10000, len(rows)
print(sum(1 for row in rows if row["status"] == "unsubscribed"))
PY
)
echo "serve:"
echo "  reference python http.server static page:  $REF req/s"
echo "  GET unsubscribe page:                      $GET req/s  (ratio to reference $(python3 -c "print(round($GET/$REF, 2))"))"
echo "  forged-token POST (404):                   $FORGED req/s"
echo "  genuine one-click POST:                    $GENUINE req/s  ($OK answered 200 of $SENT distinct tokens asked; $UNSUBSCRIBED rows unsubscribed, list parses)"
if [ "$UNSUBSCRIBED" -lt "$OK" ] || [ "$UNSUBSCRIBED" -gt "$SENT" ]; then echo "LOST: $OK answered 200 but $UNSUBSCRIBED unsubscribed"; exit 1; fi

# ---------------------------------------------------------------- mailbox
echo "== mailbox: send to 1,000 subscribers (smtp-sink), then 1,000 messages in Dovecot"
M="$OUT/mailbox"
mkdir -p "$M"
head -1001 "$OUT/serve/subscribers.csv" | sed 's/,unsubscribed,/,active,/' >"$M/subscribers.csv"
SINK_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
smtp-sink -u nobody "127.0.0.1:$SINK_PORT" 1000 &
PIDS+=($!)
python3 -m http.server 0 --bind 127.0.0.1 --directory Tests/NewsletterKitTests/Resources/site/2019-06-01 >"$M/site.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do grep -q "Serving HTTP" "$M/site.log" && break; sleep 0.1; done
SITE_PORT=$(sed -n 's/.*port \([0-9]*\).*/\1/p' "$M/site.log" | head -1)
cat >"$M/newsletter.yml" <<YAML
title: 党建周报
from: "党建周报 <digest@news.example.com>"
list_id: weekly.news.example.com
timezone: Asia/Shanghai
sources:
  - name: 党建政法
    url: http://127.0.0.1:$SITE_PORT/djzf/index.html
smtp:
  url: smtp://127.0.0.1:$SINK_PORT
  starttls: off
  connections: 4
  rate_per_second: 0
subscribers: subscribers.csv
state: state/state.sqlite
unsubscribe_url: https://news.example.com/u?l=weekly&t={{token}}
unsubscribe_mailto: unsubscribe@news.example.com
YAML
"$BIN" send --config "$M/newsletter.yml" --now 2019-06-01T08:00:00+08:00 >"$M/send.log" 2>&1 || { cat "$M/send.log"; exit 1; }
mkdir -p "$M/dovecot/Maildir/new"
python3 - "$M" <<'PY'
import sqlite3, sys
folder = sys.argv[1]
rows = sqlite3.connect(f"{folder}/state/state.sqlite").execute("SELECT email, messageID FROM delivery ORDER BY email").fetchall()
tokens = {line.split(",")[0]: line.split(",")[3] for line in open(f"{folder}/subscribers.csv").read().splitlines()[1:]}
assert len(rows) == 1000, len(rows)
for n, (email, message_id) in enumerate(rows):
    kind = n % 10
    if kind < 6:      # hard bounce, Postfix DSN
        body = f"""Return-Path: <>\nFrom: MAILER-DAEMON@mx.example.net (Mail Delivery System)\nSubject: Undelivered Mail Returned to Sender\nTo: digest@news.example.com\nAuto-Submitted: auto-replied\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary="B{n}"\nMessage-Id: <bounce{n}@mx.example.net>\n\n--B{n}\nContent-Type: text/plain\n\n<{email}>: host mx.example.net said: 550 5.1.1 User unknown\n\n--B{n}\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.net\n\nFinal-Recipient: rfc822; {email}\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 User unknown\n\n--B{n}\nContent-Type: text/rfc822-headers\n\nFrom: digest@news.example.com\nTo: {email}\nMessage-ID: {message_id}\n\n--B{n}--\n"""
    elif kind < 8:    # soft bounce
        body = f"""Return-Path: <>\nFrom: MAILER-DAEMON@mx.example.net\nSubject: Undelivered Mail Returned to Sender\nTo: digest@news.example.com\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary="S{n}"\nMessage-Id: <soft{n}@mx.example.net>\n\n--S{n}\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.net\n\nFinal-Recipient: rfc822; {email}\nAction: failed\nStatus: 4.2.2\n\n--S{n}\nContent-Type: text/rfc822-headers\n\nMessage-ID: {message_id}\n\n--S{n}--\n"""
    elif kind == 8:   # auto-reply
        body = f"From: {email}\nTo: digest@news.example.com\nSubject: Automatic reply: weekly\nAuto-Submitted: auto-replied\nMessage-ID: <auto{n}@example.com>\n\nAway.\n"
    else:             # unsubscribe mail
        body = f"From: {email}\nTo: unsubscribe@news.example.com\nSubject: unsubscribe-weekly-{tokens[email]}\nMessage-ID: <unsub{n}@example.com>\n\n"
    with open(f"{folder}/dovecot/Maildir/new/1559347200.M{n}P1.bench:2,", "w") as file:
        file.write(body)
PY
python3 Tests/Support/dovecot_server.py --dir "$M/dovecot" --user bounces@news.example.com --password bench \
    --ready-file "$M/dovecot/ready" --lifetime 300 --parent-pid $$ &
PIDS+=($!)
wait_for_file "$M/dovecot/ready"
read -r IMAP_PORT _ <"$M/dovecot/ready"
cat >>"$M/newsletter.yml" <<YAML
mailbox:
  url: imap://127.0.0.1:$IMAP_PORT/INBOX
  starttls: off
  username: bounces@news.example.com
  password_env: BENCH_MAILBOX_PASSWORD
YAML
REF_START=$(date +%s.%N)
python3 - "$IMAP_PORT" <<'PY'
import imaplib, sys
imap = imaplib.IMAP4("127.0.0.1", int(sys.argv[1]))
imap.login("bounces@news.example.com", "bench")
imap.select("INBOX", readonly=True)
_, data = imap.uid("SEARCH", None, "ALL")
uids = data[0].split()
for uid in uids:
    imap.uid("FETCH", uid, "(BODY.PEEK[])")
assert len(uids) == 1000, len(uids)
imap.logout()
PY
REF_END=$(date +%s.%N)
START=$(date +%s.%N)
BENCH_MAILBOX_PASSWORD=bench "$BIN" mailbox --config "$M/newsletter.yml" >"$M/mailbox.log" 2>&1 || { cat "$M/mailbox.log"; exit 1; }
END=$(date +%s.%N)
BENCH_MAILBOX_PASSWORD=bench "$BIN" mailbox --config "$M/newsletter.yml" >"$M/mailbox2.log" 2>&1 || { cat "$M/mailbox2.log"; exit 1; }
echo "mailbox:"
echo "  reference python imaplib, fetch 1,000:     $(python3 -c "print(round($REF_END-$REF_START, 2))") s"
echo "  newsletter mailbox, 1,000 messages:        $(python3 -c "print(round($END-$START, 2))") s  ($(head -1 "$M/mailbox.log"))"
echo "  second run:                                $(head -1 "$M/mailbox2.log")"
