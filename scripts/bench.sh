#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: apply patches/bench (benchmark suites, not part of the
# series) on top of the work tree in a checkout of its own, run them under
# UML with kunit.py, and turn the numbers they print into tables, CSV
# files and a log-log plot in bench/.  The last two lines are the headline.
#
# BENCH_CHECK=1 (make bench-check, a make check stage) runs only the
# checks of patches/bench, not the timings: io_wq_bench_walk_counts, which
# counts how often io-wq walks the submitter's list (never for an idle
# worker's exit, once for a teardown, never for an idle pool's teardown)
# and that every count comes back, and io_wq_bench_run_counts, in which
# the submitter runs a create_worker_cb request and every count comes back.  Those are proofs of the exit and
# teardown gates that the upstream suites leave out, because they observe
# the code's shape, not its behaviour.
#
# BENCH_ARCH=x86_64 runs them on x86_64 under QEMU with KVM instead (SMP
# kernel, 2 vCPUs), with results in bench/x86_64/.  A short test boot
# decides whether KVM really works here; under TCG the times would be the
# emulator's, so the run stops there unless BENCH_TCG=1.

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

TREE=$(work_tree)
ARCH=${BENCH_ARCH:-um}
BT=$WORK/bench-$BASE$SRCKEY
OUT=$BUILD-bench
RES=$REPO/bench
KARGS=()
if [ "$ARCH" = x86_64 ]; then
	command -v qemu-system-x86_64 >/dev/null 2>&1 || need qemu-system-x86_64 qemu-system-x86
	OUT=$BUILD-bench-x86_64
	RES=$REPO/bench/x86_64
	KARGS=(--arch=x86_64 --qemu_args="-smp 2" --kconfig_add=CONFIG_SMP=y)
fi
mkdir -p "$OUT" "$RES"

step "checkout for the benchmark: the series plus patches/bench, in $BT"
rm -rf "$BT"
git -C "$TREE" worktree prune
git -C "$TREE" worktree add -q --detach "$BT" HEAD || die "could not make $BT"
while read -r p; do
	[ -n "$p" ] || continue
	git -C "$BT" am -q -3 "$REPO/patches/bench/$p" ||
		die "patches/bench/$p does not apply on top of the series"
done < "$REPO/patches/bench/series"

ACCEL=kvm
if [ "$ARCH" = x86_64 ]; then
	step "building the benchmark for x86_64"
	kunit_py "$BT" build --build_dir="$OUT" --arch=x86_64 \
		--kconfig_add=CONFIG_SMP=y --kunitconfig="$REPO/configs/bench.kunitconfig" ||
		die "the x86_64 build of the benchmark failed; see the output above"
	pick_accel "$OUT/arch/x86/boot/bzImage"
	if [ "$ACCEL" = kvm ]; then
		:
	elif [ -z "${BENCH_TCG:-}" ]; then
		die "KVM is not usable here ($(x86_tcg_why)); under TCG the numbers would time the emulator.  BENCH_TCG=1 runs it anyway (the x86_64 build is kept)"
	else
		info "QEMU with TCG (BENCH_TCG=1): emulated times, ratios only"
	fi
fi

if [ -n "${BENCH_CHECK:-}" ]; then
	# The cases' names are in patches/bench's io_uring/io-wq_bench.c: change
	# both together.
	step "building and running the checks of patches/bench ($ARCH): io_wq_bench_walk_counts, io_wq_bench_run_counts"
	status=0
	rm -f "$OUT/results.json"	# a failed build must not leave an old run's results
	run_x86 "$ACCEL" kunit_py "$BT" run --build_dir="$OUT" --timeout=600 "${KARGS[@]}" \
		--kunitconfig="$REPO/configs/bench.kunitconfig" --json="$OUT/results.json" \
		'io_wq_bench.io_wq_bench_*_counts' || status=$?
	[ -s "$OUT/results.json" ] || die "kunit.py wrote no results (exit $status); see $OUT/test.log"
	python3 "$REPO/scripts/summary.py" bench-check "$OUT/results.json" "$status" \
		"$OUT/summary.txt" io_wq_bench
	python3 "$REPO/scripts/summary.py" --skipped "$OUT/results.json" ||
		die "a check of patches/bench skipped (see $OUT/test.log)"
	sed -n 's/.*IOWQWALKS,\([a-z_]*\),\([0-9]*\),\([0-9]*\).*/    \1: \2 walks, \3 match calls/p' "$OUT/test.log"
	sed -n 's/.*IOWQRUN,\([a-z_]*\),\([0-9]*\),\([0-9]*\).*/    \1 run by the submitter: create_queued \2, nr_running \3 after it/p' "$OUT/test.log"
	exit 0
