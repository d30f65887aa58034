#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# kunit.sh [CONFIG]: make or reuse the work tree, build the suites in
# configuration CONFIG (configs/CONFIG.kunitconfig; up by default) and run
# them with kunit.py, run the configuration's log checks, then print one
# closing line
#
#   kunit: N passed, M failed[, K skipped]
#
# worked out from kunit.py's JSON output.  Exits non-zero when a case
# failed or crashed, when a suite did not run, when kunit.py failed, or
# when a log check failed.  A configuration with a runner of its own
# (kmemleak, rust) is handed to that script.

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

CONFIG=${1:-up}
CONF=$(config_file "$CONFIG")
RUNNER=$(config_get "$CONFIG" runner)
case "${RUNNER:-kunit}" in
kunit) ;;
kmemleak|rust) exec "$REPO/scripts/$RUNNER.sh" ;;
*) die "configuration $CONFIG: unknown runner '$RUNNER' in $CONF" ;;
esac

# Suites that must show up in the results; a suite missing from the run is
# a failure, not a pass.
SUITES=${SUITES:-$(expected_suites ${STRESS_ALL:+all})}
read -r -d "" -a SUITE_LIST <<< "$SUITES" || true
# KUNIT_ARGS: more kunit.py arguments, split at white space.
read -r -d "" -a EXTRA_KUNIT <<< "${KUNIT_ARGS:-}" || true

# The configuration's kunit.py arguments; BUILD_ARGS, those that kunit.py
# build takes too (all but the run's --kernel_args and --timeout).
ARGS=(--kunitconfig="$KUNITCONFIG")
grep -q '^CONFIG_' "$CONF" && ARGS+=(--kunitconfig="$CONF")
read -r -d "" -a CONF_ARGS <<< "$(config_get "$CONFIG" kunit.py)" || true
X86=
for a in "${CONF_ARGS[@]}"; do
	case "$a" in
	--qemu_config=/*) X86=1 ;;
	--qemu_config=*) a=--qemu_config=$REPO/configs/${a#--qemu_config=}; X86=1 ;;
	esac
	ARGS+=("$a")
done
BUILD_ARGS=()
for a in "${ARGS[@]}"; do
	case "$a" in --kernel_args=*|--timeout=*) ;; *) BUILD_ARGS+=("$a") ;; esac
done
if [ -n "$X86" ]; then
	command -v qemu-system-x86_64 >/dev/null 2>&1 || need qemu-system-x86_64 qemu-system-x86
fi

# The quick runs leave out the KUNIT_CASE_SLOW stress cases; make stress
# (STRESS_ALL=1) runs them where the configuration says "slow cases: yes".
if [ -z "${STRESS_ALL:-}" ] || [ "$(config_get "$CONFIG" "slow cases")" != yes ]; then
	ARGS+=(--filter "speed>slow")
fi

TREE=$(work_tree)
OUT=$BUILD-$CONFIG
mkdir -p "$OUT"
JSON=$OUT/results.json
rm -f "$JSON" "$OUT/summary.txt"

info "base: $(cat "$TREE/.git/tw-version"); $(git -C "$TREE" rev-list --count "$(cat "$TREE/.git/tw-base")"..HEAD) patches; configuration $CONFIG: $(config_get "$CONFIG" description)"
ACCEL=
if [ -n "$X86" ]; then
	# Built first, so that a short boot can tell whether KVM works here.
	step "building x86_64 ($CONFIG, build dir $OUT)"
	kunit_py "$TREE" build --build_dir="$OUT" "${BUILD_ARGS[@]}" ||
		die "the x86_64 build failed; see the output above"
	pick_accel "$OUT/arch/x86/boot/bzImage"
fi

step "building and running the suites with kunit.py ($CONFIG${ACCEL:+, $ACCEL}, build dir $OUT)"
status=0
run_x86 "${ACCEL:-kvm}" kunit_py "$TREE" run --build_dir="$OUT" --json="$JSON" \
	--timeout="${KUNIT_TIMEOUT:-600}" "${ARGS[@]}" "${EXTRA_KUNIT[@]}" || status=$?

[ -s "$JSON" ] || die "kunit.py wrote no results (exit $status); see its output above and $OUT/test.log"
python3 "$REPO/scripts/summary.py" kunit "$JSON" "$status" "$OUT/summary.txt" "${SUITE_LIST[@]}"

LOG=$OUT/test.log
for check in $(config_get "$CONFIG" checks); do
	case "$check" in
	reports) scan_log "$LOG" ;;
	cpus)
		# Reads the kunit_info() line of task_work_test_concurrent_add
		# (kernel/task_work_kunit.c, which says so): change both together.
		cpus=$(sed -n 's/.* adders on \([0-9]\+\) CPUs.*/\1/p' "$LOG" | head -n1)
		if [ -z "$cpus" ]; then
			# A run filtered with KUNIT_ARGS may leave that case out.
			[ -z "${KUNIT_ARGS:-}" ] || { info "cpus check: the concurrent case did not run"; continue; }
			die "the concurrent task_work case did not report its CPUs (see $LOG)"
		fi
		[ "$cpus" -ge 2 ] || die "the concurrent task_work case ran on $cpus CPU only: several CPUs did not come up (see $LOG)"
		info "concurrent adders ran on $cpus CPUs"
		;;
	*) die "configuration $CONFIG: unknown check '$check' in $CONF" ;;
	esac
done
