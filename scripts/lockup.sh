#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make lockup: does the v1 workload make the lockup detectors fire, and
# on which kernel?  Builds UML kernels from the work tree's own commits,
# one configuration for all (configs/lockup.config: no KASAN, lockdep or
# KCSAN), and boots each with userspace/teardown.c as init on many CPUs,
# round after round, the kernels alternating.  Then one table per kernel:
# hard LOCKUP reports (how many, in how many rounds, in which phase of
# the program), soft lockups, RCU stalls and hung tasks, and the times of
# the program's phases; last, a headline line with each kernel's count of
# rounds with a hard lockup.
#
# The kernels (LK_KERNELS, in this order):
#   7.3       the base, no patch
#   gate      the base + patches/fix patch 1 (the exit gate)
#   one-pass  the base + patches/fix patches 2-3 (task_work_cancel_match_all()
#             and its use in io-wq), without the gate
#   stable    the base + the patches of patches/fix and patches/next that
#             carry "Cc: stable@vger.kernel.org"
#   series    the base + patches/fix + patches/next
#
# A measurement, not a test: it fails only when a boot did not complete
# its round, or when the "series" kernel reports a lockup.
#
#   LK_ROUNDS=5 (boots per kernel)  LK_CPUS=32  LK_WORKERS=128
#   LK_WORKS=1000000  LK_THRESH=4 (watchdog_thresh; the same for every kernel)
#   (at 500,000 works 7.3 reported a hard lockup in 1 boot of 5, at
#   1,000,000 in 5 of 5: RESULTS.md)
#   LK_SENDERS=4  LK_BATCH=256  LK_MEM=4G  LK_TIMEOUT=1200 (per boot, s)
#   LK_KERNELS="7.3 gate one-pass stable series"
#   LK_LOGS=DIR (default $WORK/lockup-logs): where the logs go; a run
#   with other parameters wants a directory of its own.
#   LK_FIRST=1: the first round to run; the logs of the rounds before it
#   are kept and counted (a boot that failed can be run again with
#   LK_FIRST=R LK_ROUNDS=R LK_KERNELS=K, then the table with LK_FIRST and
#   LK_ROUNDS covering all); the table refuses logs made with other
#   parameters.

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

