#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Everything CI runs, stage by stage, with the time each stage took.
# Stops at the first failing stage and says which one it was.
#
# Which configuration runs where is the "check:" line of each
# configs/*.kunitconfig (scripts/lib.sh).  Builds are shared where stages
# can share them: every patch is built in the KASAN configuration, and
# its suites then run in that build at the tip, which builds only the
# last steps again; the same goes for 6.12 and its suites.  The x86_64
# checkers (KCSAN, lockdep, kmemleak) are one kernel.  What only
# waits on the network and the disk runs beside the builds: after the
# first stage, the 6.12 work tree and the Rust toolchain root are made in
# the background (log: $WORK/prefetch.log), and the stage before the first
# that needs them waits for them.

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

# The configuration that says "check: each" is built at every patch, then
# run with those that say "check: stress"; each that says "check: stage"
# has a stage of its own.  The stage names list them.
EACHC=$(configs_where check each)
[ "$(echo "$EACHC" | wc -w)" -eq 1 ] ||
	die "one configuration must say \"check: each\" in configs/*.kunitconfig; found: ${EACHC:-none}"
# (Commas: a stage's command is split at white space.)
STRESSC=$EACHC
for c in $(configs_where check stress); do STRESSC+=,$c; done
STRESSED=$(for c in ${STRESSC//,/ }; do config_get "$c" description; done | paste -sd';' | sed 's/;/; /g')
STAGES=(
	"work tree (fetch, apply)|scripts/tree.sh"
	"harness tests|tests/harness.sh"
	"checkpatch and kernel-doc|scripts/checkpatch.sh"
	"each patch builds (W=1) in $(config_get "$EACHC" description), the fix series before any test patch|env EACH_CONFIG=$EACHC scripts/build-each.sh"
	"stress matrix, stress cases included: $STRESSED (the first in the per-patch build)|env STRESS_EACH=1 STRESS_CONFIGS=$STRESSC scripts/stress.sh"
	"other configurations: the series' directories compiled without io_uring and without KUnit; KUnit as a module configured|scripts/build-configs.sh"
	"documentation (Sphinx)|scripts/docs.sh"
	"checks of patches/bench (harness only): io-wq's walks and counts at worker exit and teardown|env BENCH_CHECK=1 scripts/bench.sh"
	"made in the background: the 6.12 work tree, the Rust toolchain root|wait_prefetch"
	"6.12 LTS backport: work tree, checkpatch, kernel-doc, recipients|env BASE=6.12 scripts/checkpatch.sh"
	"6.12 LTS backport: each fix patch builds alone (W=1); the suites of patches/6.12-tests (harness only) at the tip, $(config_get up description)|env BASE=6.12 EACH_SERIES=fix EACH_RUN=1 scripts/build-each.sh"
)
# The configurations with a stage of their own, after the background lane
# they may need (Rust needs its toolchain root).
for c in $(configs_where check stage); do
	i=$(( $(printf '%s\n' "${STAGES[@]}" | grep -n '|wait_prefetch$' | cut -d: -f1) ))
	STAGES=("${STAGES[@]:0:i}" "$c: $(config_get "$c" description)|scripts/kunit.sh $c" "${STAGES[@]:i}")
done
# Every run writes its closing line to summary.txt in its build dir; the
# total counts those this check wrote.
STAMP=$(mktemp)
PREFETCH_PID=
PREFETCH_LOG=$WORK/prefetch.log
# On any exit, the background lane goes too (it is a process group).
trap 'rm -f "$STAMP"; [ -z "$PREFETCH_PID" ] || kill -- -"$PREFETCH_PID" 2>/dev/null || true' EXIT

# start_prefetch: make the 6.12 work tree and the Rust toolchain root in
# the background, in a process group of their own.  debootstrap is
# installed first, here: two apt-get runs at once would fight over dpkg's
# lock.  Without root, rust-env.sh cannot work and the Rust stage says so.
start_prefetch() {
	if [ "$(id -u)" -eq 0 ] && ! command -v debootstrap >/dev/null 2>&1; then
		step "installing debootstrap (for the Rust toolchain root)"
		apt_get_install debootstrap
	fi
	mkdir -p "$WORK"
	# shellcheck disable=SC2016 # expanded by the inner shell
	setsid bash -c 'cd "$1" && BASE=6.12 scripts/tree.sh &&
		{ [ "$(id -u)" -ne 0 ] || scripts/rust-env.sh; }' prefetch "$REPO" \
		> "$PREFETCH_LOG" 2>&1 < /dev/null &
	PREFETCH_PID=$!
	info "making the 6.12 work tree and the Rust toolchain root in the background (log: $PREFETCH_LOG)"
}

# wait_prefetch: wait for start_prefetch's lane; fail with its log's end.
wait_prefetch() {
	[ -n "$PREFETCH_PID" ] || { info "nothing was started in the background"; return 0; }
	local pid=$PREFETCH_PID
	PREFETCH_PID=
	if ! wait "$pid"; then
		tail -n 20 "$PREFETCH_LOG"
		printf 'error: making the 6.12 work tree or the Rust toolchain root failed (above; log: %s)\n' "$PREFETCH_LOG" >&2
		return 1
	fi
	grep -E '^ *(base|work tree|Rust toolchain root):|^==>' "$PREFETCH_LOG" | sed 's/^ */    /'
}
declare -a TIMES
total_start=$(now)
for s in "${STAGES[@]}"; do
	name=${s%%|*}
	cmd=${s#*|}
	printf '\n######## %s\n' "$name"
	start=$(now)
	status=0
	if [ "$cmd" = wait_prefetch ]; then
		wait_prefetch || status=$?
	else
		(cd "$REPO" && $cmd) || status=$?
	fi
	if [ "$status" -ne 0 ]; then
		printf '\ncheck: stage "%s" failed after %ss (command: %s)\n' "$name" \
			"$(( $(now) - start ))" "$cmd" >&2
		exit 1
	fi
	TIMES+=("$(printf '%5ss  %s' "$(( $(now) - start ))" "$name")")
	# After the first stage (the 7.3 work tree, and the packages every
	# build needs), the background lane can start.
	[ ${#TIMES[@]} -ne 1 ] || start_prefetch
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