fi

step "building and running the benchmark ($ARCH; it takes a few minutes)"
run_x86 "$ACCEL" kunit_py "$BT" run --build_dir="$OUT" --timeout=1800 "${KARGS[@]}" \
	--kunitconfig="$REPO/configs/bench.kunitconfig" --json="$OUT/results.json" ||
	die "the benchmark run failed; see $OUT/test.log"

LOG=$OUT/test.log
[ "$ARCH" != x86_64 ] || booted_is_built "$OUT/vmlinux" "$LOG"
CSV=$RES/task_work.csv
FLOOR=$RES/task_work_floor.csv
IOWQ=$RES/io_wq.csv
echo "N,M,old_ns,new_ns,floor_ns,old_visits,new_visits,floor_visits,old_irqoff_max_ns,new_irqoff_max_ns,lists" > "$CSV"
sed -n 's/.*BENCH,\([0-9,]*\).*/\1/p' "$LOG" | sort -t, -k1,1n -k2,2n >> "$CSV"
echo "N,M,inline_ns,floor_ns,locked_ns,copy_ns,new_ns,mixed_ns,lists" > "$FLOOR"
sed -n 's/.*FLOOR,\([0-9,]*\).*/\1/p' "$LOG" | sort -t, -k1,1n -k2,2n >> "$FLOOR"
echo "W,N,base_ns,gated_ns,base_walks,gated_walks" > "$IOWQ"
sed -n 's/.*IOWQ,\([0-9,]*\).*/\1/p' "$LOG" >> "$IOWQ"
# The line formats below are printed by kunit_info() in
# kernel/task_work_bench.c (BENCH, FLOOR, RVE) and io_uring/io-wq_bench.c (IOWQ,
# IOWQTD) of patches/bench; change them together.
RVE=$RES/runs_vs_entries.csv
TD=$RES/io_wq_teardown.csv
echo "layout,N,M,runs_ns,entries_ns,runs_min,runs_max,entries_min,entries_max,lists" > "$RVE"
sed -n 's/.*RVE,\([a-z]*,[0-9,]*\).*/\1/p' "$LOG" >> "$RVE"
echo "W,N,P,base_ns,new_ns,base_walks,new_walks,base_irqoff_ns,new_irqoff_ns" > "$TD"
sed -n 's/.*IOWQTD,\([0-9,]*\).*/\1/p' "$LOG" >> "$TD"
for f in "$CSV" "$FLOOR" "$RVE" "$TD"; do
	[ "$(wc -l < "$f")" -gt 1 ] || die "no benchmark lines for $(basename "$f") in $LOG"
done

# Integers are printed with %.0f, never %d: mawk (Debian's awk) prints
# %d through a C int and clamps at 2^31 - 1, so an old loop of 2.7 s
# (2695728128 ns) was printed as 2147483647 and its ratio made from that.
# awk holds numbers as doubles, exact up to 2^53; %.0f prints them whole.
printf '\ntask_work: cancel the M oldest of N queued works (median ns per list of N; irqoff = longest call)\n'
awk -F, 'NR == 1 { printf "%7s %7s %12s %10s %10s %8s %9s %12s %10s %6s\n", "N", "M", "old ns", "new ns", "floor ns", "old/new", "new/floor", "irqoff old", "irqoff new", "lists"; next }
	{ printf "%7.0f %7.0f %12.0f %10.0f %10.0f %7.1fx %8.2fx %12.0f %10.0f %6.0f\n", $1, $2, $3, $4, $5, $3 / $4, $4 / $5, $9, $10, $11 }' "$CSV"
printf '(floor: one walk of the list, no lock, calling match() through a pointer as the cancel functions do)\n'
printf '\ntask_work: from the floor to new, step by step (median ns per list, same runs)\n'
awk -F, 'NR == 1 { printf "%6s %6s %8s %8s %8s %8s %8s %8s | %6s %6s %8s %8s %9s %9s\n", "N", "M", "inline", "floor", "locked", "copy", "new", "mixed", "fl/inl", "lck/fl", "copy/lck", "new/copy", "new/floor", "mixed/new"; next }
	{ printf "%6.0f %6.0f %8.0f %8.0f %8.0f %8.0f %8.0f %8.0f | %5.2fx %5.2fx %7.2fx %7.2fx %8.2fx %8.2fx\n", $1, $2, $3, $4, $5, $6, $7, $8, $4 / $3, $5 / $4, $6 / $5, $7 / $6, $7 / $4, $8 / $7 }' "$FLOOR"