LK_ROUNDS=${LK_ROUNDS:-5}
LK_CPUS=${LK_CPUS:-32}
LK_WORKERS=${LK_WORKERS:-128}
LK_WORKS=${LK_WORKS:-1000000}
LK_THRESH=${LK_THRESH:-4}
LK_SENDERS=${LK_SENDERS:-4}
LK_BATCH=${LK_BATCH:-256}
LK_MEM=${LK_MEM:-4G}
LK_TIMEOUT=${LK_TIMEOUT:-1200}
LK_KERNELS=${LK_KERNELS:-7.3 gate one-pass stable series}
LK_FIRST=${LK_FIRST:-1}
LK_TABLE_KERNELS=${LK_TABLE_KERNELS:-$LK_KERNELS}
[ "$BASE" = 7.3 ] || die "make lockup runs on BASE=7.3 only (its kernels are steps of patches/fix)"
for v in LK_FIRST LK_ROUNDS LK_CPUS LK_WORKERS LK_WORKS LK_THRESH LK_SENDERS LK_BATCH LK_TIMEOUT; do
	[[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "$v=${!v} is not a positive whole number"
done
[ "$LK_CPUS" -le 64 ] || die "LK_CPUS=$LK_CPUS: configs/lockup.config has NR_CPUS=64"

TREE=$(work_tree)
BASEREF=$(cat "$TREE/.git/tw-base")
SRC=$WORK/lockup-src
OUT=$BUILD-lockup
BIN=$WORK/lockup-bin
ROOT=$WORK/lockup-root
LOGS=${LK_LOGS:-$WORK/lockup-logs}
mkdir -p "$BIN" "$LOGS"

teardown_program "$ROOT"

# --- which commits make each kernel -------------------------------------------
mapfile -t FIXC < <(git -C "$TREE" rev-list --reverse "$BASEREF"..fix)
mapfile -t ALLC < <(git -C "$TREE" rev-list --reverse "$BASEREF"..next)
[ "${#FIXC[@]}" -eq 3 ] ||
	die "patches/fix has ${#FIXC[@]} patches; make lockup's kernels are written for 3 (gate, task_work, io-wq): update scripts/lockup.sh"
STABLEC=()
for c in "${ALLC[@]}"; do
	git -C "$TREE" log -1 --format=%B "$c" | grep -q '^Cc: stable@vger\.kernel\.org' && STABLEC+=("$c")
done
declare -A PICK=(
	[7.3]=""
	[gate]="${FIXC[0]}"
	[one-pass]="${FIXC[1]} ${FIXC[2]}"
	[stable]="${STABLEC[*]}"
	[series]="${ALLC[*]}"
)
subjects() {
	local c s=()
	for c in $1; do s+=("$(git -C "$TREE" log -1 --format=%s "$c")"); done
	[ ${#s[@]} -gt 0 ] || { echo "no patch"; return; }
	printf '%s; ' "${s[@]}" | sed 's/; $//'
}

# --- build: one checkout, one build directory, each kernel in turn ------------
if ! [ -e "$SRC/.git" ]; then
	rm -rf "$SRC"
	git -C "$TREE" worktree prune
	git -C "$TREE" worktree add -q --detach "$SRC" "$BASEREF" >/dev/null 2>&1 ||
		die "git worktree add of the base in $SRC failed"
fi
confhash=$(sha1sum < "$REPO/configs/lockup.config" | cut -c1-12)
for k in $LK_KERNELS; do
	[ -n "${PICK[$k]+set}" ] || die "unknown kernel '$k' in LK_KERNELS (use: 7.3 gate one-pass stable series)"
	step "kernel $k: $(subjects "${PICK[$k]}")"
	git -C "$SRC" checkout -q --detach "$BASEREF" || die "could not check out the base in $SRC"
	for c in ${PICK[$k]}; do
		git -C "$SRC" -c user.name=lockup -c user.email=lockup@localhost \
			cherry-pick --allow-empty -x "$c" >/dev/null 2>&1 ||
			{ git -C "$SRC" cherry-pick --abort 2>/dev/null || true
			  die "kernel $k: $(git -C "$TREE" log -1 --format=%s "$c") does not apply without the patches before it"; }
	done
	# A kernel is built again only when its source or the configuration changed.
	key=$(git -C "$SRC" rev-parse 'HEAD^{tree}' | cut -c1-12)-$confhash
	if [ -x "$BIN/$k/linux" ] && [ "$(cat "$BIN/$k/key" 2>/dev/null)" = "$key" ]; then
		info "already built (source tree $key)"
		continue
	fi
	t=$(now)
	kunit_py "$SRC" build --build_dir="$OUT" --kunitconfig="$REPO/configs/lockup.config" \
		> "$LOGS/build-$k.log" 2>&1 ||
		{ tail -n 30 "$LOGS/build-$k.log"; die "the $k kernel did not build (log: $LOGS/build-$k.log)"; }
	for o in KASAN PROVE_LOCKING KCSAN DEBUG_LIST; do
		! grep -q "^CONFIG_$o=y" "$OUT/.config" || die "the $k kernel has CONFIG_$o: make lockup measures kernels without debug options"
	done
	mkdir -p "$BIN/$k"
	cp "$OUT/linux" "$BIN/$k/linux"
	echo "$key" > "$BIN/$k/key"
	info "built in $(( $(now) - t )) s"
done

# --- the runs: round r boots every kernel once, in an order that rotates ------
read -ra KS <<< "$LK_KERNELS"
ARGS=("mem=$LK_MEM" "ncpus=$LK_CPUS" seccomp=on rootfstype=hostfs "rootflags=$ROOT" rw
      init=/teardown "watchdog_thresh=$LK_THRESH" td_rounds=1 "td_workers=$LK_WORKERS"
      "td_works=$LK_WORKS" "td_senders=$LK_SENDERS" "td_batch=$LK_BATCH")
for ((r = LK_FIRST; r <= LK_ROUNDS; r++)); do
	for ((j = 0; j < ${#KS[@]}; j++)); do
		k=${KS[$(( (j + r - 1) % ${#KS[@]} ))]}
		log=$LOGS/run-$k-$r.log
		step "round $r/$LK_ROUNDS: $k ($LK_CPUS CPUs, $LK_WORKERS workers, $LK_WORKS works; log $log)"
		t=$(now)
		rc=0
		timeout -k 10 "$LK_TIMEOUT" "$BIN/$k/linux" "${ARGS[@]}" </dev/null >"$log" 2>&1 || rc=$?
		echo "LK_EXIT,$rc,$(( $(now) - t ))" >> "$log"
		info "exit $rc after $(( $(now) - t )) s: $(grep -c 'hard LOCKUP' "$log" || true) hard, $(grep -c 'soft lockup' "$log" || true) soft lockup reports"
	done
done

# --- the table ------------------------------------------------------------------
step "results (watchdog_thresh=$LK_THRESH: hard lockup after $LK_THRESH s, soft after $((2 * LK_THRESH)) s)"
params="ncpus=$LK_CPUS N=$LK_WORKS W=$LK_WORKERS watchdog_thresh=$LK_THRESH rounds=$LK_ROUNDS"
read -ra TK <<< "$LK_TABLE_KERNELS"
python3 "$REPO/scripts/lockup-table.py" "$LOGS" "$LK_ROUNDS" "$REPORTS_FILE" "$params" "${TK[@]}" ||
	die "make lockup: see above; logs in $LOGS"
