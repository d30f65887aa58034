#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Make (or bring up to date) the kernel work tree: a git repository whose
# first commit is the base and whose following commits are the series,
# applied with git am.  Prints the work tree's path on the last line.
#
#   KERNEL_SRC=DIR  use DIR (a git tree or a plain directory) as the base
#                   instead of the Debian package; DIR is only ever read.
#   FRESH=1         throw the work tree away and apply patches/ again.
#
# The fix series is applied first and the branch "fix" left at its last
# commit; the tests series follows on the checked-out branch "series".

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

need_build_deps >&2

# --- the base ---------------------------------------------------------------
if [ -n "${KERNEL_SRC:-}" ]; then
	[ -d "$KERNEL_SRC" ] || die "KERNEL_SRC=$KERNEL_SRC is not a directory"
	SRC=$(cd "$KERNEL_SRC" && pwd)
	{ [ -f "$SRC/Makefile" ] && [ -f "$SRC/kernel/task_work.c" ] && [ -f "$SRC/io_uring/io-wq.c" ]; } ||
		die "KERNEL_SRC=$SRC does not look like a Linux source tree (no kernel/task_work.c or io_uring/io-wq.c)"
	KEY=${SRCKEY#-src-}
	if git -C "$SRC" rev-parse --verify -q HEAD >/dev/null 2>&1 &&
	   [ "$(git -C "$SRC" rev-parse --show-toplevel 2>/dev/null)" = "$SRC" ]; then
		BASEREPO=$SRC
		BASEREF=$(git -C "$SRC" rev-parse HEAD)
		[ -z "$(git -C "$SRC" status --porcelain --untracked-files=no 2>/dev/null | head -n1)" ] ||
			warn "KERNEL_SRC has uncommitted changes; using its HEAD commit ${BASEREF:0:12} only"
		BASEDESC="$(git -C "$SRC" describe --always --tags HEAD 2>/dev/null) in $SRC"
	else
		# A plain directory: snapshot it into a git repository of our own.
		BASEREPO=$CACHE/base/dir-$KEY.git
		if [ ! -f "$BASEREPO/.git/tw-complete" ] || [ -n "${FRESH:-}" ]; then
			step "importing $SRC as the base (read only; snapshot in $BASEREPO)" >&2
			rm -rf "$BASEREPO" "$BASEREPO.tmp"
			mkdir -p "$BASEREPO.tmp"
			cp -a "$SRC/." "$BASEREPO.tmp/" || die "could not copy $SRC"
			rm -rf "$BASEREPO.tmp/.git"
			KVER=$(make -s -C "$BASEREPO.tmp" kernelversion 2>/dev/null || echo unknown)
			{ git -C "$BASEREPO.tmp" init -q -b base &&
			  git -C "$BASEREPO.tmp" config gc.auto 0 &&
			  git -C "$BASEREPO.tmp" add -A -f . &&
			  git -C "$BASEREPO.tmp" -c user.name=base -c user.email=base@localhost \
				commit -q -m "Linux $KVER ($SRC)" >&2; } || die "could not snapshot $SRC"
			echo "Linux $KVER ($SRC)" > "$BASEREPO.tmp/.git/tw-version"
			mv "$BASEREPO.tmp" "$BASEREPO"
			touch "$BASEREPO/.git/tw-complete"
		fi
		BASEREF=$(git -C "$BASEREPO" rev-parse HEAD)
		BASEDESC=$(cat "$BASEREPO/.git/tw-version")
	fi
else
	BASEREPO=$("$REPO/scripts/fetch-base.sh" | tail -n1)
	BASEREF=$(git -C "$BASEREPO" rev-parse HEAD)
	BASEDESC=$(cat "$BASEREPO/.git/tw-version")
fi

for d in "${SERIES_DIRS[@]}"; do
	[ -f "$d/series" ] || die "no $d/series: nothing to apply"
done

# --- an existing work tree ----------------------------------------------------
if [ -d "$TREE/.git" ] && [ -z "${FRESH:-}" ]; then
	[ -f "$TREE/.git/tw-base" ] || die "$TREE exists but was not made by this harness; move it away"
	if [ "$(cat "$TREE/.git/tw-base")" != "$BASEREF" ]; then
		die "$TREE was made from another base; run again with FRESH=1 (export your work first: make export)"
	fi
	read -r applied_head applied_id < "$TREE/.git/tw-applied" || true
	head=$(git -C "$TREE" rev-parse HEAD)
	clean=$(git -C "$TREE" status --porcelain --untracked-files=no | head -n1)
	if [ "$head" = "$applied_head" ] && [ -z "$clean" ]; then
		if [ "$applied_id" = "$(patches_id)" ]; then
			info "work tree is up to date with patches/: $TREE" >&2
			echo "$TREE"; exit 0
		fi
		step "patches/ changed since the work tree was made; applying it again" >&2
	else
		if [ "$applied_id" != "$(patches_id)" ] &&
		   ! "$REPO/scripts/export.sh" --check >/dev/null 2>&1; then
			warn "the work tree has changes that patches/ does not hold, and patches/ changed too"
			warn "using the work tree as it is; run 'make export' to keep it, or FRESH=1 to drop it"
		else
			info "work tree has changes not yet exported (make export): using it" >&2
		fi
		echo "$TREE"; exit 0
	fi
fi

# --- make it --------------------------------------------------------------------
# Made in $NEW and moved into place only when every patch applied, so an
# interrupted or failed run never leaves a half-made tree behind as $TREE.
NEW=$TREE.new
step "making the work tree $TREE from $BASEDESC" >&2
rm -rf "$NEW"
mkdir -p "$WORK"
git clone -q --no-checkout --single-branch --no-tags "$BASEREPO" "$NEW" >&2 ||
	die "git clone of $BASEREPO failed"
git -C "$NEW" checkout -q -b series "$BASEREF" >&2
git -C "$NEW" remote remove origin
# No background "git gc --auto" repacking the kernel while we build: the
# objects come packed from the base, or hardlinked from KERNEL_SRC.
git -C "$NEW" config gc.auto 0
# Debian's kernel tarball ends its .gitignore with "/*" (its packaging
# ignores the whole top level), which would hide every new file from git.
# Drop that block from the work tree's copy only; the base commit stays as
# Debian ships it.
if grep -q '^# Debian packaging: ignore everything' "$NEW/.gitignore" 2>/dev/null; then
	awk '/^# Debian packaging: ignore everything/ { exit } { print }' \
		"$NEW/.gitignore" > "$NEW/.gitignore.tmp" && mv "$NEW/.gitignore.tmp" "$NEW/.gitignore"
	git -C "$NEW" update-index --skip-worktree .gitignore
fi
echo "$BASEREF" > "$NEW/.git/tw-base"
echo "$BASEDESC" > "$NEW/.git/tw-version"
git -C "$NEW" config user.name >/dev/null || git -C "$NEW" config user.name "$(git -C "$REPO" config user.name || echo unknown)"
git -C "$NEW" config user.email >/dev/null || git -C "$NEW" config user.email "$(git -C "$REPO" config user.email || echo unknown@localhost)"

# A branch marks the end of each series (SERIES_BRANCHES: "fix", "next",
# and "series", the checked-out one, at the end of all); "git rebase -i"
# in the work tree moves them along (rebase.updateRefs), so that "make
# export" can split them again.
git -C "$NEW" config rebase.updateRefs true
for i in "${!SERIES_DIRS[@]}"; do
	d=${SERIES_DIRS[$i]}
	mapfile -t PS < <(series_files "$d")
	step "applying ${#PS[@]} patches from ${d#"$REPO"/}" >&2
	for p in "${PS[@]}"; do
		[ -f "$d/$p" ] || die "${d#"$REPO"/}/series names $p, but $d/$p does not exist"
		info "${d#"$REPO"/}/$p" >&2
		if ! out=$(git -C "$NEW" am -q --3way --keep-cr "$d/$p" 2>&1); then
			printf '%s\n' "$out" >&2
			git -C "$NEW" am --abort >/dev/null 2>&1 || true
			die "patch ${d#"$REPO"/}/$p does not apply to $BASEDESC (failing hunk above); the partial tree, at the patch before it, is $NEW; ${TREE} was not changed"
		fi
	done
	# The cover letter's text lives in the branch description, so that
	# 'make export' writes the same cover letter again.
	branch=${SERIES_BRANCHES[$i]}
	[ "$branch" = series ] || git -C "$NEW" branch -f "$branch" HEAD
	if [ -f "$d/0000-cover-letter.patch" ]; then
		git -C "$NEW" config "branch.$branch.description" \
			"$("$REPO/scripts/cover.sh" read "$d/0000-cover-letter.patch")"
	fi
done
echo "$(git -C "$NEW" rev-parse HEAD) $(patches_id)" > "$NEW/.git/tw-applied"
# Worktrees of the old tree (build-each's checkout) go with it.
rm -rf "$TREE" "$WORK/each-$BASE$SRCKEY"
mv "$NEW" "$TREE"
info "work tree: $TREE ($(git -C "$TREE" rev-list --count "$BASEREF"..HEAD) patches on $BASEDESC)" >&2
echo "$TREE"
