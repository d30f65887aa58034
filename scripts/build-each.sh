#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build UML at every patch of the series, in order, so that each patch is
# known to build on its own.  Uses a separate checkout of the work tree
# (the work tree itself is left alone) and one build directory, so each
# step after the first is an incremental build.  The configuration is the
# one kunit.py makes for configuration EACH_CONFIG (up by default; a UML
# one): kunit.py's UML lines, the suites' .kunitconfig, then the
# configuration's own lines.  Options that a patch does not have yet are
# dropped by olddefconfig.  EACH_SERIES=fix builds the fix series only.
# The builds are W=1: a warning in a file the patch changes fails it.
#
# EACH_RUN=1 then checks out the tip of the series (both series) and
# runs the suites there with kunit.sh EACH_CONFIG, in this checkout and
# build directory: kunit.py finds the same configuration and builds only
# what the last steps changed, where a run in the work tree would build
# the whole kernel again.  make check does this for 6.12; on 7.3 its
# stress stage does it (stress.sh, STRESS_EACH=1).

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

TREE=$(work_tree)
BASEREF=$(cat "$TREE/.git/tw-base")
CONFIG=${EACH_CONFIG:-up}
config_args "$CONFIG"
if [ -n "$X86" ] || [ -n "$(config_get "$CONFIG" runner)" ]; then
	die "EACH_CONFIG=$CONFIG: per-patch builds are UML builds for kunit.sh; $CONFIG is not one"
