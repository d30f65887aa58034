#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# kunit.sh [up|smp|kasan|kcsan-x86]: make or reuse the work tree, build UML with the
# suites and run them with kunit.py, then print one closing line
#
#   kunit: N passed, M failed[, K skipped]
#
# worked out from kunit.py's JSON output.  Exits non-zero when a case
# failed or crashed, when a suite did not run, or when kunit.py failed.

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

CONFIG=${1:-up}
# Suites that must show up in the results; a suite missing from the run is
# a failure, not a pass.
SUITES=${SUITES:-$(expected_suites ${STRESS_ALL:+all})}
read -r -d "" -a SUITE_LIST <<< "$SUITES" || true
# KUNIT_ARGS: more kunit.py arguments, split at white space.
read -r -d "" -a EXTRA_KUNIT <<< "${KUNIT_ARGS:-}" || true
ARGS=(--kunitconfig="$KUNITCONFIG")
case "$CONFIG" in
up) ;;
smp)
	ARGS+=(--kunitconfig="$REPO/configs/smp.kunitconfig"
	       --kernel_args=ncpus=4 --kernel_args=seccomp=on)
	;;
kasan)
	# Uniprocessor, no preemption: the stress case's threads take turns at
	# cond_resched() only, so it gets a smaller budget than on SMP.
	ARGS+=(--kunitconfig="$REPO/configs/kasan.kunitconfig"
	       --kernel_args=task_work_kunit.stress_ops=20000)
	;;
kcsan-x86)
	command -v qemu-system-x86_64 >/dev/null 2>&1 || need qemu-system-x86_64 qemu-system-x86
	ARGS+=(--arch=x86_64 --kunitconfig="$REPO/configs/kcsan.kunitconfig"
	       --qemu_args="-smp 4")
	X86=1
	: "${KUNIT_TIMEOUT:=2400}"	# TCG, when KVM is not usable, is slow
	;;
*) die "unknown configuration '$CONFIG' (use up, smp, kasan or kcsan-x86)" ;;
esac

# The quick runs leave out the KUNIT_CASE_SLOW stress case; make stress
# (STRESS_ALL=1) runs everything.
[ -n "${STRESS_ALL:-}" ] || ARGS+=(--filter "speed>slow")

TREE=$("$REPO/scripts/tree.sh" | tail -n1)
OUT=$BUILD-$CONFIG
mkdir -p "$OUT"
JSON=$OUT/results.json
rm -f "$JSON" "$OUT/summary.txt"

info "base: $(cat "$TREE/.git/tw-version"); $(git -C "$TREE" rev-list --count "$(cat "$TREE/.git/tw-base")"..HEAD) patches"
ACCEL=
if [ -n "${X86:-}" ]; then
	step "building x86_64 ($CONFIG, build dir $OUT)"
	(cd "$TREE" && python3 tools/testing/kunit/kunit.py build --build_dir="$OUT" \
		--jobs="$(nproc)" --make_options="CC=ccache gcc" --arch=x86_64 \
		--kunitconfig="$REPO/.kunitconfig" --kunitconfig="$REPO/configs/kcsan.kunitconfig") ||
		die "the x86_64 build failed; see the output above"
	ACCEL=$(x86_accel "$OUT/arch/x86/boot/bzImage")
	if [ "$ACCEL" = kvm ]; then
		info "QEMU with KVM (a test boot under KVM came up), 4 vCPUs"
	else
		info "QEMU with TCG, 4 vCPUs ($(x86_tcg_why)): slow"
	fi
fi

step "building and running the suites with kunit.py ($CONFIG${ACCEL:+, $ACCEL}, build dir $OUT)"
status=0
(cd "$TREE" && run_x86 "${ACCEL:-kvm}" python3 tools/testing/kunit/kunit.py run --build_dir="$OUT" \
	--jobs="$(nproc)" --make_options="CC=ccache gcc" --timeout="${KUNIT_TIMEOUT:-600}" \
	--json="$JSON" "${ARGS[@]}" "${EXTRA_KUNIT[@]}") || status=$?

[ -s "$JSON" ] || die "kunit.py wrote no results (exit $status); see its output above and $OUT/test.log"
python3 "$REPO/scripts/summary.py" kunit "$JSON" "$status" "$OUT/summary.txt" "${SUITE_LIST[@]}"
