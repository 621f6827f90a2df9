#!/usr/bin/env bash
# Extraction speed and accuracy: our extractor (release build) against trafilatura (PyPI), on the
# same real HTML fixture pages, each pinned to one core, in one run: speed, field checks and body F1 (where a
# caseNN.body.txt holds the whole true text; Chinese pages apart from the others).
#
#   Benchmarks/run.sh [REAL_DIR]
#
# REAL_DIR: a real/ fixture folder (default Tests/NewsletterKitTests/Resources/real, a copy of
# ../shared/fixtures/real). Environment: REPEAT (ours, default 300 repetitions of every page),
# TRAFILATURA_REPEAT (default 5), SCRATCH (default .build-release).
# Needs: pip install trafilatura lxml_html_clean  (justext, which trafilatura imports, needs the latter).
set -euo pipefail
cd "$(dirname "$0")/.."
REAL_DIR=${1:-Tests/NewsletterKitTests/Resources/real}
REPEAT=${REPEAT:-300}
TRAFILATURA_REPEAT=${TRAFILATURA_REPEAT:-5}
SCRATCH=${SCRATCH:-.build-release}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

echo "== building release ($SCRATCH)"
swift build -c release --scratch-path "$SCRATCH" --product newsletter >"$OUT/build.log" 2>&1 || { cat "$OUT/build.log"; exit 1; }
BIN="$SCRATCH/release/newsletter"

if ! python3 -c 'import trafilatura' 2>/dev/null; then
    echo "trafilatura is not installed: pip install trafilatura lxml_html_clean" >&2
    exit 1
fi

PIN=()
if command -v taskset >/dev/null 2>&1; then PIN=(taskset -c 0); echo "== pinned to core 0 (taskset -c 0)"; else echo "== taskset not found: not pinned"; fi

echo "== ours: $BIN evaluate $REAL_DIR --kind article --repeat $REPEAT"
"${PIN[@]}" "$BIN" evaluate "$REAL_DIR" --kind article --repeat 3 --json >/dev/null  # warm-up
"${PIN[@]}" "$BIN" evaluate "$REAL_DIR" --kind article --repeat "$REPEAT" --json >"$OUT/ours.json"
echo "== trafilatura: Benchmarks/trafilatura_eval.py $REAL_DIR --repeat $TRAFILATURA_REPEAT"
"${PIN[@]}" python3 Benchmarks/trafilatura_eval.py "$REAL_DIR" --repeat 1 --json >/dev/null  # warm-up (imports, caches)
"${PIN[@]}" python3 Benchmarks/trafilatura_eval.py "$REAL_DIR" --repeat "$TRAFILATURA_REPEAT" --json >"$OUT/trafilatura.json"

python3 - "$OUT/ours.json" "$OUT/trafilatura.json" <<'PY'
import json, sys
ours, theirs = (json.load(open(p)) for p in sys.argv[1:3])
def cell(report, check):
    c = report["checks"].get(check)
    return f"{c['hits']}/{c['checked']}" if c and c["checked"] else "-"
def core(report):
    keys = ["title", "published", "body_first", "body_last"]
    hits = sum(report["checks"][k]["hits"] for k in keys)
    checked = sum(report["checks"][k]["checked"] for k in keys)
    return f"{hits}/{checked} ({100.0 * hits / checked:.1f}%)"
print()
print(f"{'':22}{'newsletter':>16}{theirs['extractor']:>22}")
print(f"{'pages':22}{ours['cases']:>16}{theirs['cases']:>22}")
print(f"{'extractions':22}{ours['extractions']:>16}{theirs['extractions']:>22}")
print(f"{'pages/s (1 core)':22}{ours['pages_per_second']:>16.1f}{theirs['pages_per_second']:>22.1f}")
for check in ["title", "published", "author", "body_first", "body_last", "boilerplate_absent"]:
    print(f"{check:22}{cell(ours, check):>16}{cell(theirs, check):>22}")
print(f"{'published (day only)':22}{'':>16}{cell(theirs, 'published_day'):>22}")
print(f"{'title+published+body':22}{core(ours):>16}{core(theirs):>22}")
for key in ["zh_characters", "zh_shingles", "other_characters", "other_shingles"]:
    a, b = ours.get("body_f1", {}).get(key), theirs.get("body_f1", {}).get(key)
    if a or b:
        cell = lambda s: f"{s['f1']:.3f} ({s['pages']})" if s else "-"
        print(f"{'body F1 ' + key:22}{cell(a):>16}{cell(b):>22}")
print(f"speed ratio (ours / trafilatura): {ours['pages_per_second'] / theirs['pages_per_second']:.1f}x")
PY
