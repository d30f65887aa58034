# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# Common helpers for the harness scripts.  Sourced, never run.

set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BASE=${BASE:-7.3}
CACHE=${TW_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tw-series}
# Work trees and build dirs belong to one checkout of this repository:
# key them by its path so that two clones never share a work tree.
REPO_KEY=$(printf '%s' "$REPO" | sha1sum | cut -c1-10)
WORK=${TW_WORK:-$CACHE/work/$REPO_KEY}
# A KERNEL_SRC tree gets work and build dirs of its own, keyed by its path.
SRCKEY=
if [ -n "${KERNEL_SRC:-}" ]; then
	[ -d "$KERNEL_SRC" ] || { echo "error: KERNEL_SRC=$KERNEL_SRC is not a directory" >&2; exit 1; }
	SRCKEY=-src-$(cd "$KERNEL_SRC" && pwd | tr -d '\n' | sha1sum | cut -c1-10)
fi
TREE=${TREE:-$WORK/linux-$BASE$SRCKEY}
BUILD=${BUILD:-$WORK/build-$BASE$SRCKEY}
# build-each.sh's checkout of the work tree, where it steps through the
# patches; its build dir for configuration NAME is $BUILD-each-NAME.
EACH=$WORK/each-$BASE$SRCKEY

# The series are applied in this order, each on top of the one before:
# on 7.3 the fix (patches/fix, this cycle and stable), the next-cycle
# patches (patches/next), tests and docs (patches/tests), the io_uring
# exit fallback suite (patches/fallback), then the Rust abstraction and
# its Binder user (patches/rust).  In the work tree a branch marks the
# last commit of each (SERIES_BRANCHES);
# the last one, "series", is the checked-out branch.  On 6.12 only the
# fix is sent; its tests directory is harness only.  FIX_DIR is the first
# series, TESTS_DIR the last.  SERIES_PREFIXES: format-patch subject
# prefixes.  KUNITCONFIG: the suites' configuration on that base (6.12
# has no io_uring_fallback suite: its exit fallback is another one).
# shellcheck disable=SC2034 # SERIES_PREFIXES, FIX_DIR and TESTS_DIR are for the scripts
case "$BASE" in
7.3) SERIES_NAMES=(fix next tests fallback rust)
     SERIES_BRANCHES=(fix next tests fallback series)
     SERIES_PREFIXES=("PATCH v2" "PATCH" "PATCH" "PATCH" "PATCH")
     KUNITCONFIG=$REPO/.kunitconfig ;;
6.12) SERIES_NAMES=(6.12 6.12-tests) SERIES_BRANCHES=(fix series)
      SERIES_PREFIXES=("PATCH 6.12.y" "HARNESS 6.12.y")
      KUNITCONFIG=$REPO/configs/6.12.kunitconfig ;;
*) echo "error: unknown BASE=$BASE (use 7.3 or 6.12)" >&2; exit 2 ;;
esac
SERIES_DIRS=("${SERIES_NAMES[@]/#/$REPO/patches/}")
# shellcheck disable=SC2034
FIX_DIR=${SERIES_DIRS[0]} TESTS_DIR=${SERIES_DIRS[-1]}

# series_index NAME: the index of series NAME (fix, next, tests, 6.12...)
# in SERIES_NAMES; fails for a name this base does not have.
series_index() {
	local i
	for i in "${!SERIES_NAMES[@]}"; do
		[ "${SERIES_NAMES[$i]}" = "$1" ] && { echo "$i"; return 0; }
	done
	return 1
}

# series_from I BASEREF: where series I starts in the work tree (the
# branch of the series before it, or the base).
series_from() {
	if [ "$1" -eq 0 ]; then echo "$2"; else echo "${SERIES_BRANCHES[$(($1 - 1))]}"; fi
}

