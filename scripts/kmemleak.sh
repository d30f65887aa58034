#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# kmemleak.sh [CONFIG]: the suites on x86_64 under QEMU (4 vCPUs; KVM when
# a test boot shows it works, else TCG) in configuration CONFIG (x86 by
# default: KCSAN, lockdep, kmemleak; configs/x86.kunitconfig after the root
# .kunitconfig), with userspace/kunit-init.c as the initramfs's /init.
# The suites are built in and run at boot (the stress cases too under
# make stress, as the configuration says); kunit-init then loads
# samples/kmemleak's module, which leaks on purpose, has kmemleak scan,
# and unloads it.
#
# The results, copied by kunit-init from /sys/kernel/debug/kunit/<suite>/
# results to the second serial port, are read by kunit.py parse.  It fails
# when a case failed, a suite did not run, kmemleak missed the sample's
# leaks or listed any other object, or a log check of the configuration
# fails (any other kernel report; the racing cases ran on one CPU only).

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

CONFIG=${1:-x86}
config_args "$CONFIG"
[ -n "$X86" ] || die "configuration $CONFIG has no --qemu_config: kmemleak.sh boots x86_64 only"
# As many vCPUs as configs/qemu/x86_64-smp4.py gives a kunit.py run.
CPUS=4
if runs_slow "$CONFIG"; then
	SUITES=${SUITES:-$(expected_suites all)}
	FILTER=
else
	SUITES=${SUITES:-$(expected_suites)}
	FILTER=speed\>slow
fi
read -r -d "" -a SUITE_LIST <<< "$SUITES" || true
command -v qemu-system-x86_64 >/dev/null 2>&1 || need qemu-system-x86_64 qemu-system-x86
# glibc's static library (libc6-dev), for a program that is the whole user space.
[ -f /usr/lib/x86_64-linux-gnu/libc.a ] || gcc -print-file-name=libc.a | grep -q / ||
	die "no libc.a: apt-get install libc6-dev"

TREE=$(work_tree)
OUT=$BUILD-$CONFIG
mkdir -p "$OUT"
rm -f "$OUT"/results-*.json "$OUT/summary.txt"
info "base: $(cat "$TREE/.git/tw-version"); $(git -C "$TREE" rev-list --count "$(cat "$TREE/.git/tw-base")"..HEAD) patches"

step "building x86_64 ($CONFIG: $(config_get "$CONFIG" description); build dir $OUT)"
kunit_py "$TREE" build --build_dir="$OUT" "${BUILD_ARGS[@]}" ||
	die "the x86_64 build failed; see the output above"

step "building userspace/kunit-init.c (static) and the initramfs"
gcc -static -O2 -Wall -Wextra -Werror -o "$OUT/kunit-init" "$REPO/userspace/kunit-init.c" ||
	die "could not build userspace/kunit-init.c"
# The kernel's own cpio writer: made by the build (usr/), else from its source.
GEN=$OUT/usr/gen_init_cpio
if [ ! -x "$GEN" ]; then
	GEN=$OUT/gen_init_cpio
	gcc -O2 -o "$GEN" "$TREE/usr/gen_init_cpio.c" || die "could not build usr/gen_init_cpio.c"
fi
# samples/kmemleak's module, which leaks on purpose: the positive control
# of the kmemleak scan.
MODS=(samples/kmemleak/kmemleak-test)
{
	echo "dir /dev 0755 0 0"
	echo "nod /dev/console 0600 0 0 c 5 1"
	echo "nod /dev/ttyS1 0600 0 0 c 4 65"
	echo "dir /lib 0755 0 0"
	echo "file /init $OUT/kunit-init 0755 0 0"
	for m in "${MODS[@]}"; do
		[ -f "$OUT/$m.ko" ] || die "the build made no $m.ko"
		echo "file /lib/${m##*/}.ko $OUT/$m.ko 0644 0 0"
	done
} > "$OUT/initramfs.list"
"$GEN" "$OUT/initramfs.list" > "$OUT/initramfs.cpio" || die "could not make the initramfs"

pick_accel "$OUT/arch/x86/boot/bzImage"

