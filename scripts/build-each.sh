#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build UML at every patch of the series, in order, so that each patch is
# known to build on its own.  Uses a separate checkout of the work tree
# (the work tree itself is left alone) and one build directory, so each
# step after the first is an incremental build.  The configuration is the
# suites' .kunitconfig; options that a patch does not have yet are dropped
# by olddefconfig.  Built with W=1; a warning in a file the series
# touches fails the patch.

. "$(dirname "$0")/lib.sh"

TREE=$("$REPO/scripts/tree.sh" | tail -n1)
BASEREF=$(cat "$TREE/.git/tw-base")
EACH=$WORK/each-$BASE$SRCKEY
OUT=$BUILD-each
mapfile -t COMMITS < <(git -C "$TREE" rev-list --reverse "$BASEREF"..HEAD)
# W=1 warns all over the tree; what counts is the files the series touches.
touched=$(git -C "$TREE" diff --name-only "$BASEREF"..HEAD -- '*.c' '*.h')
[ ${#COMMITS[@]} -gt 0 ] || die "the work tree has no patches"

if [ ! -d "$EACH/.git" ] && [ ! -f "$EACH/.git" ]; then
	rm -rf "$EACH"
	git -C "$TREE" worktree prune
	git -C "$TREE" worktree add -q --detach "$EACH" "$BASEREF" ||
		die "could not make a checkout for per-patch builds in $EACH"
fi
mkdir -p "$OUT"

i=0
for c in "${COMMITS[@]}"; do
	i=$((i + 1))
	subject=$(git -C "$TREE" log -1 --format=%s "$c")
	step "[$i/${#COMMITS[@]}] building: $subject"
	git -C "$EACH" checkout -q --detach "$c" || die "could not check out $c in $EACH"
	grep -h '^CONFIG_' "$REPO/.kunitconfig" > "$OUT/.config"
	log=$OUT/build-$i.log
	start=$(now)
	if ! { make -C "$EACH" ARCH=um O="$OUT" olddefconfig &&
	       make -C "$EACH" ARCH=um O="$OUT" -j"$(nproc)" CC="ccache gcc" W=1 ${EXTRA_MAKE:-}; } \
	       > "$log" 2>&1; then
		tail -n 30 "$log"
		die "patch $i ($subject) does not build; full log: $log"
	fi
	warnings=$(grep ': warning: ' "$log" | grep -F "$touched" || true)
	info "built in $(( $(now) - start ))s, $(grep -c ': warning: ' "$log" || true) W=1 warnings in all, none in the series' files"
	if [ -n "$warnings" ]; then
		printf '%s\n' "$warnings" | head -n 20
		die "patch $i ($subject) builds with warnings in files of the series (W=1)"
	fi
done
info "all ${#COMMITS[@]} patches build on their own"