# ccache keyed on paths relative to $WORK, so that another clone of this
# repository (another $WORK) hits what this one compiled.
export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$WORK} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
# No depend mode (CCACHE_DEPEND): it caches an object whose source pulls a
# file in with .incbin, which no dependency file names.  x86's piggy.S
# (the compressed kernel) reads the same whenever the kernel's size does,
# so a new kernel whose version string alone differed got the last
# clone's piggy.o: its bzImage booted the old kernel (CI, 2026-12-07).
# Without depend mode, ccache sees .incbin in the preprocessed source and
# does not cache the object.  The namespace leaves behind every entry
# stored in depend mode, stale piggy.o among them.
export CCACHE_NAMESPACE=${CCACHE_NAMESPACE:-tw-nodepend}
unset CCACHE_DEPEND; export CCACHE_NODEPEND=1	# over a ccache.conf's depend_mode too

step() { printf '==> %s\n' "$*"; }
# No script stops without saying where: set -e failures name the command.
# shellcheck disable=SC2154 # rc is assigned by the trap itself
trap 'rc=$?; printf "error: %s: command failed (exit %s) at line %s: %s\n" "${0##*/}" "$rc" "$LINENO" "$BASH_COMMAND" >&2' ERR
info() { printf '    %s\n' "$*"; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# need CMD PKG...: make sure CMD exists, installing PKG with apt-get as root.
need() {
	local cmd=$1; shift
	command -v "$cmd" >/dev/null 2>&1 && return 0
	if [ "$(id -u)" -ne 0 ]; then
		die "'$cmd' is missing; install it with: sudo apt-get install $*"
	fi
	step "installing $* (for $cmd)"
	apt_get_install "$@"
}

APT_UPDATED=
apt_get_install() {
	if [ -z "$APT_UPDATED" ]; then
		DEBIAN_FRONTEND=noninteractive apt-get update -qq ||
			die "apt-get update failed"
		APT_UPDATED=1
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null ||
		die "apt-get install $* failed"
}

# Build dependencies of a UML kernel and of the harness.
need_build_deps() {
	local missing=() c p
	for c in gcc:gcc make:make flex:flex bison:bison bc:bc git:git python3:python3 \
		 ccache:ccache xz:xz-utils perl:perl; do
		command -v "${c%%:*}" >/dev/null 2>&1 || missing+=("${c#*:}")
	done
	for p in libelf-dev libssl-dev; do
		dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		die "missing build dependencies; install them with: sudo apt-get install ${missing[*]}"
	fi
	step "installing build dependencies: ${missing[*]}"
	apt_get_install "${missing[@]}"
}

# teardown_program ROOT: build userspace/teardown.c static, as ROOT/teardown,
# the init of make teardown's and make lockup's UML kernels (glibc's
# static library and the kernel's uapi headers from Debian's packages).
teardown_program() {
	local root=$1 p
	need_build_deps
	for p in libc6-dev linux-libc-dev; do
		dpkg -s "$p" >/dev/null 2>&1 && continue
		[ "$(id -u)" -eq 0 ] || die "this needs $p: sudo apt-get install $p"
		step "installing $p"
		apt_get_install "$p"
	done
	mkdir -p "$root/proc" "$root/tmp" "$root/dev"
	step "building userspace/teardown.c (static) into $root"
	gcc -static -O2 -Wall -Wextra -Werror -o "$root/teardown.new" "$REPO/userspace/teardown.c" ||
		die "userspace/teardown.c does not build (gcc -static: is libc6-dev installed?)"
	mv "$root/teardown.new" "$root/teardown"
}

# expected_suites [all]: the suites a run must show, from the "# suite:"
# lines of $KUNITCONFIG, and with "all" its "# stress suite:" lines too
# (suites of KUNIT_CASE_SLOW cases only, which --filter "speed>slow"
# leaves out altogether).
expected_suites() {
	sed -n 's/^# suite: //p' "$KUNITCONFIG"
	[ "${1:-}" != all ] || sed -n 's/^# stress suite: //p' "$KUNITCONFIG"
}

# work_tree: make the work tree or check that it is current
# (scripts/tree.sh, which says what it does), then print its path.
work_tree() { "$REPO/scripts/tree.sh" | tail -n1; }

# W1: make arguments for W=1's compiler warnings.  W=1 also runs
# kernel-doc on every C file it compiles, a Python start each (0.4 to 1 s
# a file here, minutes of a cold kernel build); cmd_checkdoc= (Kbuild's
# scripts/Makefile.build) leaves that out.  make checkpatch runs
# kernel-doc -Wall on every file the series touches.
W1=(W=1 cmd_checkdoc=)

# w1_archprepare TREE OUT MAKEARG...: make archprepare in build directory
# OUT, before its first W=1 build.  W=1 adds -Wmissing-include-dirs
# (scripts/Makefile.warn on 7.3, Makefile.extrawarn on 6.12), and the
# cc-option probes that come after it (scripts/Makefile.compiler: -Werror,
# KBUILD_CFLAGS) fail while the generated include directories
# (-I./include/generated/uapi and others) do not exist yet.  The first
# W=1 build of a new directory then lacks those options (6.12:
# -Wunused-const-variable; 7.3 with KASAN: every -fsanitize=kernel-address
# option), and the next one compiles every file again ("due to command
# line change" with make V=2).  archprepare makes the directories; of
# the files it compiles, only UML's arch/x86/um/user-offsets.s is
# compiled again by the build that follows.
w1_archprepare() {
	local tree=$1 out=$2
	shift 2
	make -C "$tree" ARCH=um O="$out" -j"$(nproc)" CC="ccache gcc" "${W1[@]}" "$@" archprepare
}

# kunit_py DIR SUBCOMMAND ARG...: tools/testing/kunit/kunit.py of the
# kernel tree DIR; build and run get all CPUs and ccache.  KUNIT_W1=1
# adds W=1 (without its kernel-doc pass: $W1), as build-each.sh builds:
# in its build directory, a run without it would compile everything
# again.
kunit_py() {
	local dir=$1 cmd=$2
	shift 2
	case $cmd in
	build|run)
		set -- --jobs="$(nproc)" --make_options="CC=ccache gcc" "$@"
		[ -z "${KUNIT_W1:-}" ] || set -- "${W1[@]/#/--make_options=}" "$@" ;;
	esac
	if [ -z "${KUNIT_W1:-}" ]; then
		(cd "$dir" && python3 tools/testing/kunit/kunit.py "$cmd" "$@")
		return
	fi
	# W=1 runs scripts/misc-check too, which names every tracked file a
	# .gitignore ignores: all of Debian's tree, whose .gitignore ignores
	# "/*".  kunit.py prints what the build wrote; those lines are left
	# out (the compiler's warnings are not).
	local rc=0
	(cd "$dir" && python3 tools/testing/kunit/kunit.py "$cmd" "$@") |
		{ grep -v ': warning: ignored by one of the .gitignore files$' || true; }
	rc=${PIPESTATUS[0]}
	return "$rc"
}

