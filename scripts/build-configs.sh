#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the whole series in the configurations a kernel CI would try
# besides the suites' own: KUnit as a module (the suites, which are bool
# and need KUNIT=y, drop out), io_uring off, and KUnit off.  Build
# only; the suites themselves run in kunit.sh.  Compiler warnings in the
# files the series touches fail the build.  Each is an allnoconfig with
# its options (and a 64-bit UML) forced in: the smallest kernel that holds
# them, as kernel CI's allnoconfig builds are, so that a code path that
# leans on an option nobody asked for shows up, and so that three whole
# kernels, linked, take a few minutes each.

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

TREE=$(work_tree)
mapfile -t SERIES < <(series_paths)
touched=$(cat "${SERIES[@]}" | sed -n 's|^+++ b/\(.*\.[ch]\)$|\1|p' | sort -u)

build() {
	local name=$1; shift
	local out=$BUILD-cfg-$name log start
	mkdir -p "$out"
	log=$out/build.log
	printf '%s\n' CONFIG_64BIT=y "$@" > "$out/allno.config"
	step "building UML allnoconfig with $name: $*"
	start=$(now)
	if ! { make -C "$TREE" ARCH=um O="$out" KCONFIG_ALLCONFIG="$out/allno.config" allnoconfig &&
	       make -C "$TREE" ARCH=um O="$out" -j"$(nproc)" CC="ccache gcc"; } > "$log" 2>&1; then
		tail -n 30 "$log"
		die "the series does not build with $name; full log: $log"
	fi
	for opt in "$@"; do
		if [ "${opt#*=}" = n ]; then
			! grep -q "^${opt%%=*}=[ym]" "$out/.config"
		else
			grep -qx -- "$opt" "$out/.config"
		fi || die "$name: $opt did not stick in .config (a dependency is missing)"
	done
	local warn
	warn=$(grep ': warning: ' "$log" | grep -F "$touched" || true)
	[ -z "$warn" ] || { printf '%s\n' "$warn"; die "$name: compiler warnings in files of the series"; }
	info "built in $(( $(now) - start ))s, no warnings in the series' files"
}

build kunit-module CONFIG_KUNIT=m CONFIG_MODULES=y CONFIG_IO_URING=y \
	CONFIG_TASK_WORK_KUNIT_TEST=n CONFIG_IO_WQ_KUNIT_TEST=n \
	CONFIG_IO_URING_FALLBACK_KUNIT_TEST=n
# The task_work suite sits under the "Runtime Testing" menu, which
# allnoconfig leaves off.
build no-io_uring CONFIG_KUNIT=y CONFIG_EXPERT=y CONFIG_IO_URING=n \
	CONFIG_RUNTIME_TESTING_MENU=y CONFIG_TASK_WORK_KUNIT_TEST=y
build no-kunit CONFIG_KUNIT=n CONFIG_IO_URING=y