fi
CONF=$(config_file "$CONFIG")
OUT=$BUILD-each-$CONFIG
# The fix series comes first, so each of its patches is built with only
# the fix below it: it stands alone.  EACH_SERIES=fix stops there.
TIP=HEAD
[ "${EACH_SERIES:-all}" = fix ] && TIP=fix
mapfile -t COMMITS < <(git -C "$TREE" rev-list --reverse "$BASEREF".."$TIP")
[ ${#COMMITS[@]} -gt 0 ] || die "the work tree has no patches"
NFIX=$(git -C "$TREE" rev-list --count "$BASEREF"..fix)

if [ ! -d "$EACH/.git" ] && [ ! -f "$EACH/.git" ]; then
	rm -rf "$EACH"
	git -C "$TREE" worktree prune
	git -C "$TREE" worktree add -q --detach "$EACH" "$BASEREF" ||
		die "could not make a checkout for per-patch builds in $EACH"
fi
mkdir -p "$OUT"
# EXTRA_MAKE: more make arguments, split at white space.
read -r -d "" -a EXTRA <<< "${EXTRA_MAKE:-}" || true

i=0
for c in "${COMMITS[@]}"; do
	i=$((i + 1))
	subject=$(git -C "$TREE" log -1 --format=%s "$c")
	part=fix; [ "$i" -le "$NFIX" ] || part=tests
	step "[$i/${#COMMITS[@]}] ($part) building ($CONFIG): $subject"
	git -C "$EACH" checkout -q --detach "$c" || die "could not check out $c in $EACH"
	# The C files this patch changes are compiled in this step even when
	# the checkout left them as they were: after a run that ended at a
	# later commit, a file no later patch changes is the same at patch 1.
	git -C "$EACH" diff --name-only --diff-filter=AM "$c~1" "$c" -- '*.c' |
		(cd "$EACH" && xargs -r touch --)
	# What kunit.py writes: tools/testing/kunit/configs/arch_uml.config
	# (kunit_kernel.py, UML_KCONFIG_PATH), then the .kunitconfig files.
	# olddefconfig runs when that or a Kconfig file is not what the
	# step before built.
	grep -h '^CONFIG_' "$EACH/tools/testing/kunit/configs/arch_uml.config" "$KUNITCONFIG" "$CONF" > "$OUT/.config.in"
	configure=1
	if [ "$(cat "$OUT/.step-commit" 2>/dev/null)" = "$(git -C "$TREE" rev-parse "$c~1")" ] &&
	   [ -f "$OUT/.config" ] && cmp -s "$OUT/.config.in" "$OUT/.config.in.built" &&
	   [ -z "$(git -C "$EACH" diff --name-only "$c~1" "$c" -- '*Kconfig*')" ]; then
		configure=
	fi
	rm -f "$OUT/.step-commit"
	log=$OUT/build-$i.log
	start=$(now)
	stamp=$OUT/.step-$i.stamp
	touch "$stamp"
	# W=1 for the whole build (its compiler warnings: $W1 in lib.sh), so
	# that a file is compiled once per step, with the same flags each
	# time; the warnings that count are those in the files the patch
	# changes.
	# olddefconfig gets the build's CC, or the build's make would run
	# Kconfig again.  A directory that has not linked yet gets
	# w1_archprepare (lib.sh) first.
	if ! { { [ -z "$configure" ] || { cp "$OUT/.config.in" "$OUT/.config" &&
	                                  make -C "$EACH" ARCH=um O="$OUT" CC="ccache gcc" olddefconfig; }; } &&
	       { [ -e "$OUT/vmlinux" ] || w1_archprepare "$EACH" "$OUT" "${EXTRA[@]}"; } &&
	       make -C "$EACH" ARCH=um O="$OUT" -j"$(nproc)" CC="ccache gcc" "${W1[@]}" "${EXTRA[@]}"; } \
	       > "$log" 2>&1; then
		tail -n 30 "$log"
		die "patch $i ($subject) does not build; full log: $log"
	fi
	cp "$OUT/.config.in" "$OUT/.config.in.built"
	git -C "$TREE" rev-parse "$c" > "$OUT/.step-commit"
	# The objects this step compiled from the C files the patch changes.
	# A C file that another one #includes (io-wq_kunit.c in io-wq.c) is
	# built through its includer.  Only objects this step rebuilt count:
	# those this configuration builds (not rust/ without CONFIG_RUST),
	# and not a stale object an older version of the series left in $OUT.
	mapfile -t objs < <(git -C "$EACH" diff --name-only --diff-filter=AM "$c~1" "$c" -- '*.c' |
		while read -r f; do
			# (set -e holds in this process substitution: no match is no error.)
			inc=$(grep -l "^#include \"$(basename "$f")\"" "$EACH/$(dirname "$f")"/*.c 2>/dev/null | head -n1 || true)
			[ -z "$inc" ] || f=${inc#"$EACH"/}
			o=${f%.c}.o
			if [ "$OUT/$o" -nt "$stamp" ]; then echo "$o"; fi
		done | sort -u)
	# A patch that changes C files this configuration builds must have
	# rebuilt an object: if none was found, the search above is broken.
	if [ ${#objs[@]} -eq 0 ] &&
	   git -C "$EACH" diff --name-only --diff-filter=AM "$c~1" "$c" -- '*.c' |
		sed 's/\.c$/.o/' | while read -r o; do [ -f "$OUT/$o" ] && echo "$o"; done | grep . >/dev/null; then
		die "patch $i ($subject) changes C files that are built, but no object was found to build with W=1"
	fi
	# Compiler warnings (FILE:LINE[:COL]: warning:), not W=1's
	# scripts/misc-check, which has its own ("FILE: warning: ignored by
	# one of the .gitignore files" for every file of a tree whose
	# .gitignore ignores everything, as Debian's linux-source does).
	warnings=$(grep -E '^[^ ]+:[0-9]+:([0-9]+:)? warning: ' "$log" |
		grep -F -f <(git -C "$EACH" diff --name-only --diff-filter=AM "$c~1" "$c" -- '*.[ch]'; echo /dev/null/none) || true)
	wstate=clean
	[ -z "$warnings" ] || wstate=warnings
	info "built in $(( $(now) - start ))s${configure:+ (configured)}; W=1, compiled of its C files: ${objs[*]:-nothing}: $wstate"
	if [ -n "$warnings" ]; then
		printf '%s\n' "$warnings" | head -n 20
		die "patch $i ($subject) builds with W=1 warnings in the files it touches"
	fi
done
info "all ${#COMMITS[@]} patches build on their own (the first $NFIX, the fix series, with nothing of the tests series applied)"

if [ -n "${EACH_RUN:-}" ]; then
	step "the suites at the tip of the series, in this build (kunit.sh $CONFIG)"
	each_tip
	KUNIT_SRC=$EACH KUNIT_OUT=$OUT KUNIT_W1=1 exec "$REPO/scripts/kunit.sh" "$CONFIG"
fi