# Configurations: a file configs/NAME.kunitconfig with a "# config: NAME"
# line is one configuration, the whole of it.  Its Kconfig lines come
# after $KUNITCONFIG (rust's alone), and comment lines say how it runs:
#   # description: a few words, for tables and stage names
#   # kunit.py: more kunit.py arguments (a --qemu_config path is relative
#               to configs/; with one, it is an x86_64 run under QEMU)
#   # runner: kunit (default, scripts/kunit.sh), kmemleak or rust (its script)
#   # stress: yes when make stress (and make check) runs it
#   # slow cases: yes when make stress runs the KUNIT_CASE_SLOW cases in it
#   # check: how make check runs it (on 7.3): each (every patch is built
#             in it, and the suites run at the tip in that build, slow
#             cases included; one configuration), stress (the stress
#             stage), stage (a stage of its own), no (not at all)
#   # checks: log checks after the run: reports (scan_log), cpus (the
#             late-add race case ran on several CPUs)
# configs/ also holds fragments that are not configurations: the 6.12
# suites, the benchmark, make teardown's kernel, the QEMU settings.

# config_file NAME: the file of configuration NAME.
config_file() {
	local f=$REPO/configs/$1.kunitconfig
	if [ ! -f "$f" ] || ! grep -q "^# config: $1\$" "$f"; then
		die "unknown configuration '$1' (configurations: $(config_names | paste -sd' '))"
	fi
	echo "$f"
}

# config_get NAME KEY: the value of the "# KEY:" line of configuration NAME.
config_get() { sed -n "s/^# $2:[[:space:]]*//p" "$(config_file "$1")" | head -n1; }

