#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Everything CI runs, stage by stage, with the time each stage took.
# Stops at the first failing stage and says which one it was.

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

STAGES=(
	"work tree (fetch, apply)|scripts/tree.sh"
	"harness tests|tests/harness.sh"
	"checkpatch and kernel-doc|scripts/checkpatch.sh"
	"each patch builds (W=1), the fix series before any test patch|scripts/build-each.sh"
	"suites, UP UML|scripts/kunit.sh up"
	"stress matrix, stress cases included: KASAN UML, SMP UML with lockdep, x86_64 KCSAN, x86_64 KASAN with kmemleak|env STRESS_CONFIGS=kasan_smp_kcsan-x86_kmemleak-x86 scripts/stress.sh"
	"other configurations (KUnit as a module, no io_uring, no KUnit)|scripts/build-configs.sh"
	"documentation (Sphinx)|scripts/docs.sh"
	"Rust: CONFIG_RUST=y UML, Rust test and doctests (trixie toolchain)|scripts/rust.sh"
	"6.12 LTS backport: work tree, checkpatch, kernel-doc, recipients|env BASE=6.12 scripts/checkpatch.sh"
	"6.12 LTS backport: each fix patch builds alone (W=1)|env BASE=6.12 EACH_SERIES=fix scripts/build-each.sh"
	"6.12 LTS backport: suites (patches/6.12-tests, harness only), UP UML|env BASE=6.12 scripts/kunit.sh up"
)
declare -a TIMES
total_start=$(now)
for s in "${STAGES[@]}"; do
	name=${s%%|*}
	cmd=${s#*|}
	printf '\n######## %s\n' "$name"
	start=$(now)
	if ! (cd "$REPO" && $cmd); then
		printf '\ncheck: stage "%s" failed after %ss (command: %s)\n' "$name" \
			"$(( $(now) - start ))" "$cmd" >&2
		exit 1
	fi
	TIMES+=("$(printf '%5ss  %s' "$(( $(now) - start ))" "$name")")
done
printf '\n######## stage times\n'
printf '%s\n' "${TIMES[@]}"
printf '%5ss  total\n' "$(( $(now) - total_start ))"
# One closing line for every KUnit case run: 7.3 UP, KASAN, SMP, KCSAN,
# kmemleak and Rust, 6.12 UP.
cat "$BUILD"-up/summary.txt "$BUILD"-kasan/summary.txt "$BUILD"-smp/summary.txt \
	"$BUILD"-kcsan-x86/summary.txt "$BUILD"-kmemleak-x86/summary.txt "$BUILD"-rust/summary.txt \
	"$WORK/build-6.12$SRCKEY-up/summary.txt" 2>/dev/null | awk '
	{ for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i; if ($(i+1) ~ /^skipped/) s += $i } }
	END { printf "check: %d passed, %d failed%s\n", p, f, s ? ", " s " skipped" : "" }' 
