#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# export.sh          write the work tree's series to patches/: base..fix to
#                    patches/fix, fix..next to patches/next, next..HEAD to
#                    patches/tests (lib.sh: SERIES_NAMES, SERIES_BRANCHES;
#                    format-patch files, cover letter, series file).  Stable: exporting
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

prev=$BASEREF
for b in "${SERIES_BRANCHES[@]}"; do
	[ "$b" != series ] || break
	git -C "$TREE" rev-parse -q --verify "refs/heads/$b" >/dev/null ||
		die "the work tree $TREE has no branch '$b' marking the end of a series; make it again with FRESH=1 (after saving your commits)"
	git -C "$TREE" merge-base --is-ancestor "$b" HEAD ||
		die "branch '$b' is not below HEAD in $TREE: after a rebase, point it at the last commit of its series (git branch -f $b COMMIT), or rebase with --update-refs"
	git -C "$TREE" merge-base --is-ancestor "$prev" "$b" ||
		die "branch '$b' is not above '$prev' in $TREE: the series' branches are out of order"
	prev=$b
done
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
# of the range, so each series is formatted from its own branch, and the
# last from the checked-out one.
counts=()
for i in "${!SERIES_DIRS[@]}"; do
	from=$(series_from "$i" "$BASEREF")
	tip=${SERIES_BRANCHES[$i]}
	[ "$tip" != series ] || tip=$head
	n=$(git -C "$TREE" rev-list --count "$from..$tip")
	[ "$n" -gt 0 ] || die "the ${SERIES_NAMES[$i]} series ($from..$tip) is empty in $TREE"
	format_series "${SERIES_DIRS[$i]}" "$from..$tip" "$tip" "${SUBJECT_PREFIX:-${SERIES_PREFIXES[$i]}}"
	counts+=("$n ${SERIES_NAMES[$i]}")
done

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
summary=$(printf '%s, ' "${counts[@]}")
info "exported ${summary%, } patches to patches/, with their cover letters"
git -C "$REPO" status --short -- "${SERIES_DIRS[@]}" | sed 's/^/    /'