# config_names: every configuration.
config_names() { sed -n 's/^# config: //p' "$REPO"/configs/*.kunitconfig; }

# configs_where KEY VALUE: the configurations whose KEY is VALUE.
configs_where() {
	local n
	for n in $(config_names); do
		[ "$(config_get "$n" "$1")" != "$2" ] || echo "$n"
	done
}

# config_args NAME: the kunit.py arguments of configuration NAME, in
# ARGS (the suites' .kunitconfig, its own Kconfig lines, its "kunit.py:"
# line, a --qemu_config made a full path); in BUILD_ARGS those that
# kunit.py build takes too (all but --kernel_args and --timeout); in
# KERNEL_ARGS the values of its --kernel_args; in TIMEOUT that of its
# --timeout; and X86=1 when it runs on x86_64 under QEMU.
# shellcheck disable=SC2034 # X86 and TIMEOUT are for the caller
config_args() {
	local conf a conf_args
	conf=$(config_file "$1")
	ARGS=(--kunitconfig="$KUNITCONFIG")
	grep -q '^CONFIG_' "$conf" && ARGS+=(--kunitconfig="$conf")
	read -r -d "" -a conf_args <<< "$(config_get "$1" kunit.py)" || true
	X86='' TIMEOUT='' BUILD_ARGS=() KERNEL_ARGS=()
	for a in "${conf_args[@]}"; do
		case "$a" in
		--qemu_config=/*) X86=1 ;;
		--qemu_config=*) a=--qemu_config=$REPO/configs/${a#--qemu_config=}; X86=1 ;;
		esac
		ARGS+=("$a")
	done
	for a in "${ARGS[@]}"; do
		case "$a" in
		--kernel_args=*) KERNEL_ARGS+=("${a#--kernel_args=}") ;;
		--timeout=*) TIMEOUT=${a#--timeout=} ;;
		*) BUILD_ARGS+=("$a") ;;
		esac
	done
}

# runs_slow NAME: true when this run of configuration NAME takes the
# KUNIT_CASE_SLOW stress cases: make stress (STRESS_ALL=1), and the
# configuration says "slow cases: yes".  The quick runs leave them out.
runs_slow() { [ -n "${STRESS_ALL:-}" ] && [ "$(config_get "$1" "slow cases")" = yes ]; }

# run_checks NAME LOG [JSON]: the checks that configuration NAME's "checks:"
# line names, on the kernel log LOG and kunit.py's JSON results (comma
# separated when there are several).
run_checks() {
	local check cpus
	for check in $(config_get "$1" checks); do
		case "$check" in
		reports) scan_log "$2" ;;
		cpus)
			# Reads the kunit_info() line of io-wq's late-add case
			# (io_uring/io-wq_kunit.c): change both together.
			cpus=$(sed -n 's/.*late_add_cancels_itself: .* on \([0-9]\+\) CPUs.*/\1/p' "$2" | head -n1)
			if [ -z "$cpus" ]; then
				# A run filtered with KUNIT_ARGS may leave that case out.
				[ -z "${KUNIT_ARGS:-}" ] || { info "cpus check: the late-add case did not run"; continue; }
				die "io-wq's late-add case did not report its CPUs (see $2)"
			fi
			[ "$cpus" -ge 2 ] || die "io-wq's late-add case ran on $cpus CPU only: several CPUs did not come up (see $2)"
			info "the late-add case ran on $cpus CPUs"
			;;
		noskip)
			# The race cases of kernel/task_work_kunit.c and
			# io_uring/io-wq_kunit.c skip when the race they prove did
			# not happen (their skip macros say a CI run may treat that
			# as a failure); the others skip only without a second CPU.
			# A configuration with several CPUs expects every race, so
			# any skip there fails.  kunit.py's JSON has no skip reason:
			# the reasons are in the log.
			[ -n "${3:-}" ] || die "configuration $1: the noskip check needs the results' JSON"
			python3 "$REPO/scripts/summary.py" --skipped "$3" ||
				die "a case skipped in configuration $1, which has the CPUs for every race: a race did not happen (reasons in $2)"
			info "no case skipped"
			;;
		*) die "configuration $1: unknown check '$check' in $(config_file "$1")" ;;
		esac
	done
}

