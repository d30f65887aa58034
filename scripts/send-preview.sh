#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make send-preview [SERIES=fix|tests] [BASE=6.12]: the mails b4 would
# send for a series, written to $WORK/send-preview/BASE-SERIES/ and not
# sent.  b4 prep enrolls the series in a throwaway clone of the work tree
# (sharing its objects; only MAINTAINERS and get_maintainer.pl checked
# out), with the cover letter from the work tree's branch description and
# To/Cc from patches/SERIES/recipients; b4 send --no-sign -o then writes
# the messages.  Nothing is sent and the work tree is left alone.  To
# send for real, do the same in your own clone without -o (README,
# "Sending the series").

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

SERIES=${SERIES:-fix}
# A stable backport is sent only once its patches are in mainline, each
# saying which mainline commit it is (stable-kernel-rules.rst).
if [ "$BASE" != 7.3 ] && [ "$SERIES" = fix ] &&
   grep -q '^commit @UPSTREAM@ upstream\.$' "$FIX_DIR"/*.patch 2>/dev/null; then
	die "${FIX_DIR#"$REPO"/} still says 'commit @UPSTREAM@ upstream.': put each patch's mainline commit id there first, once the fix is merged (README, \"The 6.12 LTS backport\")"
fi
need b4 b4
TREE=$(work_tree)
BASEREF=$(cat "$TREE/.git/tw-base")
case "$SERIES" in
fix) dir=$FIX_DIR from=$BASEREF tip=fix desc=fix ;;
tests)
	[ "$BASE" = 7.3 ] || die "the $BASE tests series is harness only and never sent"
	dir=$TESTS_DIR from=$(git -C "$TREE" rev-parse fix) tip=HEAD desc=series ;;
*) die "unknown SERIES=$SERIES (use fix or tests)" ;;
esac
prefixes=()
case "$BASE-$SERIES" in
7.3-fix) prefixes=(--force-revision 2) ;;
6.12-fix) prefixes=(--set-prefixes 6.12.y) ;;
esac
OUT=$WORK/send-preview/$BASE-$SERIES
CLONE=$(mktemp -d)
trap 'rm -rf "$CLONE"' EXIT

step "b4 prep: enrolling $SERIES ($(git -C "$TREE" rev-list --count "$from..$tip") patches) in a throwaway clone"
git clone -q --shared --no-checkout "$TREE" "$CLONE/linux"
cd "$CLONE/linux"
git sparse-checkout set --no-cone /MAINTAINERS /scripts/get_maintainer.pl
git checkout -q -b "tw-$SERIES" "$(git -C "$TREE" rev-parse "$tip")"
git branch -q tw-base "$from"	# b4 finds the series' start with merge-base --fork-point
git config user.name "$(git -C "$REPO" config user.name)"
git config user.email "$(git -C "$REPO" config user.email)"
git config b4.prep-cover-strategy branch-description
git config "branch.tw-$SERIES.description" "$(git -C "$TREE" config "branch.$desc.description")"
b4 prep -e tw-base
[ "${#prefixes[@]}" -eq 0 ] || b4 prep "${prefixes[@]}" >/dev/null
# The recipients, as To:/Cc: trailers of the cover letter, which b4 send reads.
git config "branch.tw-$SERIES.description" \
	"$(git config "branch.tw-$SERIES.description"; grep -E '^(To|Cc): ' "$dir/recipients")"

step "b4 send --no-sign -o: writing the messages to $OUT"
rm -rf "$OUT"
b4 send --no-sign -o "$OUT" || die "b4 send -o failed (above)"
n=$(find "$OUT" -name '*.eml' | wc -l)
want=$(( $(series_files "$dir" | wc -l) + 1 ))
[ "$n" -eq "$want" ] || die "b4 wrote $n messages, want $want (the patches and the cover letter)"
info "$n messages, To: $(grep -m1 '^To: ' "$OUT"/0000-*.eml | cut -c5-)"
