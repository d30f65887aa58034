#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make rust: build UML with CONFIG_RUST=y in the trixie toolchain root
# (scripts/rust-env.sh), with the series' suites, the kernel crate's
# doctests (kernel::task_work's among them) and Rust Binder, run them with
# kunit.py and print the closing line as make kunit does; then show the
# kernel::task_work doctests and the Binder object built from the converted
# deferred_close.rs.  rustfmt checks the series' Rust files first; the
# Rust code is built with clippy, and a warning of rustc or clippy fails
# the build (KRUSTFLAGS=-Dwarnings).  The work tree, the build directory
# and this repository are bind-mounted into the root inside a private
# mount namespace, so every mount goes away with it, even on failure.

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" -eq 0 ] || die "make rust needs root (chroot and bind mounts)"
ROOT=$("$REPO/scripts/rust-env.sh" | tail -n1)
TREE=$(work_tree)
OUT=$BUILD-rust
# The Rust files the series adds or changes, for rustfmt.
RSFILES="rust/kernel/task_work.rs drivers/android/binder/deferred_close.rs"
BINDER_OBJ=drivers/android/binder/rust_binder_main.o
JSON=$OUT/results.json
mkdir -p "$OUT"
rm -f "$JSON" "$OUT/summary.txt"

step "building UML with CONFIG_RUST=y and running the suites in $ROOT ($(cat "$ROOT/.tw-complete"))"
status=0
# shellcheck disable=SC2016 # the script is for the inner shell to expand
unshare -m --propagation private /bin/bash -euc '
	root=$1 tree=$2 out=$3 repo=$4 json=$5 conf=$6 rsfiles=$7
	for d in "$tree" "$out" "$repo"; do
		mkdir -p "$root$d"
		mount --bind "$d" "$root$d"
	done
	mount -o remount,ro,bind "$root$repo"
	mount -t proc proc "$root/proc"
	mount --bind /dev "$root/dev"
	mount -t tmpfs tmpfs "$root/dev/shm"
	chroot "$root" /bin/sh -c "cd \"$tree\" && rustfmt --edition 2021 --check \
		--config-path .rustfmt.toml $rsfiles" ||
		{ echo "error: $rsfiles: not formatted as rustfmt wants (diff above)" >&2; exit 1; }
	chroot "$root" /bin/sh -c "cd \"$tree\" && python3 tools/testing/kunit/kunit.py run \
		--build_dir=\"$out\" --jobs=$(nproc) --timeout=900 \
		--make_options CLIPPY=1 --make_options KRUSTFLAGS=-Dwarnings \
		--kunitconfig=\"$conf\" --json=\"$json\""
' rust "$ROOT" "$TREE" "$OUT" "$REPO" "$JSON" "$(config_file rust)" "$RSFILES" || status=$?

[ -s "$JSON" ] || die "kunit.py wrote no results (exit $status); see $OUT/test.log"
python3 "$REPO/scripts/summary.py" rust "$JSON" "$status" "$OUT/summary.txt" task_work io_wq io_uring_fallback rust_kernel_task_work rust_doctests_kernel

# kernel::task_work's tests, by name, from kunit.py's JSON: its doctests
# are cases of rust_doctests_kernel named after the file, and its KUnit
# cases the suite rust_kernel_task_work.
python3 - "$JSON" <<'PY' || die "kernel::task_work's doctests and cases did not all pass (above); see $OUT/test.log"
import json, sys
cases = []
def walk(group, suite):
    for case in group.get("test_cases", []):
        if "_task_work_rs_" in case["name"]:
            cases.append(("doctest", case["name"], case["status"]))
        elif suite == "rust_kernel_task_work":
            cases.append(("case", case["name"], case["status"]))
    for sub in group.get("sub_groups", []):
        walk(sub, sub["name"])
with open(sys.argv[1]) as f:
    walk(json.load(f), "")
for kind, name, status in cases:
    print(f"rust: kernel::task_work {kind} {name}: {status}")
doctests = sum(1 for kind, _, _ in cases if kind == "doctest")
sys.exit(0 if doctests >= 3 and len(cases) > doctests and all(s == "PASS" for _, _, s in cases) else 1)
PY

# Rust Binder: built into this kernel, from the work tree's
# deferred_close.rs, which no longer calls task_work through bindings::.
grep -qx 'CONFIG_ANDROID_BINDER_IPC_RUST=y' "$OUT/.config" ||
	die "Rust Binder is not in $OUT/.config; see configs/rust.kunitconfig"
[ "$OUT/$BINDER_OBJ" -nt "$TREE/drivers/android/binder/deferred_close.rs" ] ||
	die "$BINDER_OBJ is older than deferred_close.rs: Rust Binder was not rebuilt"
grep -q 'deferred_close.rs' "$OUT/drivers/android/binder/.rust_binder_main.o.cmd" ||
	die "$BINDER_OBJ was not built from deferred_close.rs (see its .cmd file)"
left=$(git -C "$TREE" grep -n 'bindings::task_work_add\|bindings::init_task_work' -- drivers/ rust/kernel/ |
	grep -v '^rust/kernel/task_work\.rs:' || true)
[ -z "$left" ] || die "task_work is still called through bindings:: outside kernel::task_work: $left"
info "rust: Rust Binder built: $BINDER_OBJ ($(stat -c %s "$OUT/$BINDER_OBJ") bytes), from deferred_close.rs through kernel::task_work"

