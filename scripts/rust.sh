#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make rust: build UML with CONFIG_RUST=y in the trixie toolchain root
# (scripts/rust-env.sh), with the series' suites, the Rust task_work test
# and the kernel crate's doctests, run them with kunit.py and print the
# closing line as make kunit does; rustfmt checks the Rust test first.  The work tree, the build directory and
# this repository are bind-mounted into the root inside a private mount
# namespace, so every mount goes away with it, even on failure.

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" -eq 0 ] || die "make rust needs root (chroot and bind mounts)"
ROOT=$("$REPO/scripts/rust-env.sh" | tail -n1)
TREE=$(work_tree)
OUT=$BUILD-rust
JSON=$OUT/results.json
mkdir -p "$OUT"
rm -f "$JSON" "$OUT/summary.txt"

step "building UML with CONFIG_RUST=y and running the suites in $ROOT ($(cat "$ROOT/.tw-complete"))"
status=0
# shellcheck disable=SC2016 # the script is for the inner shell to expand
unshare -m --propagation private /bin/bash -euc '
	root=$1 tree=$2 out=$3 repo=$4 json=$5 conf=$6
	for d in "$tree" "$out" "$repo"; do
		mkdir -p "$root$d"
		mount --bind "$d" "$root$d"
	done
	mount -o remount,ro,bind "$root$repo"
	mount -t proc proc "$root/proc"
	mount --bind /dev "$root/dev"
	mount -t tmpfs tmpfs "$root/dev/shm"
	chroot "$root" /bin/sh -c "cd \"$tree\" && rustfmt --edition 2021 --check \
		--config-path .rustfmt.toml rust/kernel/task_work.rs" ||
		{ echo "error: rust/kernel/task_work.rs is not formatted as rustfmt wants (diff above)" >&2; exit 1; }
	chroot "$root" /bin/sh -c "cd \"$tree\" && python3 tools/testing/kunit/kunit.py run \
		--build_dir=\"$out\" --jobs=$(nproc) --timeout=900 \
		--kunitconfig=\"$conf\" --json=\"$json\""
' rust "$ROOT" "$TREE" "$OUT" "$REPO" "$JSON" "$(config_file rust)" || status=$?

[ -s "$JSON" ] || die "kunit.py wrote no results (exit $status); see $OUT/test.log"
python3 "$REPO/scripts/summary.py" rust "$JSON" "$status" "$OUT/summary.txt" task_work io_wq io_uring_fallback rust_kernel_task_work rust_doctests_kernel
