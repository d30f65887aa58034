#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Compile the series in the configurations a kernel CI would try besides
# the suites' own: KUnit as a module (the suites, which are bool and need
# KUNIT=y, drop out), io_uring off, and KUnit off.  Compile only; the
# suites themselves run in kunit.sh.  Each is an allnoconfig with its
# options (and a 64-bit UML) forced in: the smallest kernel that holds
# them, as kernel CI's allnoconfig builds are, so that a code path that
# leans on an option nobody asked for shows up.  Of it, the directories
# that hold the series' C files (kernel/, io_uring/, rust/helpers/) are
# compiled, with W=1: Kbuild builds there what the configuration enables
# and nothing else.  A compiler warning in a file of the series fails.
#
# KUnit as a module is only configured, not compiled, while the series'
# own code (its files but the suites) does not test CONFIG_KUNIT: the
# suites drop out (checked in .config), and what is left compiles as it
# does with KUnit off, which is compiled.  That saves a third of the
# stage.  Should the series' code test CONFIG_KUNIT, it is compiled.
#
# Not linked: a whole kernel each took 3.5 to 5 minutes of a cold make
# check, against 1 to 1.5 for the directories (66-70 and 93-105 s
# cold on 2026-12-05).  What linking adds, a symbol the series uses and the
# configuration does not provide, is left to the builds that link
# (build-each.sh at every patch, kunit.sh).

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

TREE=$(work_tree)
mapfile -t SERIES < <(series_paths)
touched=$(cat "${SERIES[@]}" | sed -n 's|^+++ b/\(.*\.[ch]\)$|\1|p' | sort -u)
# The directories of the series' C files, for make: "kernel/ io_uring/".
mapfile -t DIRS < <(printf '%s\n' "$touched" | sed -n 's|^\(.*\)/[^/]*\.c$|\1/|p' | sort -u)
[ ${#DIRS[@]} -gt 0 ] || die "the series has no C file: nothing to compile"

build() {
	local name=$1; shift
	local out=$BUILD-cfg-$name log start targets=("${DIRS[@]}")
	mkdir -p "$out"
	log=$out/build.log
	printf '%s\n' CONFIG_64BIT=y "$@" > "$out/allno.config"
	if [ -n "${CONFIGURE_ONLY:-}" ]; then
		step "configuring UML allnoconfig with $name (not compiled: see scripts/build-configs.sh): $*"
		targets=()
	else
		step "compiling ${DIRS[*]} of UML allnoconfig with $name: $*"
	fi
	start=$(now)
	if ! { make -C "$TREE" ARCH=um O="$out" KCONFIG_ALLCONFIG="$out/allno.config" allnoconfig &&
	       { [ ${#targets[@]} -eq 0 ] ||
		 { w1_archprepare "$TREE" "$out" &&
		   make -C "$TREE" ARCH=um O="$out" -j"$(nproc)" CC="ccache gcc" "${W1[@]}" "${targets[@]}"; }; }; } > "$log" 2>&1; then
		tail -n 30 "$log"
		die "the series does not compile with $name; full log: $log"
	fi
	for opt in "$@"; do
		if [ "${opt#*=}" = n ]; then
			! grep -q "^${opt%%=*}=[ym]" "$out/.config"
		else
			grep -qx -- "$opt" "$out/.config"
		fi || die "$name: $opt did not stick in .config (a dependency is missing)"
	done
	if [ ${#targets[@]} -eq 0 ]; then
		info "configured in $(( $(now) - start ))s: the options stick"
		return
	fi
	local warn
	warn=$(grep ': warning: ' "$log" | grep -F "$touched" || true)
	[ -z "$warn" ] || { printf '%s\n' "$warn"; die "$name: compiler warnings in files of the series"; }
	info "compiled $(grep -c '^  CC ' "$log" || true) files in $(( $(now) - start ))s, no W=1 warnings in the series' files"
}

# The series' files but the suites (and their .kunitconfig files): does
# any test CONFIG_KUNIT?
kunit_users=$(printf '%s\n' "$touched" | grep -v 'kunit' |
	(cd "$TREE" && xargs -r grep -l 'CONFIG_KUNIT\b' -- 2>/dev/null) || true)
kunit_module_only=1
[ -z "$kunit_users" ] || kunit_module_only=
CONFIGURE_ONLY=$kunit_module_only build kunit-module CONFIG_KUNIT=m CONFIG_MODULES=y CONFIG_IO_URING=y \
	CONFIG_TASK_WORK_KUNIT_TEST=n CONFIG_IO_WQ_KUNIT_TEST=n \
	CONFIG_IO_URING_FALLBACK_KUNIT_TEST=n
# The task_work suite sits under the "Runtime Testing" menu, which
# allnoconfig leaves off.
build no-io_uring CONFIG_KUNIT=y CONFIG_EXPERT=y CONFIG_IO_URING=n \
	CONFIG_RUNTIME_TESTING_MENU=y CONFIG_TASK_WORK_KUNIT_TEST=y
build no-kunit CONFIG_KUNIT=n CONFIG_IO_URING=y
