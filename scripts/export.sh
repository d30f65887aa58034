#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# export.sh          write the work tree's series to patches/ (format-patch
#                    files, cover letter, series file).  Stable: exporting
#                    the same commits again changes nothing.
# export.sh --check  exit 1 and say what differs when the work tree holds
#                    commits or edits that patches/ does not.

. "$(dirname "$0")/lib.sh"

CHECK=
[ "${1:-}" = --check ] && CHECK=1

[ -d "$TREE/.git" ] || {
	[ -n "$CHECK" ] && exit 0	# no work tree: nothing can be unexported
	die "no work tree at $TREE; make one with 'make tree'"
}
BASEREF=$(cat "$TREE/.git/tw-base")
dirty=$(git -C "$TREE" status --porcelain --untracked-files=no)
if [ -n "$dirty" ]; then
	if [ -n "$CHECK" ]; then
		echo "the work tree $TREE has uncommitted edits (commit them, then make export):"
		printf '%s\n' "$dirty" | head -n 20
		exit 1
	fi
	die "the work tree $TREE has uncommitted edits; commit them (git commit, or --fixup and rebase -i) first"
fi
untracked=$(git -C "$TREE" status --porcelain | grep '^??' | head -n 5 || true)
[ -z "$untracked" ] || warn "untracked files in $TREE are not exported (git add them):
$untracked"

PREFIX=${SUBJECT_PREFIX:-PATCH v2}
[ "$BASE" = 6.12 ] && PREFIX=${SUBJECT_PREFIX:-PATCH 6.12.y}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=$(git -C "$TREE" rev-list --count "$BASEREF"..HEAD)
[ "$n" -gt 0 ] || die "the work tree has no commits on top of the base"
desc=$(git -C "$TREE" config branch.series.description || true)
[ -n "$desc" ] || git -C "$TREE" config branch.series.description \
	"$(printf 'Series subject\n\n*** Describe the series here: git branch --edit-description ***\n')"
git -C "$TREE" -c core.abbrev=12 format-patch -q --zero-commit --no-signature --cover-letter \
	--cover-from-description=subject --subject-prefix="$PREFIX" \
	--base="$BASEREF" -o "$tmp" "$BASEREF"..HEAD
# The cover letter is dated now; date it like the newest patch instead.
last=$(ls "$tmp" | grep -v '^0000-' | sort | tail -n1)
date=$(grep -m1 '^Date: ' "$tmp/$last")
sed -i "s/^Date: .*/$date/" "$tmp/0000-cover-letter.patch"
ls "$tmp" | grep -v '^0000-' | sort > "$tmp.series" && mv "$tmp.series" "$tmp/series"

mkdir -p "$PATCHES"
if [ -n "$CHECK" ]; then
	if ! out=$(diff -ru --exclude=6.12 --exclude=bench --exclude='*.md' "$PATCHES" "$tmp" 2>&1); then
		echo "patches/ differs from the work tree $TREE (run 'make export' to write it):"
		printf '%s\n' "$out" | grep -E '^(Only in|diff |[-+]Subject)' | head -n 20
		exit 1
	fi
	exit 0
fi
find "$PATCHES" -maxdepth 1 -name '*.patch' -delete
cp "$tmp"/* "$PATCHES"/
# The work tree now holds exactly what patches/ does.
echo "$(git -C "$TREE" rev-parse HEAD) $(patches_id)" > "$TREE/.git/tw-applied"
info "exported $n patches and the cover letter to ${PATCHES#$REPO/}/"
git -C "$REPO" status --short -- "$PATCHES" | sed 's/^/    /'