printf '(inline: the floor with match() inlined; locked: the floor under pi_lock with interrupts off, links read\n before match(); copy: task_work_cancel_match_all()'"'"'s loop compiled in the benchmark; mixed: new after\n a call of task_work_cancel_match_all() with another match function)\n'
printf '\nio-wq: W idle workers exit against N = 10000 queued works (median ns)\n'
awk -F, 'NR == 1 { printf "%5s %12s %10s %8s %11s %12s\n", "W", "base ns", "gated ns", "ratio", "base walks", "gated walks"; next }
	{ printf "%5.0f %12.0f %10.0f %7.0fx %11.0f %12.0f\n", $1, $3, $4, $3 / ($4 ? $4 : 1), $5, $6 }' "$IOWQ"
printf '(gated: mean of 1000 teardowns in a row; UML'"'"'s clock moves in 256 ns steps)\n'
printf '\ntask_work_cancel_match_all(): runs of matches vs one match at a time (us per list; median [min-max] of 11)\n'
awk -F, 'NR == 1 { printf "%-7s %7s %7s %24s %24s %7s\n", "layout", "N", "M", "runs us", "entries us", "r/e"; next }
	{ printf "%-7s %7.0f %7.0f %8.1f [%6.1f-%6.1f] %8.1f [%6.1f-%6.1f] %6.2fx\n", $1, $2, $3, $4 / 1000, $6 / 1000, $7 / 1000, $5 / 1000, $8 / 1000, $9 / 1000, $4 / $5 }' "$RVE"
printf '\nio-wq teardown: W workers, N unrelated works, P pending creation requests (median of 5)\n'
awk -F, 'NR == 1 { printf "%4s %7s %4s | %6s %10s %11s | %6s %10s %11s\n", "W", "N", "P", "walks", "7.3 us", "irqoff us", "walks", "series us", "irqoff us"; next }
	{ printf "%4.0f %7.0f %4.0f | %6.0f %10.1f %11.1f | %6.0f %10.1f %11.1f\n", $1, $2, $3, $6, $4 / 1000, $8 / 1000, $7, $5 / 1000, $9 / 1000 }' "$TD"
printf '(7.3: task_work_cancel_match() until NULL, from io_wq_exit_start() and again from io_wq_exit_workers();\n series: io_wq_exit_start() only, skipped when nothing is counted; irqoff: the longest single walk)\n'

if ! command -v gnuplot >/dev/null 2>&1; then
	if [ "$(id -u)" -eq 0 ]; then apt_get_install gnuplot-nox; else warn "no gnuplot (apt-get install gnuplot-nox): no plot"; fi
fi
if command -v gnuplot >/dev/null 2>&1; then
	gnuplot <<GP
set terminal pngcairo size 1000,640 font ",11" noenhanced
set output "$RES/task_work.png"
set datafile separator ","
set logscale xy
set key top left
set label 1 "old at M = N: every match is at the head, so the loop is linear" at graph 0.36, graph 0.95
set grid
set xlabel "M, matching works (the oldest), of N queued"
set ylabel "ns to cancel from one list of N (median)"
set title "Cancelling M of N task_works ($ARCH): old loop vs task_work_cancel_match_all() vs one plain walk (floor)"
plot for [n in "1000 10000 100000"] "< awk -F, '\$1 == " . n . "' $CSV" using 2:3 with linespoints title "old, N=" . n, \
     for [n in "1000 10000 100000"] "< awk -F, '\$1 == " . n . "' $CSV" using 2:4 with linespoints dt 2 title "new, N=" . n, \
     for [n in "1000 10000 100000"] "< awk -F, '\$1 == " . n . "' $CSV" using 2:5 with lines dt 3 title "floor, N=" . n
GP
	info "plot: $RES/task_work.png"
fi
info "CSV: $CSV, $FLOOR, $IOWQ, $RVE, $TD"
# The headline: the last lines.
awk -F, '$1 == 64 && $2 == 10000 && $3 == 0 { printf "bench: io-wq teardown W=64 N=10000 pending=0 walks base=%.0f new=%.0f\n", $6, $7 }' "$TD"
awk -F, '$1 == 10000 && $2 == 1000 { printf "bench: N=10000 M=1000 old/new=%.0fx new/floor=%.2fx\n", $3 / $4, $4 / $5 }' "$CSV"
