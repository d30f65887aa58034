#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make teardown: the user-space teardown stress (userspace/teardown.c) as
# init of two SMP UML kernels, the work tree (the series) and the base it
# applies to (no series), then one table side by side: teardown, io-wq
# idle-exit and long-list teardown times (teardown while the submitter's
# task_work list is N long), and every lockup, RCU stall, hung task, WARN
# or BUG report found in each kernel log.
#
# Fails when a run did not complete (timeout, missing rounds, an ERROR line)
# or when the patched kernel's log holds a report.
#
#   TD_ROUNDS=5 TD_WORKERS=128 TD_WORKS=200000 TD_SENDERS=2 TD_BATCH=64
#   TD_CPUS=2 TD_THRESH=4 (watchdog_thresh: hard lockup 4 s, soft 8 s)
#   TD_STALL=5 (RCU stall timeout, s) TD_TIMEOUT=900 (per boot, s)
#   TD_KERNELS="patched base" (which to run)

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

TD_ROUNDS=${TD_ROUNDS:-5}
TD_WORKERS=${TD_WORKERS:-128}
TD_WORKS=${TD_WORKS:-200000}
TD_SENDERS=${TD_SENDERS:-2}
TD_BATCH=${TD_BATCH:-64}
TD_CPUS=${TD_CPUS:-2}
TD_THRESH=${TD_THRESH:-4}
TD_STALL=${TD_STALL:-5}
TD_TIMEOUT=${TD_TIMEOUT:-900}
TD_KERNELS=${TD_KERNELS:-patched base}

TREE=$(work_tree)
BASEREF=$(cat "$TREE/.git/tw-base")
BASEWT=$WORK/teardown-base-$BASE$SRCKEY
ROOT=$WORK/teardown-root
LOGS=$WORK/teardown-logs
mkdir -p "$LOGS"

teardown_program "$ROOT"

# --- the unpatched tree: a detached worktree of the base commit ------------------
if ! [ -f "$BASEWT/.git" ] ||
   [ "$(git -C "$BASEWT" rev-parse HEAD 2>/dev/null)" != "$BASEREF" ] ||
   [ -n "$(git -C "$BASEWT" status --porcelain --untracked-files=no 2>/dev/null | head -n1)" ]; then
	step "checking out the base ${BASEREF:0:12} (no series) in $BASEWT"
	rm -rf "$BASEWT"
	git -C "$TREE" worktree prune
	git -C "$TREE" worktree add -q --detach "$BASEWT" "$BASEREF" >/dev/null 2>&1 ||
		die "git worktree add of the base failed"
fi

declare -A SRC=([patched]=$TREE [base]=$BASEWT)
declare -A OUT=([patched]=$BUILD-teardown [base]=$BUILD-teardown-base)

for k in $TD_KERNELS; do
	[ -n "${SRC[$k]:-}" ] || die "unknown kernel '$k' in TD_KERNELS (use patched, base)"
	step "building the $k UML kernel (configs/teardown.config, build dir ${OUT[$k]})"
	case $k in
	patched) info "$(cat "$TREE/.git/tw-version") + $(git -C "$TREE" rev-list --count "$BASEREF"..HEAD) patches at $(git -C "$TREE" rev-parse --short HEAD)" ;;
	base) info "$(cat "$TREE/.git/tw-version"), no series" ;;
	esac
	t=$(now)
	kunit_py "${SRC[$k]}" build --build_dir="${OUT[$k]}" \
		--kunitconfig="$REPO/configs/teardown.config" > "$LOGS/build-$k.log" 2>&1 ||
		{ tail -n 30 "$LOGS/build-$k.log"; die "the $k kernel did not build (log: $LOGS/build-$k.log)"; }
	info "built in $(( $(now) - t )) s"
done

# --- the runs ------------------------------------------------------------------
ARGS=(mem=1G "ncpus=$TD_CPUS" seccomp=on rootfstype=hostfs "rootflags=$ROOT" rw
      init=/teardown "watchdog_thresh=$TD_THRESH" "rcupdate.rcu_cpu_stall_timeout=$TD_STALL"
      "td_rounds=$TD_ROUNDS" "td_workers=$TD_WORKERS" "td_works=$TD_WORKS"
      "td_senders=$TD_SENDERS" "td_batch=$TD_BATCH")
