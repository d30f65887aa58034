#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# export.sh          write the work tree's two series to patches/: base..fix
#                    to the fix directory, fix..HEAD to the tests directory
#                    (format-patch files, cover letter, series file).  Stable: exporting
#                    the same commits again changes nothing.
# export.sh --check  exit 1 and say what differs when the work tree holds
#                    commits or edits that patches/ does not.

# shellcheck source=scripts/lib.sh
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

git -C "$TREE" rev-parse -q --verify refs/heads/fix >/dev/null ||
	die "the work tree $TREE has no branch 'fix' marking the end of the fix series; make it again with FRESH=1 (after saving your commits)"
git -C "$TREE" merge-base --is-ancestor fix HEAD ||
	die "branch 'fix' is not below HEAD in $TREE: after a rebase, point it at the last fix commit (git branch -f fix COMMIT), or rebase with --update-refs"
nfix=$(git -C "$TREE" rev-list --count "$BASEREF"..fix)
ntests=$(git -C "$TREE" rev-list --count fix..HEAD)
[ "$nfix" -gt 0 ] || die "the fix series (base..fix) is empty in $TREE"
head=$(git -C "$TREE" symbolic-ref -q --short HEAD) ||
	die "HEAD is detached in $TREE; check out the branch 'series'"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# format_series DIR RANGE BRANCH PREFIX: format-patch RANGE into $tmp/DIR,
# the cover letter taken from BRANCH's description and the mail headers
# from DIR/recipients ("To: ..." and "Cc: ..." lines) when there is one.
format_series() {
	local dir=$1 range=$2 branch=$3 prefix=$4 out=$tmp/${1##*/} last date
	local hdr=()
	local desc
	desc=$(git -C "$TREE" config "branch.$branch.description" || true)
	[ -n "$desc" ] || git -C "$TREE" config "branch.$branch.description" \
		"$(printf 'Series subject\n\n*** Describe the series here: git branch --edit-description %s ***\n' "$branch")"
	if [ -f "$dir/recipients" ]; then
		while IFS= read -r line; do
			case "$line" in
			To:\ *) hdr+=(--to="${line#To: }") ;;
			Cc:\ *) hdr+=(--cc="${line#Cc: }") ;;
			esac
		done < "$dir/recipients"
	fi
	mkdir -p "$out"
	git -C "$TREE" -c core.abbrev=12 format-patch -q --zero-commit --no-signature --cover-letter \
		--cover-from-description=subject --subject-prefix="$prefix" "${hdr[@]}" \
		--base="$BASEREF" -o "$out" "$range"
	# The cover letter is dated now; date it like the newest patch instead.
	last=$(cd "$out" && printf '%s\n' * | grep -v '^0000-' | sort | tail -n1)
	date=$(grep -m1 '^Date: ' "$out/$last")
	sed -i "s/^Date: .*/$date/" "$out/0000-cover-letter.patch"
	(cd "$out" && printf '%s\n' * | grep -v '^0000-' | sort) > "$out.series" && mv "$out.series" "$out/series"
}
# --cover-from-description reads the description of the branch at the tip
# of the range, so the fix series is formatted from "fix" and the rest
# from the checked-out branch.
FIXPREFIX=${SUBJECT_PREFIX:-PATCH v2} TESTSPREFIX=${SUBJECT_PREFIX:-PATCH}
if [ "$BASE" = 6.12 ]; then
	FIXPREFIX=${SUBJECT_PREFIX:-PATCH 6.12.y} TESTSPREFIX=${SUBJECT_PREFIX:-HARNESS 6.12.y}
fi
format_series "$FIX_DIR" "$BASEREF..fix" fix "$FIXPREFIX"
[ "$ntests" -gt 0 ] || die "the tests series (fix..HEAD) is empty in $TREE"
format_series "$TESTS_DIR" "fix..$head" "$head" "$TESTSPREFIX"

if [ -n "$CHECK" ]; then
	rc=0
	for d in "${SERIES_DIRS[@]}"; do
		mkdir -p "$d"
		if ! out=$(diff -ru --exclude='*.md' --exclude=recipients "$d" "$tmp/${d##*/}" 2>&1); then
			echo "${d#"$REPO"/}/ differs from the work tree $TREE (run 'make export' to write it):"
			printf '%s\n' "$out" | grep -E '^(Only in|diff |[-+]Subject)' | head -n 20
			rc=1
		fi
	done
	exit $rc
fi
for d in "${SERIES_DIRS[@]}"; do
	mkdir -p "$d"
	find "$d" -maxdepth 1 -name '*.patch' -delete
	cp "$tmp/${d##*/}"/* "$d"/
done
# The work tree now holds exactly what patches/ does.
echo "$(git -C "$TREE" rev-parse HEAD) $(patches_id)" > "$TREE/.git/tw-applied"
info "exported $nfix fix patches to ${FIX_DIR#"$REPO"/}/ and $ntests to ${TESTS_DIR#"$REPO"/}/, with their cover letters"
git -C "$REPO" status --short -- "${SERIES_DIRS[@]}" | sed 's/^/    /'
