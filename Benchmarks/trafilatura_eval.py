#!/usr/bin/env python3
"""Scores and times trafilatura on the real HTML fixture pages, with the rules of
Sources/NewsletterKit/Extract/ExtractionEvaluation.swift (``newsletter evaluate``).

    python3 Benchmarks/trafilatura_eval.py DIR [--repeat N] [--json]

DIR is a ``real/`` fixture folder (caseNN.html + caseNN.expected.json); feeds are skipped
(trafilatura does not read feeds). Rules, as in the Swift evaluation:
- title: equal ignoring whitespace, or the truth is the title plus a suffix after _ | - – — : ( （
- published: equal at the truth's precision (day, minute or second) in the truth's wall-clock time
- author: equal ignoring whitespace and case, or the extracted value contains the truth
- body_first / body_last: the phrase occurs in the first / last 250 characters of the body text
- boilerplate_absent: the body text holds none of the generic trailer/navigation phrases
- body F1 (where caseNN.body.txt holds the whole true text): bags of non-whitespace characters and of
  4-token shingles (\w+ tokens), per page normalised, precision and recall averaged over pages, F1 their
  harmonic mean (Zyte's article-extraction-benchmark rule); Chinese pages (lang zh*) apart from the others
Speed: extraction time only (bytes in, metadata and text out), N repetitions of every page.
"""

import argparse
import json
import re
from collections import Counter
import os
import sys
import time

import trafilatura

GENERIC_BOILERPLATE = ["责任编辑", "上一篇", "下一篇", "当前位置", "打印本页", "关闭窗口", "分享到", "版权所有", "ICP备"]
CHECKS = ["title", "published", "author", "source", "body_first", "body_last", "boilerplate_absent"]
# htmldate's output format: keep the time so minute/second truths can match.
DATE_PARAMS = {"extensive_search": True, "original_date": True, "outputformat": "%Y-%m-%dT%H:%M:%S"}


def strip_ws(text):
    return "".join(ch for ch in text if not ch.isspace())


def title_matches(extracted, expected):
    a, b = strip_ws(extracted or ""), strip_ws(expected)
    if not a:
        return False
    if a == b:
        return True
    return b.startswith(a) and len(b) > len(a) and b[len(a)] in "_|-–—:：(（"


def wall_clock(text):
    """The wall-clock part of an ISO 8601 string as written: YYYY-MM-DD[THH:MM[:SS]]."""
    text = text.strip().replace(" ", "T", 1)
    return text[:19]


def published_matches(extracted, expected):
    if not extracted:
        return False
    if "T" not in expected:
        length = 10
    elif len(expected) == 16:
        length = 16
    else:
        length = 19
    found = wall_clock(extracted)
    # htmldate gives 00:00:00 when the page has a date only; that is a day, not midnight.
    return len(found) >= length and found[:length] == wall_clock(expected)[:length]


def name_matches(extracted, expected):
    if not extracted:
        return False
    a, b = strip_ws(extracted).lower(), strip_ws(expected).lower()
    return bool(a) and (a == b or b in a)


def char_bag(text):
    return Counter(ch for ch in text if not ch.isspace())


def shingle_bag(text):
    words = re.findall(r"\w+", text or "")
    if not words:
        return Counter()
    return Counter(tuple(words[i:i + 4]) for i in range(max(1, len(words) - 3)))


def overlap(truth_bag, found_bag):
    tp = sum((truth_bag & found_bag).values())
    fp = sum((found_bag - truth_bag).values())
    fn = sum((truth_bag - found_bag).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def precision_recall(counts):
    tp, fp, fn = counts
    if fp == fn == 0:
        return 1.0, 1.0
    return (tp / (tp + fp) if tp + fp else 0.0), (tp / (tp + fn) if tp + fn else 0.0)


def body_f1(per_page):
    """Mean precision and recall over pages, F1 their harmonic mean; per_page is a list of (tp, fp, fn)."""
    if not per_page:
        return None
    ps = [precision_recall(c)[0] for c in per_page if c[0] + c[1] > 0]
    rs = [precision_recall(c)[1] for c in per_page if c[0] + c[2] > 0]
    p = sum(ps) / len(ps) if ps else 0.0
    r = sum(rs) / len(rs) if rs else 0.0
    return {"f1": 2 * p * r / (p + r) if p + r else 0.0, "precision": p, "recall": r, "pages": len(per_page)}


def load(directory):
    cases = []
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".expected.json"):
            continue
        with open(os.path.join(directory, name), encoding="utf-8") as fh:
            truth = json.load(fh)
        if truth.get("kind") == "feed":
            continue
        case = name[: -len(".expected.json")]
        page = truth.get("page_file") or case + ".html"
        with open(os.path.join(directory, page), "rb") as fh:
            data = fh.read()
        body_path = os.path.join(directory, case + ".body.txt")
        if os.path.exists(body_path):
            with open(body_path, encoding="utf-8") as fh:
                truth = dict(truth, body_truth=fh.read())
        cases.append((f"{os.path.basename(os.path.normpath(directory))}/{case}", data, truth,
                      f"https://www.example.com/{case}/index.html"))
    return cases


