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
kmemleak|rust) exec "$REPO/scripts/$RUNNER.sh" "$CONFIG" ;;
*) die "configuration $CONFIG: unknown runner '$RUNNER' in $CONF" ;;
esac

# Suites that must show up in the results; a suite missing from the run is
# a failure, not a pass.
SUITES=${SUITES:-$(expected_suites ${STRESS_ALL:+all})}
read -r -d "" -a SUITE_LIST <<< "$SUITES" || true
# KUNIT_ARGS: more kunit.py arguments, split at white space.
read -r -d "" -a EXTRA_KUNIT <<< "${KUNIT_ARGS:-}" || true

config_args "$CONFIG"
if [ -n "$X86" ]; then
	command -v qemu-system-x86_64 >/dev/null 2>&1 || need qemu-system-x86_64 qemu-system-x86
fi

# The quick runs leave out the KUNIT_CASE_SLOW stress cases; make stress
# (STRESS_ALL=1) runs them where the configuration says "slow cases: yes".
runs_slow "$CONFIG" || ARGS+=(--filter "speed>slow")

TREE=$(work_tree)
# KUNIT_SRC, KUNIT_OUT: the kernel tree and build dir to use instead of
# the work tree and $BUILD-$CONFIG.  build-each.sh passes its checkout
# and build dir (and KUNIT_W1=1: its builds are W=1), so that the suites
# run on its build of the last patch.
SRC=${KUNIT_SRC:-$TREE}
OUT=${KUNIT_OUT:-$BUILD-$CONFIG}
mkdir -p "$OUT"
JSON=$OUT/results.json
rm -f "$JSON" "$OUT/summary.txt"

info "base: $(cat "$TREE/.git/tw-version"); $(git -C "$SRC" rev-list --count "$(cat "$TREE/.git/tw-base")"..HEAD) patches${KUNIT_SRC:+ (in $SRC)}; configuration $CONFIG: $(config_get "$CONFIG" description)"
ACCEL=
if [ -n "$X86" ]; then
	# Built first, so that a short boot can tell whether KVM works here.
	step "building x86_64 ($CONFIG, build dir $OUT)"
	kunit_py "$SRC" build --build_dir="$OUT" "${BUILD_ARGS[@]}" ||
		die "the x86_64 build failed; see the output above"
	pick_accel "$OUT/arch/x86/boot/bzImage"
fi

step "building and running the suites with kunit.py ($CONFIG${ACCEL:+, $ACCEL}, build dir $OUT)"
status=0
run_x86 "${ACCEL:-kvm}" kunit_py "$SRC" run --build_dir="$OUT" --json="$JSON" \
	--timeout="${KUNIT_TIMEOUT:-600}" "${ARGS[@]}" "${EXTRA_KUNIT[@]}" || status=$?

[ -z "$X86" ] || booted_is_built "$OUT/vmlinux" "$OUT/test.log"
[ -s "$JSON" ] || die "kunit.py wrote no results (exit $status); see its output above and $OUT/test.log"
python3 "$REPO/scripts/summary.py" kunit "$JSON" "$status" "$OUT/summary.txt" "${SUITE_LIST[@]}"

run_checks "$CONFIG" "$OUT/test.log" "$JSON"
