#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make stress: both suites under the kernel's checkers, one configuration
# at a time: every configuration whose file says "stress: yes"
# (configs/*.kunitconfig; scripts/lib.sh says what a configuration holds):
#   kasan         UML uniprocessor, KASAN, DEBUG_LIST, DEBUG_OBJECTS
#   smp           UML with ncpus=4, PREEMPT, PROVE_LOCKING, DEBUG_ATOMIC_SLEEP
#   x86           x86_64 under QEMU (KVM when a test boot shows it works,
#                 else TCG), 4 vCPUs, KCSAN, lockdep, kmemleak: the suites
#                 at boot, then a kmemleak scan asked for by a static /init
#                 (scripts/kmemleak.sh)
# Each runs the log checks its file names.  Where it says "slow cases:
# yes", the KUNIT_CASE_SLOW stress cases run too, which the quick runs
# leave out: task_work (adders, cancellers and an exiting owner at once,
# 10^6 adds; fewer on uniprocessor KASAN) and io-wq (teardown racing
# creation requests, 500 pools).  Then
#   teardown      the user-space teardown stress as init of the patched and
#                 the unpatched UML kernel (scripts/teardown.sh), side by side
# STRESS_CONFIGS="kasan smp" picks some; STRESS_TEARDOWN=no leaves the
# teardown out.  STRESS_EACH=1 (make check) runs the configuration that
# says "check: each" in build-each.sh's checkout and build, which the
# stage before built at every patch of it: only the last steps are built
# again.  A table closes the run.

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

STRESS_CONFIGS=${STRESS_CONFIGS:-}
STRESS_CONFIGS=${STRESS_CONFIGS//,/ }	# "kasan,x86" works too
CONFIGS=${STRESS_CONFIGS:-$(configs_where stress yes | paste -sd' ')}
[ "${STRESS_TEARDOWN:-yes}" = no ] || [ -n "${STRESS_CONFIGS:-}" ] || CONFIGS+=" teardown"
export STRESS_ALL=1	# run the KUNIT_CASE_SLOW stress cases too
declare -a ROWS
fail=0
for c in $CONFIGS; do
	printf '\n######## %s\n' "$c"
	start=$(now)
	if [ "$c" = teardown ]; then
		"$REPO/scripts/teardown.sh" && ok=1 || ok=0
		ROWS+=("$(printf '%-12s %-38s %-24s %-40s %8s %6ss' teardown \
			"$([ "$ok" -eq 1 ] && echo "complete (table above)" || echo failed)" - - \
			"$(grep -cE "$REPORT_PAT" "$WORK/teardown-logs/run-patched.log" 2>/dev/null || true)" \
			"$(( $(now) - start ))")")
		[ "$ok" -eq 1 ] || fail=1
		continue
	fi
	out=$BUILD-$c
	unset KUNIT_SRC KUNIT_OUT KUNIT_W1
	if [ -n "${STRESS_EACH:-}" ] && [ "$(config_get "$c" check)" = each ]; then
		out=$BUILD-each-$c
		if [ ! -d "$out" ] || [ ! -e "$EACH/.git" ]; then
			die "$c: no per-patch build in $out to run in; run EACH_CONFIG=$c scripts/build-each.sh first, or leave STRESS_EACH out"
		fi
		each_tip
		export KUNIT_SRC=$EACH KUNIT_OUT=$out KUNIT_W1=1
		info "in build-each's checkout and build ($out)"
	fi
	# kunit.sh runs the configuration's log checks, or hands it to its runner.
	"$REPO/scripts/kunit.sh" "$c" && ok=1 || ok=0
	result=$(cat "$out/summary.txt" 2>/dev/null || echo "no results")
	reports=$(grep -cE "$REPORT_PAT" "$out/test.log" 2>/dev/null || true)
	# These read the closing kunit_info() lines of the task_work stress
	# case and of io-wq's late-add case (kernel/task_work_kunit.c,
	# io_uring/io-wq_kunit.c): change both ends together.
	ops=$(sed -n 's/.*task_work_stress_add_cancel_run_exit: .*: \([0-9]*\) operations on \([0-9]*\) CPUs.*/\1 ops, \2 CPUs/p' \
		"$out/test.log" 2>/dev/null | head -n1)
	iowq=$(sed -n 's/.*io_wq_test_queue_create_late_add_cancels_itself: late-add path taken in \([0-9]*\) of \([0-9]*\) rounds.*/\1 of \2 rounds/p' \
		"$out/test.log" 2>/dev/null | head -n1)
	[ "$(config_get "$c" "slow cases")" = yes ] || ops="no stress cases"
	if [ "$(config_get "$c" runner)" = kmemleak ]; then
		iowq="${iowq:-one CPU}; kmemleak: $(cat "$out/kmemleak-summary.txt" 2>/dev/null || echo "no scan")"
	fi
	ROWS+=("$(printf '%-12s %-38s %-24s %-40s %8s %6ss' "$c" "$result" "${ops:-no stress line}" \
		"${iowq:-one CPU}" "${reports:-?}" "$(( $(now) - start ))")")
	[ "$ok" -eq 1 ] || fail=1
done
printf '\n%-12s %-38s %-24s %-40s %8s %7s\n' configuration cases "task_work stress" "io-wq late add" reports time
printf '%s\n' "${ROWS[@]}"
[ "$fail" -eq 0 ] || die "a configuration failed or its log holds a report (above)"
