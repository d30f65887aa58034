#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make lockup's table: lockup-table.py LOGS ROUNDS REPORTS PARAMS KERNEL...

Reads LOGS/run-KERNEL-ROUND.log (a UML console: userspace/teardown.c's
PHASE, TEARDOWN, LONGLIST, LONGPEND and DONE lines among the kernel's
messages, and scripts/lockup.sh's LK_EXIT line), and prints per kernel
the detectors' reports, by the program's phase in which they came, and
the phase times; then the headline line.  Exits 1 when a boot did not
complete its round or when the "series" kernel reported a lockup.
"""
import re
import statistics
import sys

logs, rounds, reports_file, params = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
kernels = sys.argv[5:]
# scripts/kernel-reports: NAME<tab>ERE; a line counts under the first match.
REPORTS = [tuple(l.rstrip("\n").split("\t", 1)) for l in open(reports_file)
           if l.strip() and not l.startswith("#")]
KEEP = ("hard lockup", "soft lockup", "RCU stall", "hung task")
SOFT = re.compile(r"soft lockup - CPU#\d+ stuck for (\d+)s! \[([^:\]]+)")
# The phases the program times (teardown.c): a soft lockup counts when it
# comes in one of them and names one of the program's tasks (S, comm
# "teardown", or an io-wq worker, "iou-wrk-PID").  Any other is counted
# apart, with its phase and task: kworkers freeing the senders' rings in
# io_ring_exit_work() (N requests in flight on them until S runs its
# list), which can run on into the next phase, and the senders exiting
# in cleanup; they come from the size of the workload, on every kernel.
TIMED = ("idle-exit", "teardown", "long-teardown", "pending-teardown")
OWN = re.compile(r"^(teardown|iou-)")


def scan(path):
    """One boot: reports by kind and phase, phase times, completeness."""
    try:
        text = open(path, errors="replace").read()
    except OSError:
        return None
    r = {"reports": {n: [] for n, _ in REPORTS}, "soft_s": [], "other": [], "times": {}}
    phase = "boot"
    for line in text.splitlines():
        m = re.search(r"PHASE,\d+,([a-z-]+)", line)
        if m:
            phase = m.group(1)
            continue
        for name, pat in REPORTS:
            if re.search(pat, line):
                s = SOFT.search(line)
                if s and (phase not in TIMED or not OWN.match(s.group(2))):
                    r["other"].append(f"{phase} [{re.sub(r'[/:].*', '', s.group(2))}]")
                    break
                r["reports"][name].append(f"{phase} [{s.group(2)}]" if s else phase)
                if s:
                    r["soft_s"].append(int(s.group(1)))
                break
    for l in text.splitlines():
        f = l.split(",")
        if l.startswith("TEARDOWN,") and len(f) >= 8:
            r["times"]["idle exit"] = int(f[3]) - 5_000_000_000
            r["times"]["teardown"] = int(f[2])
        elif l.startswith("LONGLIST,") and len(f) >= 5:
            r["times"]["long-list"] = int(f[2])
        elif l.startswith("LONGPEND,") and len(f) >= 5:
            r["times"]["pending"] = int(f[2])
    done = re.search(r"^DONE,1,0\b", text, re.M)
    ex = re.search(r"^LK_EXIT,(\d+),(\d+)", text, re.M)
    errors = [l for l in text.splitlines() if l.startswith("ERROR,")]
    r["complete"] = bool(done and ex and ex.group(1) == "0" and len(r["times"]) == 4 and not errors)
    r["why"] = "; ".join(errors[:2]) or (f"exit {ex.group(1)}" if ex and ex.group(1) != "0" else "no DONE line")
    r["secs"] = int(ex.group(2)) if ex else 0
    # The program's parameters and the kernel command line's CPUs and
    # threshold: every log of one table must have the same.
    p = re.search(r"^PARAMS,.*", text, re.M)
    c = re.search(r"ncpus=\d+.*?watchdog_thresh=\d+", text)
    r["params"] = (p.group(0) if p else "") + " " + (c.group(0) if c else "")
    return r


def ms(xs):
    if not xs:
        return "-"
    return f"{statistics.median(xs) / 1e6:,.0f} / {max(xs) / 1e6:,.0f}"


def by_phase(phases):
    out = {}
    for p in phases:
        out[p] = out.get(p, 0) + 1
    return ", ".join(f"{p} {n}" for p, n in sorted(out.items(), key=lambda x: -x[1])) or "-"


head = ["kernel", "rounds done", "hard LOCKUP rounds", "hard LOCKUP reports, by phase",
        "soft lockup rounds", "soft lockup reports, by phase (longest)",
        "other soft lockups (phase [task])", "RCU stalls",
        "hung tasks", "idle exit past 5 s, ms (median / max)",
        "long-list teardown, ms", "with W requests pending, ms", "boot, s (median)"]
rows, headline, failed, seen = [], [], [], set()
for k in kernels:
    runs = [scan(f"{logs}/run-{k}-{i}.log") for i in range(1, rounds + 1)]
    for i, x in enumerate(runs, 1):
        if x is None:
            failed.append(f"{k}: no log for round {i} ({logs}/run-{k}-{i}.log)")
    runs = [x for x in runs if x is not None]
    seen |= {x["params"] for x in runs}
    done = [x for x in runs if x["complete"]]
    for i, x in enumerate(runs, 1):
        if not x["complete"]:
            failed.append(f"{k}: round {i} did not complete ({x['why']}; log {logs}/run-{k}-{i}.log)")
    rep = lambda n: [p for x in runs for p in x["reports"][n]]
    rounds_with = lambda n: sum(1 for x in runs if x["reports"][n])
    soft_s = [s for x in runs for s in x["soft_s"]]
    t = lambda name: [x["times"][name] for x in runs if name in x["times"]]
    rows.append([k, f"{len(done)}/{rounds}", f"{rounds_with('hard lockup')}/{rounds}",
                 f"{len(rep('hard lockup'))}: {by_phase(rep('hard lockup'))}",
                 f"{rounds_with('soft lockup')}/{rounds}",
                 f"{len(rep('soft lockup'))}: {by_phase(rep('soft lockup'))}"
                 + (f" ({max(soft_s)} s)" if soft_s else ""),
                 f"{len([p for x in runs for p in x['other']])}: {by_phase([p for x in runs for p in x['other']])}",
                 f"{len(rep('RCU stall'))}: {by_phase(rep('RCU stall'))}",
                 f"{len(rep('hung task'))}: {by_phase(rep('hung task'))}",
                 ms(t("idle exit")), ms(t("long-list")), ms(t("pending")),
                 f"{statistics.median([x['secs'] for x in runs]):.0f}" if runs else "-"])
    headline.append(f"{k} hard={rounds_with('hard lockup')}/{rounds} soft={rounds_with('soft lockup')}/{rounds}")
    if k == "series" and (rep("hard lockup") or rep("soft lockup")):
        failed.append("series: the whole series reported a lockup (above)")
    others = [n for n, _ in REPORTS if n not in KEEP and rep(n)]
    for n in others:
        print(f"    {k}: {len(rep(n))} {n} report(s), phases: {by_phase(rep(n))}")

print("| " + " | ".join(head) + " |")
print("| " + " | ".join("---" for _ in head) + " |")
for r in rows:
    print("| " + " | ".join(r) + " |")
print()
print("lockup: " + " | ".join(headline) + f" ({params})")
if len(seen) > 1:
    failed.append("the logs were made with different parameters: " + "; ".join(sorted(seen)))
for f in failed:
    print("error: " + f, file=sys.stderr)
sys.exit(1 if failed else 0)
