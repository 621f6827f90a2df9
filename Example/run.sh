#!/usr/bin/env bash
# Runs the whole weekly job on the bundled example, twice (two weekly snapshots of the site)
# and once more (nothing new): fetch over HTTP, extract, select, render, send over SMTP.
# Everything stays on 127.0.0.1; the messages land in Example/out/mail/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
out="$here/out"
cd "$repo"

scripts/install-deps.sh
echo "building newsletter (the first build takes a minute or two)…"
build_log=$(mktemp)
swift build --product newsletter >"$build_log" 2>&1 || { cat "$build_log" >&2; exit 1; }
rm -f "$build_log"
bin="$(swift build --show-bin-path)/newsletter"

rm -rf "$out"; mkdir -p "$out/mail"
echo "$repo/Tests/NewsletterKitTests/Resources/site/2019-06-01" > "$out/root.txt"
python3 Tests/Support/http_server.py --root-file "$out/root.txt" --ready-file "$out/http.port" --lifetime 600 --parent-pid $$ >/dev/null &
http_pid=$!
python3 Tests/Support/smtp_server.py --maildir "$out/mail" --ready-file "$out/smtp.port" --lifetime 600 --parent-pid $$ >/dev/null &
smtp_pid=$!
trap 'kill $http_pid $smtp_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 200); do [ -s "$out/http.port" ] && [ -s "$out/smtp.port" ] && break; sleep 0.05; done
[ -s "$out/http.port" ] && [ -s "$out/smtp.port" ] || { echo "the loopback servers did not start" >&2; exit 1; }

sed -e "s#SITE_URL#http://127.0.0.1:$(cat "$out/http.port")#" -e "s#SMTP_URL#smtp://127.0.0.1:$(cat "$out/smtp.port")#" \
    -e "s#\.\./Subscribers/#$repo/Subscribers/#" -e "s#\.\./Templates#$repo/Templates#" \
    "$here/newsletter.yml" > "$out/newsletter.yml"
cp "$repo/Subscribers/subscribers.csv" "$out/subscribers.csv"
sed -i "s#$repo/Subscribers/subscribers.csv#subscribers.csv#" "$out/newsletter.yml"

echo "== week of 2019-06-01"
"$bin" send --config "$out/newsletter.yml" --now 2019-06-01T08:00:00+08:00
echo "$repo/Tests/NewsletterKitTests/Resources/site/2019-06-08" > "$out/root.txt"
echo "== week of 2019-06-08"
"$bin" preview --config "$out/newsletter.yml" --now 2019-06-08T08:00:00+08:00 --out "$out/preview"
"$bin" send --config "$out/newsletter.yml" --now 2019-06-08T08:00:00+08:00
echo "== the same week again"
"$bin" send --config "$out/newsletter.yml" --now 2019-06-08T09:00:00+08:00
echo
echo "The digests went to the loopback SMTP server, which stored them as:"
ls "$out"/mail/*.eml
echo "A preview of the 2019-06-08 digest: $out/preview/digest.html (and digest.txt, digest.eml)"