for k in $TD_KERNELS; do
	log=$LOGS/run-$k.log
	step "booting the $k kernel with teardown as init ($TD_ROUNDS rounds, $TD_WORKERS workers, $TD_WORKS works, $TD_CPUS CPUs; log $log)"
	t=$(now)
	rc=0
	timeout -k 10 "$TD_TIMEOUT" "${OUT[$k]}/linux" "${ARGS[@]}" </dev/null >"$log" 2>&1 || rc=$?
	echo "TD_EXIT,$rc,$(( $(now) - t ))" >> "$log"
	info "exit $rc after $(( $(now) - t )) s; $(grep -c '^TEARDOWN,' "$log" || true) rounds reported, $(grep -c '^LONGLIST,' "$log" || true) long-list teardowns, $(grep -c '^LONGPEND,' "$log" || true) with requests pending"
	# The host side of UML (one process per CPU and per address space)
	# goes when the kernel halts; nothing else to clean up.
done

# --- the table -----------------------------------------------------------------
step "results"
status=0
read -ra td_kernels <<< "$TD_KERNELS"
python3 - "$LOGS" "$TD_ROUNDS" "$REPORTS_FILE" "${td_kernels[@]}" <<'EOF' || status=$?
import re, statistics, sys

logs, rounds, reports_file, kernels = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
# What counts as a report: scripts/kernel-reports (NAME<tab>ERE), which
# every log scan of the harness reads.  A line counts under the first
# pattern it matches.
REPORTS = [tuple(l.rstrip("\n").split("\t", 1)) for l in open(reports_file)
           if l.strip() and not l.startswith("#")]
rows, failed = [], []
for k in kernels:
    text = open(f"{logs}/run-{k}.log", errors="replace").read()
    td = [l.split(",") for l in text.splitlines() if l.startswith("TEARDOWN,")]
    # LONGLIST,<round>,<teardown_ns>,<queued>,<workers> and LONGPEND, the
    # same with W creation requests pending (longlist_round())
    ll = [l.split(",") for l in text.splitlines() if l.startswith("LONGLIST,")]
    lp = [l.split(",") for l in text.splitlines() if l.startswith("LONGPEND,")]
    done = re.search(r"^DONE,(\d+),(\d+)", text, re.M)
    errors = [l for l in text.splitlines() if l.startswith("ERROR,")]
    exitl = re.search(r"^TD_EXIT,(\d+),(\d+)", text, re.M)
    counts = {name: 0 for name, _ in REPORTS}
    shown = {name: [] for name, _ in REPORTS}
    for line in text.splitlines():
        for name, pat in REPORTS:
            if re.search(pat, line):
                counts[name] += 1
                shown[name].append(line.strip())
                break
    ms = lambda v: v / 1e6
    tdn = [int(r[2]) for r in td]
    idle = [int(r[3]) - 5_000_000_000 for r in td]
    alln = [int(r[4]) for r in td]
    queued = sorted({r[5] for r in td})
    left = sorted({r[7] for r in td})
    lln = [int(r[2]) for r in ll]
    lpn = [int(r[2]) for r in lp]
    llw = sorted({r[4] for r in ll})
    fmt = lambda xs, f: (f"{f(statistics.median(xs)):.1f} / {f(max(xs)):.1f}" if xs else "-")
    rows.append([k, f"{len(td)}/{rounds}", ",".join(queued) or "-",
                 td[0][6] + "->" + ",".join(left) if td else "-",
                 fmt(tdn, ms), fmt(alln, ms), fmt(idle, ms),
                 fmt(lln, ms), ",".join(llw) or "-", fmt(lpn, ms)] +
                [str(counts[n]) for n, _ in REPORTS])
    complete = (len(td) == rounds and len(ll) == rounds and len(lp) == rounds
                and done and done.group(2) == "0"
                and not errors and exitl and exitl.group(1) == "0")
    if not complete:
        why = errors[:3] or ([f"exit {exitl.group(1)}"] if exitl and exitl.group(1) != "0" else []) \
              or [f"{len(td)}, {len(ll)} and {len(lp)} of {rounds} rounds"]
        failed.append(f"{k}: the run did not complete ({'; '.join(why)}; log {logs}/run-{k}.log)")
    if k == "patched" and any(counts.values()):
        failed.append(f"patched: the kernel log holds a report ({logs}/run-{k}.log)")
    for name, _ in REPORTS:
        for line in shown[name][:2]:
            print(f"    {k}: {line}")

head = ["kernel", "rounds", "works queued", "workers (start->left)",
        "teardown ms (median / max)", "all reaped ms (median / max)",
        "idle exit past 5 s, ms (median / max)",
        "long-list teardown ms (median / max)", "workers at long-list teardown",
        "long-list teardown, W requests pending, ms (median / max)"] + \
       [n for n, _ in REPORTS]
print("| " + " | ".join(head) + " |")
print("| " + " | ".join("---" for _ in head) + " |")
for r in rows:
    print("| " + " | ".join(r) + " |")
for f in failed:
    print("error: " + f, file=sys.stderr)
sys.exit(1 if failed else 0)
EOF
[ "$status" -eq 0 ] || die "make teardown failed (above); logs in $LOGS"
