#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make stress: both suites under the kernel's checkers, one configuration
# at a time, each failing on any report in its full kernel log:
#   kasan      UML uniprocessor, KASAN, DEBUG_LIST, DEBUG_OBJECTS
#   smp        UML with ncpus=4, PREEMPT, PROVE_LOCKING, DEBUG_ATOMIC_SLEEP
#   kcsan-x86  x86_64 under QEMU (KVM when usable), 4 vCPUs, KCSAN, lockdep
# All of them run the task_work stress case (adders, cancellers and an
# exiting owner at once, 10^6 adds), which the quick runs leave out.
# STRESS_CONFIGS="kasan smp" picks some.  A table closes the run.

. "$(dirname "$0")/lib.sh"

CONFIGS=${STRESS_CONFIGS:-kasan smp kcsan-x86}
export STRESS_ALL=1	# run the KUNIT_CASE_SLOW stress case too
declare -a ROWS
fail=0
for c in $CONFIGS; do
	printf '\n######## %s\n' "$c"
	start=$(now)
	if [ "$c" = smp ]; then
		"$REPO/scripts/smp-check.sh" && ok=1 || ok=0
	else
		{ "$REPO/scripts/kunit.sh" "$c" && scan_log "$BUILD-$c/test.log"; } && ok=1 || ok=0
	fi
	result=$(cat "$BUILD-$c/summary.txt" 2>/dev/null || echo "no results")
	reports=$(grep -cE 'BUG: |WARNING: |possible circular locking|inconsistent lock state|unreferenced object' \
		"$BUILD-$c/test.log" 2>/dev/null || true)
	ops=$(sed -n 's/.*task_work_test_stress: .*: \([0-9]*\) operations on \([0-9]*\) CPUs.*/\1 ops, \2 CPUs/p' \
		"$BUILD-$c/test.log" 2>/dev/null | head -n1)
	ROWS+=("$(printf '%-10s %-28s %-22s %8s %6ss' "$c" "$result" "${ops:-no stress line}" "${reports:-?}" "$(( $(now) - start ))")")
	[ "$ok" -eq 1 ] || fail=1
done
printf '\n%-10s %-28s %-22s %8s %7s\n' configuration cases "stress case" reports time
printf '%s\n' "${ROWS[@]}"
[ "$fail" -eq 0 ] || die "a configuration failed or its log holds a report (above)"