step "booting: the suites run, then kunit-init copies their results, loads the leaking sample, has kmemleak scan, unloads it"
LOG=$OUT/test.log
RES=$OUT/results.txt
rm -f "$RES"
# The console is the first serial port; kunit-init copies the results and
# kmemleak's report to the second, a file, so that no kernel line lands in
# the middle of them.  panic=-1 restarts on a panic, which -no-reboot
# turns into QEMU's exit, as it does kunit-init's restart.  QEMU writes
# the console to a file itself: through a pipe, the end of the log of a
# boot that hangs would stay in the pipe's buffer.
status=0
timeout "${KUNIT_TIMEOUT:-${TIMEOUT:-1800}}" qemu-system-x86_64 -nodefaults -nographic -no-reboot \
	-m 1G -smp "$CPUS" -accel "$ACCEL" -bios qboot.rom -serial "file:$LOG.raw" -serial "file:$RES" \
	-kernel "$OUT/arch/x86/boot/bzImage" -initrd "$OUT/initramfs.cpio" \
	-append "console=ttyS0 panic=-1 ${FILTER:+kunit.filter=$FILTER }${KERNEL_ARGS[*]} kunit_init.modules=$(IFS=,; echo "${MODS[*]##*/}") kunit_init.suites=$(IFS=,; echo "${SUITE_LIST[*]}")" \
	</dev/null > "$OUT/qemu.log" 2>&1 || status=$?
# (No console file when QEMU did not start at all: its own log says why.)
if [ -f "$LOG.raw" ]; then tr -d '\r' < "$LOG.raw" > "$LOG"; else : > "$LOG"; fi
booted_is_built "$OUT/vmlinux" "$LOG"
[ "$status" -eq 0 ] || { tail -n 20 "$LOG"; cat "$OUT/qemu.log"; die "QEMU failed or timed out (exit $status; 124 is the timeout); the log's end is above, all of it in $LOG"; }

grep -q '^kunit-init: done' "$LOG" ||
	{ grep '^kunit-init: ' "$LOG" | tail -n 5; die "kunit-init did not finish (above; full log: $LOG)"; }

step "results (kunit.py parse)"
jsons=()
for s in $SUITES; do
	tr -d '\r' < "$RES" |
		sed -n "/^kunit-init: begin results $s\$/,/^kunit-init: end results $s\$/p" |
		sed '1d;$d' > "$OUT/results-$s.ktap"
	[ -s "$OUT/results-$s.ktap" ] || die "no results for suite $s in $RES (kernel log: $LOG)"
	# kunit.py parse exits 1 when a case failed too; no JSON means it
	# could not read the results.
	kunit_py "$TREE" parse --json="$OUT/results-$s.json" \
		"$OUT/results-$s.ktap" > "$OUT/parse-$s.log" || true
	[ -s "$OUT/results-$s.json" ] ||
		{ cat "$OUT/parse-$s.log"; die "kunit.py parse could not read the results of $s"; }
	jsons+=("$OUT/results-$s.json")
done
failed=0
if ! python3 "$REPO/scripts/summary.py" kunit "$(IFS=,; echo "${jsons[*]}")" 0 "$OUT/summary.txt" "${SUITE_LIST[@]}"; then
	grep -hE -B2 -A6 'FAILED|CRASHED' "$OUT"/parse-*.log | grep -v '\[PASSED\]' | head -n 60
	warn "a case failed or a suite did not run (above)"
	failed=1
fi

# kmemleak's report, one block per object: the control's blocks name its
# module in their backtrace; every other block is a leak of this run.
grep -q '^kunit-init: kmemleak listed [0-9]* objects' "$LOG" || die "kmemleak did not report (see $LOG)"
tr -d '\r' < "$RES" | sed -n '/^kunit-init: begin kmemleak$/,/^kunit-init: end kmemleak$/p' |
	sed '1d;$d' > "$OUT/kmemleak.txt"
read -r control others < <(awk '
	/^unreferenced object/ { if (n) { if (ctl) c++; else o++ } n = 1; ctl = 0 }
	/\[kmemleak_test\]/ { ctl = 1 }
	END { if (n) { if (ctl) c++; else o++ } print c + 0, o + 0 }' "$OUT/kmemleak.txt")
[ "$control" -gt 0 ] ||
	die "kmemleak listed none of samples/kmemleak's leaks: the scan cannot be trusted (see $OUT/kmemleak.txt)"
if [ "$others" -gt 0 ]; then
	# The first few of them, hex dumps left out.
	awk 'function out() { if (blk != "" && blk !~ /\[kmemleak_test\]/ && shown++ < 4) printf "%s", blk }
	     /^unreferenced object/ { out(); blk = "" }
	     !/^    [0-9a-f][0-9a-f] / { blk = blk $0 "\n" }
	     END { out() }' "$OUT/kmemleak.txt"
	warn "kmemleak: $others unreferenced objects besides the control's (above; all: $OUT/kmemleak.txt)"
	failed=1
else
	info "kmemleak: the control's $control leaks found, no other unreferenced object"
fi
echo "control $control, others $others" > "$OUT/kmemleak-summary.txt"
# kmemleak's report went to the results port and is checked above; the
# console log must hold no report of any other kind.
run_checks "$CONFIG" "$LOG" "$(IFS=,; echo "${jsons[*]}")"
[ "$failed" -eq 0 ] || die "the $CONFIG run failed (above)"
