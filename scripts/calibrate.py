#!/usr/bin/python3
"""Runs `callhome analyze` on every labelled real case and measures the verdicts against truth.

Each case directory under CORPUS/labelled/ holds evidence files and truth.json: the site's
internal networks and, per host, the right explanation and the finding kinds that would be
false. For every labelled host this prints the top explanation callhome gives, a confusion
table (truth x top explanation), the false findings at medium severity or above, and a
reliability table (stated confidence against how often the top explanation is right).

"benign" in truth means: no incident, or a benign top explanation (benign_periodic_service and
benign are the same verdict to an administrator: nothing to act on). A host with no incident
has the verdict "benign" at the confidence of the benign class.

Usage: scripts/calibrate.py [--binary build/callhome] [--corpus ../shared/corpus]
                            [--min-accuracy 0.9] [--keep DIR] [CASE ...]
Exit status: 0 when accuracy >= --min-accuracy and no host has a must-not finding at medium
or above; 1 otherwise; 77 (skip) when the corpus is absent.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

BENIGN = {"benign", "benign_periodic_service"}
SEVERITY = ["info", "low", "medium", "high", "critical"]


def verdict_matches(truth, top):
    if truth in BENIGN:
        return top in BENIGN
    return truth == top


def run_case(binary, case_dir, scratch):
    truth = json.load(open(os.path.join(case_dir, "truth.json")))
    name = truth["case"]
    site = os.path.join(scratch, name + ".toml")
    with open(site, "w") as f:
        f.write("[network]\ninternal = [%s]\n" % ", ".join('"%s"' % n for n in truth["internal"]))
    out = os.path.join(scratch, name + ".json")
    evidence = sorted(
        os.path.join(case_dir, e) for e in os.listdir(case_dir) if e != "truth.json")
    run = subprocess.run([binary, "analyze", "--site", site, "--json", out] + evidence,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if run.returncode != 0:
        sys.exit("calibrate: analyze failed on %s (exit %d): %s" %
                 (name, run.returncode, run.stderr[-2000:]))
    doc = json.load(open(out))
    return truth, doc


def host_results(truth, doc):
    incidents = {i["host"]: i for i in doc["incidents"]}
    findings = {f["id"]: f for f in doc["findings"]}
    for host, t in truth["hosts"].items():
        inc = incidents.get(host)
        if inc and inc["hypotheses"]:
            top = inc["hypotheses"][0]["name"]
            conf = inc["hypotheses"][0]["confidence"]
            severity = inc["severity"]
            fs = [findings[i] for i in inc["findings"]]
        else:
            top, conf, severity, fs = "benign", None, "-", []
        false = [f for f in fs if f["kind"] in t["must_not"]
                 and SEVERITY.index(f["severity"]) >= SEVERITY.index("medium")]
        yield {"case": truth["case"], "host": host, "truth": t["explanation"], "top": top,
               "confidence": conf, "severity": severity, "false": false,
               "kinds": sorted({f["kind"] for f in fs})}


def print_confusion(rows):
    truths = sorted({r["truth"] for r in rows})
    tops = sorted({r["top"] for r in rows})
    width = max(len(t) for t in truths + ["truth \\ top"]) + 1
    cols = [t[:14] for t in tops]
    print("truth \\ top".ljust(width) + " ".join(c.rjust(14) for c in cols))
    for t in truths:
        counts = [sum(1 for r in rows if r["truth"] == t and r["top"] == top) for top in tops]
        print(t.ljust(width) + " ".join(str(c or ".").rjust(14) for c in counts))


def print_reliability(rows):
    bins = [(0.0, 0.5), (0.5, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 1.01)]
    print("stated confidence   hosts  right  observed")
    for lo, hi in bins:
        sel = [r for r in rows if r["confidence"] is not None and lo <= r["confidence"] < hi]
        if not sel:
            continue
        right = sum(1 for r in sel if verdict_matches(r["truth"], r["top"]))
        mean = sum(r["confidence"] for r in sel) / len(sel)
        print("%4.0f-%3.0f%% (mean %2.0f%%) %5d %6d %8.0f%%" %
              (100 * lo, min(100, 100 * hi), 100 * mean, len(sel), right, 100 * right / len(sel)))
    none = [r for r in rows if r["confidence"] is None]
    if none:
        right = sum(1 for r in none if verdict_matches(r["truth"], r["top"]))
        print("no incident         %5d %6d" % (len(none), right))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default=os.path.join(here, "..", "build", "callhome"))
    ap.add_argument("--corpus", default=os.path.join(here, "..", "..", "shared", "corpus"))
    ap.add_argument("--min-accuracy", type=float, default=0.9)
    ap.add_argument("--keep", help="keep the findings documents in this directory")
    ap.add_argument("cases", nargs="*")
    args = ap.parse_args()

    labelled = os.path.join(args.corpus, "labelled")
    if not os.path.isdir(labelled):
        print("calibrate: skipped: %s is absent (the labelled real cases live in ../shared)" %
              labelled)
        return 77
    cases = args.cases or sorted(os.listdir(labelled))
    scratch = args.keep or tempfile.mkdtemp(prefix="callhome-calibrate-")
    os.makedirs(scratch, exist_ok=True)
    rows = []
    for case in cases:
        truth, doc = run_case(args.binary, os.path.join(labelled, case), scratch)
        rows.extend(host_results(truth, doc))

    print("%-36s %-38s %-24s %-24s %5s %-8s %s" %
          ("case", "host", "truth", "top", "conf", "severity", "finding kinds"))
    for r in rows:
        mark = "ok " if verdict_matches(r["truth"], r["top"]) else "XX "
        conf = "-" if r["confidence"] is None else "%.2f" % r["confidence"]
        print(mark + "%-33s %-38s %-24s %-24s %5s %-8s %s" %
              (r["case"][:33], r["host"], r["truth"], r["top"], conf, r["severity"],
               ",".join(r["kinds"])))
    print()
    print_confusion(rows)
    print()
    false = [(r, f) for r in rows for f in r["false"]]
    print("must-not findings at medium or above: %d" % len(false))
    for r, f in false:
        print("  %s %s: %s %s %s" % (r["case"], r["host"], f["id"], f["kind"], f["severity"]))
    print()
    print_reliability(rows)
    right = sum(1 for r in rows if verdict_matches(r["truth"], r["top"]))
    accuracy = right / len(rows) if rows else 0
    print("\nright top explanation: %d of %d hosts (%.0f%%)" % (right, len(rows), 100 * accuracy))
    if not args.keep:
        for f in os.listdir(scratch):
            os.remove(os.path.join(scratch, f))
        os.rmdir(scratch)
    return 0 if accuracy >= args.min_accuracy and not false else 1


if __name__ == "__main__":
    sys.exit(main())