def extract(data, url):
    return trafilatura.bare_extraction(data, url=url, with_metadata=True, date_extraction_params=DATE_PARAMS)


def score(doc, truth):
    results, notes = {}, []

    def record(check, hit, found):
        results[check] = hit
        if not hit:
            notes.append(f"{check}: {found}")

    title = getattr(doc, "title", None) if doc else None
    date = getattr(doc, "date", None) if doc else None
    author = getattr(doc, "author", None) if doc else None
    text = (getattr(doc, "text", None) or "") if doc else ""
    if truth.get("title") is not None:
        record("title", title_matches(title, truth["title"]), title)
    if truth.get("published") is not None:
        record("published", published_matches(date, truth["published"]), date)
        # Not one of the shared checks: htmldate finds dates, rarely times, so also say whether the day is right.
        results["published_day"] = bool(date) and wall_clock(date)[:10] == wall_clock(truth["published"])[:10]
    if truth.get("author") is not None:
        record("author", name_matches(author, truth["author"]), author)
    head, tail = text[:250], text[-250:]
    if truth.get("body_first") is not None:
        record("body_first", truth["body_first"] in head, head[:80].replace("\n", " "))
    if truth.get("body_last") is not None:
        record("body_last", truth["body_last"] in tail, tail[-80:].replace("\n", " "))
    if truth.get("body_truth") is not None:
        results["_overlap"] = {
            "characters": overlap(char_bag(truth["body_truth"]), char_bag(text)),
            "shingles": overlap(shingle_bag(truth["body_truth"]), shingle_bag(text)),
        }
    present = [p for p in GENERIC_BOILERPLATE if p in text]
    record("boilerplate_absent", not present, ", ".join(present))
    return results, notes


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("directories", nargs="+")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    cases = [c for d in args.directories for c in load(d)]
    outcomes = []
    elapsed = 0.0
    for name, data, truth, url in cases:
        doc = None
        start = time.perf_counter()
        for _ in range(max(1, args.repeat)):
            doc = extract(data, url)
        elapsed += time.perf_counter() - start
        results, notes = score(doc, truth)
        outcomes.append({"case": name, "results": results, "notes": notes,
                         "chinese": str(truth.get("lang", "")).startswith("zh")})
    extractions = len(cases) * max(1, args.repeat)
    checks = {}
    for o in outcomes:
        o["overlap"] = o["results"].pop("_overlap", None)
    for check in CHECKS + ["published_day"]:
        checked = [o["results"][check] for o in outcomes if check in o["results"]]
        checks[check] = {"hits": sum(1 for r in checked if r), "checked": len(checked)}
    bodies = {}
    for chinese, group in [(True, "zh"), (False, "other")]:
        for measure in ["characters", "shingles"]:
            per_page = [o["overlap"][measure] for o in outcomes if o["chinese"] == chinese and o["overlap"]]
            group_score = body_f1(per_page)
            if group_score:
                bodies[f"{group}_{measure}"] = group_score
    report = {
        "body_f1": bodies,
        "extractor": f"trafilatura {trafilatura.__version__}",
        "cases": len(cases), "extractions": extractions, "seconds": elapsed,
        "pages_per_second": extractions / elapsed if elapsed else 0.0, "checks": checks,
        "misses": [{"case": o["case"], "notes": o["notes"]} for o in outcomes if o["notes"]],
    }
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 0
    width = max([12] + [len(o["case"]) for o in outcomes])
    print("case".ljust(width) + "  " + "".join(c[:9].ljust(10) for c in ["title", "published", "author", "source", "first", "last", "boiler"]))
    for o in outcomes:
        cells = "".join(("✓" if o["results"][c] else "✗").ljust(10) if c in o["results"] else "·".ljust(10) for c in CHECKS)
        print(o["case"].ljust(width) + "  " + cells)
        for note in o["notes"]:
            print("    " + note)
    print("total".ljust(width) + "  " + "".join(f"{checks[c]['hits']}/{checks[c]['checked']}".ljust(10) for c in CHECKS))
    print(f"published, day only (not a shared check): {checks['published_day']['hits']}/{checks['published_day']['checked']}")
    for key, value in bodies.items():
        print(f"body F1 {key}: {value['f1']:.3f} (P {value['precision']:.3f}, R {value['recall']:.3f}, {value['pages']} pages)")
    print(f"{extractions} extractions in {elapsed:.3f} s: {report['pages_per_second']:.1f} pages/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
