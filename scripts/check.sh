#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Everything CI runs, stage by stage, with the time each stage took.
# Stops at the first failing stage and says which one it was.

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

# The stress stage runs every configuration that says "stress: yes"
# (configs/*.kunitconfig); its name lists them.
STRESSED=$(for c in $(configs_where stress yes); do config_get "$c" description; done | paste -sd';' | sed 's/;/; /g')
STAGES=(
	"work tree (fetch, apply)|scripts/tree.sh"
	"harness tests|tests/harness.sh"
	"checkpatch and kernel-doc|scripts/checkpatch.sh"
	"each patch builds (W=1), the fix series before any test patch|scripts/build-each.sh"
	"suites, $(config_get up description)|scripts/kunit.sh up"
	"stress matrix, stress cases included: $STRESSED|env STRESS_TEARDOWN=no scripts/stress.sh"
	"other configurations (KUnit as a module, no io_uring, no KUnit)|scripts/build-configs.sh"
	"documentation (Sphinx)|scripts/docs.sh"
	"Rust: $(config_get rust description), Rust test and doctests (trixie toolchain)|scripts/kunit.sh rust"
	"6.12 LTS backport: work tree, checkpatch, kernel-doc, recipients|env BASE=6.12 scripts/checkpatch.sh"
	"6.12 LTS backport: each fix patch builds alone (W=1)|env BASE=6.12 EACH_SERIES=fix scripts/build-each.sh"
	"6.12 LTS backport: suites (patches/6.12-tests, harness only), $(config_get up description)|env BASE=6.12 scripts/kunit.sh up"
)
# Every run writes its closing line to summary.txt in its build dir; the
# total counts those this check wrote.
STAMP=$(mktemp)
trap 'rm -f "$STAMP"' EXIT
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
# One closing line for every KUnit case run: each configuration on 7.3,
# and 6.12 UP.
mapfile -t SUMS < <(find "$WORK" -maxdepth 2 -name summary.txt -newer "$STAMP" | sort)
[ ${#SUMS[@]} -gt 0 ] || die "no run of this check wrote a summary.txt under $WORK"
cat "${SUMS[@]}" | awk '
	{ for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i; if ($(i+1) ~ /^skipped/) s += $i } }
	END { printf "check: %d passed, %d failed%s\n", p, f, s ? ", " s " skipped" : "" }'
printf '    from %s\n' "${SUMS[@]#"$WORK"/}"
