#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Closing line of a KUnit run, from the JSON that kunit.py --json writes.

summary.py LABEL RESULTS.json[,RESULTS.json...] KUNIT_EXIT SUMMARY_FILE [SUITE...]
summary.py --skipped RESULTS.json[,RESULTS.json...]

Prints "LABEL: N passed, M failed[, K skipped]", writes it to SUMMARY_FILE,
and exits 1 when a case failed or crashed, when one of the SUITEs is not in
the results, when kunit.py failed, or when nothing ran.
"""
import json
import sys


def skipped(paths):
    """summary.py --skipped RESULTS.json[,...]: print every skipped case and
    exit 1 if there is one (lib.sh's "noskip" check)."""
    found = []

    def walk(group, suite):
        for case in group.get("test_cases", []):
            if case["status"] == "SKIP":
                found.append(f"{suite}.{case['name']}" if suite else case["name"])
        for sub in group.get("sub_groups", []):
            walk(sub, sub["name"])

    for one in paths.split(","):
        with open(one) as f:
            walk(json.load(f), "")
    for name in found:
        print(f"skipped: {name}", file=sys.stderr)
    sys.exit(1 if found else 0)


def main():
    if sys.argv[1] == "--skipped":
        skipped(sys.argv[2])
    label, path, status, summary = sys.argv[1:5]
    suites = sys.argv[5:]
    counts = {"passed": 0, "failed": 0, "skipped": 0}
    seen = set()

    def walk(group, depth):
        if depth == 1:
            seen.add(group["name"])
        for case in group.get("test_cases", []):
            key = {"PASS": "passed", "SKIP": "skipped"}.get(case["status"], "failed")
            counts[key] += 1
        for sub in group.get("sub_groups", []):
            walk(sub, depth + 1)

    for one in path.split(","):
        with open(one) as f:
            walk(json.load(f), 0)
    missing = [s for s in suites if s not in seen]
    for s in missing:
        print(f"{label}: suite {s} did not run", file=sys.stderr)
    line = f"{label}: {counts['passed']} passed, {counts['failed']} failed"
    if counts["skipped"]:
        line += f", {counts['skipped']} skipped"
    print(line)
    with open(summary, "w") as f:
        f.write(line + "\n")
    bad = counts["failed"] or missing or int(status) or not sum(counts.values())
    sys.exit(1 if bad else 0)


main()
