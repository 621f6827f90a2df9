#!/usr/bin/env bash
# Subscriber list speed (issues 9 and 11): `subscribers add` on a 100,000-row list and
# `subscribers import` of 100,000 rows, release build, against Python's csv module doing the same
# work (read every row, check for the address, append, write the file back) in the same run.
#
#   Benchmarks/subscribers.sh [ROWS]
#
# ROWS: list size (default 100000). Environment: REPEAT (default 5; the median is reported),
# SCRATCH (default .build-release). Targets: add < 0.5 s (issue 9), import < 2 s (issue 11).
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-100000}
REPEAT=${REPEAT:-5}
SCRATCH=${SCRATCH:-.build-release}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

echo "== building release ($SCRATCH)"
swift build -c release --scratch-path "$SCRATCH" --product newsletter >"$OUT/build.log" 2>&1 || { cat "$OUT/build.log"; exit 1; }
BIN="$(pwd)/$SCRATCH/release/newsletter"

python3 - "$OUT" "$ROWS" <<'PY'
import csv, sys, random
out, rows = sys.argv[1], int(sys.argv[2])
random.seed(1)
names = ["测试读者", "王小明", "Jane Doe", "Doe, John", "李四"]
with open(f"{out}/list.csv", "w", encoding="utf-8", newline="") as f:
    w = csv.writer(f, lineterminator="\r\n")
    w.writerow(["email", "name", "status", "token", "added", "部门"])
    for i in range(rows):
        w.writerow([f"reader{i}@example.com", f"{random.choice(names)}{i}", "active", "", "2026-11-01", "办公室"])
with open(f"{out}/import.csv", "w", encoding="utf-8-sig", newline="") as f:
    w = csv.writer(f, delimiter=";", lineterminator="\r\n")
    w.writerow(["电子邮件", "姓名"])
    for i in range(rows):
        w.writerow([f"import{i}@example.org", f"{random.choice(names)}{i}"])
with open(f"{out}/newsletter.yml", "w") as f:
    f.write("title: t\nfrom: digest@news.example.com\nsubscribers: subscribers.csv\nstate: state/state.sqlite\n")
PY

python3 - "$OUT" "$BIN" "$REPEAT" "$ROWS" <<'PY'
import csv, os, shutil, statistics, subprocess, sys, time
out, binary, repeat, rows = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
config = f"{out}/newsletter.yml"
listfile = f"{out}/subscribers.csv"

def ours(args):
    start = time.perf_counter()
    result = subprocess.run([binary, *args, "--config", config], capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"failed: {args}: {result.stdout}{result.stderr}")
    return elapsed

def python_add(email):
    # The reference: the same work with Python's csv module.
    start = time.perf_counter()
    with open(listfile, encoding="utf-8-sig", newline="") as f:
        table = list(csv.reader(f))
    present = {row[0].lower() for row in table[1:]}
    if email.lower() not in present:
        table.append([email, "", "active", "", "2026-12-03", ""])
    tmp = listfile + ".py.tmp"
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\r\n").writerows(table)
        f.flush(); os.fsync(f.fileno())
    os.replace(tmp, listfile)
    return time.perf_counter() - start

def python_import():
    start = time.perf_counter()
    with open(f"{out}/import.csv", encoding="utf-8-sig", newline="") as f:
        sample = f.readline(); f.seek(0)
        delimiter = max(",;\t", key=sample.count)
        table = list(csv.reader(f, delimiter=delimiter))
    seen, added = set(), []
    for row in table[1:]:
        key = row[0].strip().lower()
        if "@" in key and key not in seen:
            seen.add(key); added.append([row[0].strip(), row[1], "active", "", "2026-12-03"])
    tmp = listfile + ".py.tmp"
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n"); w.writerow(["email", "name", "status", "token", "added"]); w.writerows(added)
        f.flush(); os.fsync(f.fileno())
    os.replace(tmp, listfile)
    return time.perf_counter() - start

def median(f, n):
    return statistics.median(f(i) for i in range(n))

shutil.copy(f"{out}/list.csv", listfile)
ours(["subscribers", "add", "warmup@example.net"])  # creates the token secret; warms the page cache
add_ours = median(lambda i: ours(["subscribers", "add", f"new{i}@example.net"]), repeat)
shutil.copy(f"{out}/list.csv", listfile)
add_py = median(lambda i: python_add(f"new{i}@example.net"), repeat)

def fresh_import(_):
    if os.path.exists(listfile): os.remove(listfile)
    return ours(["subscribers", "import", f"{out}/import.csv"])
import_ours = median(fresh_import, repeat)
import_py = median(lambda i: python_import(), repeat)

print(f"rows: {rows}, median of {repeat} runs each (wall clock, process start included for ours)")
print(f"subscribers add:    ours {add_ours:.3f} s   python csv {add_py:.3f} s   ratio ours/python {add_ours/add_py:.2f}   target < 0.5 s: {'ok' if add_ours < 0.5 else 'MISSED'}")
print(f"subscribers import: ours {import_ours:.3f} s   python csv {import_py:.3f} s   ratio ours/python {import_ours/import_py:.2f}   target < 2 s: {'ok' if import_ours < 2 else 'MISSED'}")
PY