# each_tip: check out the tip of the series (the work tree's HEAD) in
# build-each.sh's checkout, to run the suites there.
each_tip() {
	local tip
	tip=$(git -C "$TREE" rev-parse HEAD)
	git -C "$EACH" checkout -q --detach "$tip" || die "could not check out $tip in $EACH"
}

# series_files DIR: the patch files named by DIR/series, in order.
series_files() { grep -v '^[[:space:]]*\(#\|$\)' "$1/series"; }

# series_paths: every patch of both series, fix first, as full paths.
series_paths() {
	local d
	for d in "${SERIES_DIRS[@]}"; do
		series_files "$d" | sed "s|^|$d/|"
	done
}

# patches_id: a hash of what patches/ holds for this base (series, patches,
# cover letters), to tell whether patches/ changed since a tree was made.
patches_id() {
	local d
	for d in "${SERIES_DIRS[@]}"; do
		# shellcheck disable=SC2046 # patch file names have no spaces
		(cd "$d" && cat series $(series_files "$d") 0000-cover-letter.patch 2>/dev/null)
	done | sha1sum | cut -c1-40
}

# mirror_uri ARCHIVE: the first URI of the machine's apt sources whose path
# ends in /ARCHIVE (deb822 .sources files and one-line .list files).
mirror_uri() {
	local want=$1 f uri
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.sources \
		 /etc/apt/sources.list.d/*.list; do
		[ -r "$f" ] || continue
		while read -r uri; do
			case "${uri%/}" in
			*/"$want") echo "${uri%/}"; return 0 ;;
			esac
		done < <(sed -n -e 's/^URIs:[[:space:]]*//p' \
			-e 's/^deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?\([^[:space:]]\+\).*/\2/p' "$f" |
			tr ' ' '\n')
	done
	return 1
}

# What counts as a kernel report in a log: scripts/kernel-reports, one
# "NAME<tab>ERE" per line.  Every log scan reads it: scan_log here, the
# stress table (stress.sh) and make teardown's table (teardown.sh).
REPORTS_FILE=$REPO/scripts/kernel-reports
# REPORT_PAT: all of them as one extended regular expression.
REPORT_PAT=$(grep -v '^#' "$REPORTS_FILE" | cut -f2- | paste -sd'|')

# scan_log LOG: fail, printing the report, when a kernel log holds a
# report (KASAN, KCSAN, lockdep, kmemleak, WARN, BUG, lockups, stalls).
# The KTAP results alone would not show a report in a case that passed.
scan_log() {
	local log=$1 pat=$REPORT_PAT
	[ -s "$log" ] || die "no kernel log at $log"
	if grep -qE "$pat" "$log"; then
		grep -nE -A12 "$pat" "$log" | head -n 80
		die "the kernel log holds a report (above; full log: $log)"
	fi
	info "no kernel report ($(grep -v '^#' "$REPORTS_FILE" | cut -f1 | paste -sd, | sed 's/,/, /g')) in $log"
}

# use_debian_python PKG...: install the Debian packages PKG (as root, or
# name the command), and put Debian's /usr/bin/python3 and sphinx-build
# first on PATH, whatever else (pyenv, a venv) is there: Debian's Python
# modules (ply, GitPython, Sphinx) are installed for that interpreter.
use_debian_python() {
	local pkg
	for pkg in python3 "$@"; do
		dpkg -s "$pkg" >/dev/null 2>&1 && continue
		[ "$(id -u)" -eq 0 ] || die "this needs $pkg: sudo apt-get install $pkg"
		step "installing $pkg"
		apt_get_install "$pkg"
	done
	PYBIN=$(mktemp -d)
	trap 'rm -rf "$PYBIN"' EXIT
	ln -s /usr/bin/python3 "$PYBIN/python3"
	[ -x /usr/bin/sphinx-build ] && ln -s /usr/bin/sphinx-build "$PYBIN/sphinx-build"
	export PATH=$PYBIN:$PATH
}

# Seconds since the epoch, for stage timings.
now() { date +%s; }

# x86_accel BZIMAGE: print kvm when BZIMAGE boots under QEMU with KVM on
# this machine, tcg otherwise.  A /dev/kvm that opens is not enough: under
# nested virtualisation QEMU has been seen to start the guest and then make
# no progress at all (the vCPU spins in the host kernel), so a short boot
# of the kernel itself decides.
x86_accel() {
	local log
	{ [ -r /dev/kvm ] && [ -w /dev/kvm ]; } || { echo tcg; return; }
	# kvm_pvm without kvm_intel or kvm_amd: /dev/kvm is PVM, software
	# virtualisation for a host without VMX, which runs only guest kernels
	# built for it.  An upstream x86_64 kernel boots no further than its
	# decompressor there (checked: a real-mode boot sector does run).
	if [ -d /sys/module/kvm_pvm ] && [ ! -d /sys/module/kvm_intel ] && [ ! -d /sys/module/kvm_amd ]; then
		echo tcg; return
	fi
	log=$(mktemp)
	# stdin from /dev/null: in a terminal, QEMU's stdio serial would stop
	# on SIGTTOU in timeout's background process group.  qboot, as kunit.py
	# uses.
	timeout 30 qemu-system-x86_64 -nodefaults -nographic -no-reboot -m 256 \
		-accel kvm -bios qboot.rom -serial stdio -kernel "$1" \
		-append "console=ttyS0 kunit.enable=0 panic=-1" </dev/null >"$log" 2>&1 || true
	if grep -q 'Linux version' "$log"; then echo kvm; else echo tcg; fi
	rm -f "$log"
}

# x86_tcg_why: why x86_accel said tcg, in a few words.
x86_tcg_why() {
	if [ ! -e /dev/kvm ]; then
		echo "no /dev/kvm"
	elif [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
		echo "/dev/kvm is not readable and writable by this user"
	elif [ -d /sys/module/kvm_pvm ] && [ ! -d /sys/module/kvm_intel ] && [ ! -d /sys/module/kvm_amd ]; then
		echo "/dev/kvm is kvm_pvm (software virtualisation without VMX), which does not run an upstream kernel"
	else
		echo "/dev/kvm opens, but a test boot under KVM printed nothing in 30 s"
	fi
}

# booted_is_built VMLINUX LOG: fail unless the kernel whose console is LOG
# is the one linked into VMLINUX: its "Linux version" line, build time
# included, is among VMLINUX's strings.  A bzImage that packs an older
# kernel boots it without a word (see CCACHE_NAMESPACE above).  A log
# without the line is left to the caller's own checks.
booted_is_built() {
	local booted
	booted=$(tr -d '\r' < "$2" | grep -m1 -o 'Linux version .*') || return 0
	# (grep -c reads all: grep -q would stop strings with SIGPIPE.)
	[ "$(strings -a "$1" | grep -cxF "$booted")" -gt 0 ] ||
		die "the kernel that booted is not the one just built in $(dirname "$1"): it says \"$booted\"; remove $(dirname "$1")/arch/x86/boot and build again"
}

# pick_accel BZIMAGE: set ACCEL to what x86_accel says, and say which it
# is and, when it is TCG, why.
pick_accel() {
	ACCEL=$(x86_accel "$1")
	if [ "$ACCEL" = kvm ]; then
		info "QEMU with KVM: a test boot under KVM came up"
	else
		info "QEMU with TCG ($(x86_tcg_why)): slow"
	fi
}

# run_x86 ACCEL CMD...: run CMD (kunit.py for x86_64) so that QEMU uses
# ACCEL.  kunit.py always asks QEMU for -accel kvm first.  Where /dev/kvm
# is missing or not ours, QEMU falls back to TCG by itself; where it opens
# but KVM does not work (x86_accel said tcg), it is hidden behind /dev/null
# in a private mount namespace (this needs root, as the test boot did), so
# QEMU's KVM set-up fails and it takes the next accelerator, TCG.
run_x86() {
	local accel=$1
	shift
	if [ "$accel" = tcg ] && [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
		# CMD may be a function of this file (kunit_py): pass it on.
		[ "$(type -t "$1")" != function ] || export -f "${1?}"
		unshare -m bash -c 'mount --bind /dev/null /dev/kvm && "$@"' bash "$@"
	else
		"$@"
	fi
}
