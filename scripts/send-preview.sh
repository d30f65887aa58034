#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make send-preview SERIES=fix|next|tests|fallback|rust SENDER='Name <addr>' [BASE=6.12]:
# the mails b4 would send for a series, written to
# $WORK/send-preview/BASE-SERIES/ and not sent.  On 7.3 SERIES is fix
# (default), next or tests; on 6.12 only fix, once its upstream ids are
# in (its tests series is harness only).
#
# patches/ is unsigned and comes from the repository's placeholder
# identity (git config user.name/user.email), which no maintainer can
# apply.  SENDER, who sends the series, is required; the placeholder and
# reserved addresses (.example, .invalid, .test, .localhost) are refused.
# Everything happens in a throwaway clone of the work tree (sharing its
# objects; only MAINTAINERS and get_maintainer.pl checked out), never in
# the work tree or patches/:
#  - each commit of the series is written again: a commit by the
#    placeholder gets SENDER as author (its author date kept), a commit by
#    anyone else (Fengnan Chang) keeps its author; every commit gets
#    "Signed-off-by: SENDER" as its last trailer, after every other tag
#    and note; SENDER is the committer;
#  - every commit is checked: no placeholder author (nor one at a reserved
#    address), SENDER's Signed-off-by last;
#  - b4 prep enrolls the series, as SENDER, with the cover letter from the
#    work tree's branch description and To/Cc from patches/SERIES/recipients;
#    b4 send --no-sign -o writes the messages;
#  - the messages are checked: the placeholder address nowhere (From:
#    header, in-body From: line or elsewhere), SENDER's Signed-off-by in
#    every patch.
# To send for real, do the same in your own clone without -o (README,
# "Sending the series").

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

SERIES=${SERIES:-fix}
# The series' index in lib.sh's SERIES_NAMES.  On 6.12, "fix" is
# patches/6.12 and "tests" patches/6.12-tests.
case "$BASE-$SERIES" in
7.3-*) name=$SERIES; names="fix, next, tests, fallback or rust" ;;
*-fix) name=${SERIES_NAMES[0]}; names=fix ;;
*-tests) die "the $BASE tests series is harness only and never sent" ;;
*) name=; names=fix ;;
esac
i=$(series_index "$name") || die "unknown SERIES=$SERIES on BASE=$BASE (use $names)"
dir=${SERIES_DIRS[$i]}
# A stable backport is sent only once its patches are in mainline, each
# saying which mainline commit it is (stable-kernel-rules.rst).
if [ "$BASE" != 7.3 ] && grep -q '^commit @UPSTREAM@ upstream\.$' "$dir"/*.patch 2>/dev/null; then
	die "${dir#"$REPO"/} still says 'commit @UPSTREAM@ upstream.': put each patch's mainline commit id there first, once the fix is merged (README, \"The 6.12 LTS backport\")"
fi

# --- the sender ----------------------------------------------------------------
PH_NAME=$(git -C "$REPO" config user.name || true)
PH_EMAIL=$(git -C "$REPO" config user.email || true)
lc() { printf '%s' "$1" | tr '[:upper:]' '[:lower:]'; }
usage="say who sends the series, with the name and address that go into its Signed-off-by: make send-preview SERIES=$SERIES SENDER='Your Name <you@your.domain>'"
[ -n "${SENDER:-}" ] || die "SENDER is not set: $usage"
re='^[[:space:]]*([^<>@[:space:]]([^<>@]*[^<>@[:space:]])?)[[:space:]]*<([^<>[:space:]@]+@[^<>[:space:]@]+\.[^<>[:space:]@.]+)>[[:space:]]*$'
[[ $SENDER =~ $re ]] || die "SENDER='$SENDER' is not of the form 'Full Name <addr>': $usage"
S_NAME=${BASH_REMATCH[1]} S_EMAIL=${BASH_REMATCH[3]}
SENDER="$S_NAME <$S_EMAIL>"
if [ "$(lc "$S_EMAIL")" = "$(lc "$PH_EMAIL")" ] || [ "$S_NAME" = "$PH_NAME" ]; then
	die "SENDER='$SENDER' is this repository's placeholder identity (git config user.name/user.email: $PH_NAME <$PH_EMAIL>), which no maintainer can apply: $usage"
fi
case "$(lc "$S_EMAIL")" in
*.example|*.invalid|*.test|*.localhost)
	die "SENDER's address $S_EMAIL is in a reserved domain (.example, .invalid, .test, .localhost) that receives no mail: $usage" ;;
esac
SOB="Signed-off-by: $SENDER"

# is_placeholder NAME EMAIL: true for the repository's placeholder identity.
is_placeholder() {
	[ "$(lc "$2")" = "$(lc "$PH_EMAIL")" ] || [ "$1" = "$PH_NAME" ]
}

need b4 b4
TREE=$(work_tree)
BASEREF=$(cat "$TREE/.git/tw-base")
from=$(series_from "$i" "$BASEREF")
tip=${SERIES_BRANCHES[$i]}
# "series" is the checked-out branch of the work tree (as make export reads it).
if [ "$tip" = series ]; then
	tip=$(git -C "$TREE" symbolic-ref -q --short HEAD) ||
		die "HEAD is detached in $TREE (a rebase going on?); check out the branch 'series' first"
fi
git -C "$TREE" rev-parse -q --verify "refs/heads/$tip" >/dev/null ||
	die "the work tree $TREE has no branch '$tip'; make it again with FRESH=1 (after make export)"
from_id=$(git -C "$TREE" rev-parse --verify "$from^{commit}")
tip_id=$(git -C "$TREE" rev-parse --verify "$tip^{commit}")
mapfile -t commits < <(git -C "$TREE" rev-list --reverse "$from_id..$tip_id")
n=${#commits[@]}
[ "$n" -gt 0 ] || die "the $SERIES series ($from..$tip) is empty in $TREE"
prefixes=()
case "$BASE-$SERIES" in
7.3-fix) prefixes=(--force-revision 2) ;;
6.12-fix) prefixes=(--set-prefixes 6.12.y) ;;
esac
OUT=$WORK/send-preview/$BASE-$SERIES
CLONE=$(mktemp -d)
trap 'rm -rf "$CLONE"' EXIT

git clone -q --shared --no-checkout "$TREE" "$CLONE/linux"
cd "$CLONE/linux"
git config user.name "$S_NAME"
git config user.email "$S_EMAIL"

# --- the sender's identity and Signed-off-by, on the clone -----------------------
# sign MSGFILE: append "$SOB" to the commit message in MSGFILE as its last
# line.  When the last paragraph is a trailer block (tags "Key: value",
# their indented continuations, and bracketed notes such as
# "[name: changed X since v1]", on one line or several), it joins that
# block, after the notes; otherwise it starts one.  Nothing else moves.
# A message that already ends with it is left alone.  (git
# interpret-trailers would start a new block after a note when the block
# holds no Signed-off-by yet, or add it before the note's end when the
# note's lines look like tags.)
sign() {
	awk -v sob="$SOB" '
	{ line[NR] = $0 }
	END {
		n = NR
		while (n > 0 && line[n] ~ /^[[:space:]]*$/) n--
		s = n
		while (s > 1 && line[s - 1] !~ /^[[:space:]]*$/) s--
		block = s > 1; tags = 0; note = 0
		for (j = s; j <= n && block; j++) {
			if (note || line[j] ~ /^\[/) note = line[j] !~ /\][[:space:]]*$/
			else if (line[j] ~ /^[A-Za-z0-9][A-Za-z0-9-]*:[[:space:]]/) tags++
			else if (line[j] !~ /^[[:space:]]/) block = 0
		}
		for (j = 1; j <= n; j++) print line[j]
		if (n > 0 && line[n] == sob) exit
		if (!block || !tags) print ""
		print sob
	}' "$1" > "$1.new" && mv "$1.new" "$1"
}

step "$SERIES: $n commits (${from:0:12}..$tip), signed off by $SENDER, on a throwaway clone"
export GIT_COMMITTER_NAME=$S_NAME GIT_COMMITTER_EMAIL=$S_EMAIL
parent=$from_id
for c in "${commits[@]}"; do
	mapfile -t who < <(git show -s --date=raw --format='%an%n%ae%n%ad' "$c")
	if is_placeholder "${who[0]}" "${who[1]}"; then
		a_name=$S_NAME a_email=$S_EMAIL
	else
		a_name=${who[0]} a_email=${who[1]}
	fi
	git show -s --format=%B "$c" > "$CLONE/msg"
	sign "$CLONE/msg"
	parent=$(GIT_AUTHOR_NAME=$a_name GIT_AUTHOR_EMAIL=$a_email GIT_AUTHOR_DATE=${who[2]} \
		git commit-tree --no-gpg-sign -p "$parent" -F "$CLONE/msg" "$c^{tree}")
	info "$(git show -s --format='%an: %s' "$parent")"
done
git branch -q tw-base "$from_id"	# b4 finds the series' start with merge-base --fork-point
git branch -q "tw-$SERIES" "$parent"

# Before b4 writes anything: every commit must be the sender's to send.
mapfile -t signed < <(git rev-list "tw-base..tw-$SERIES")
[ "${#signed[@]}" -eq "$n" ] || die "the signed copy has ${#signed[@]} commits, not $n"
for c in "${signed[@]}"; do
	mapfile -t who < <(git show -s --format='%an%n%ae%n%s' "$c")
	is_placeholder "${who[0]}" "${who[1]}" &&
		die "commit \"${who[2]}\" is still authored by the placeholder ${who[0]} <${who[1]}>"
	case "$(lc "${who[1]}")" in
	*.example|*.invalid|*.test|*.localhost)
		die "commit \"${who[2]}\" is authored by ${who[0]} <${who[1]}>, an address that receives no mail" ;;
	esac
	last=$(git show -s --format=%B "$c" | grep '^Signed-off-by:' | tail -n1 || true)
	[ "$last" = "$SOB" ] ||
		die "commit \"${who[2]}\": its last Signed-off-by is '${last:-none}', not '$SOB'"
	[ "$(git show -s --format=%B "$c" | sed '/^[[:space:]]*$/d' | tail -n1)" = "$SOB" ] ||
		die "commit \"${who[2]}\": '$SOB' is not its last trailer"
done

step "b4 prep: enrolling $SERIES ($n patches)"
git sparse-checkout set --no-cone /MAINTAINERS /scripts/get_maintainer.pl
git checkout -q "tw-$SERIES"
git config b4.prep-cover-strategy branch-description
git config "branch.tw-$SERIES.description" "$(git -C "$TREE" config "branch.$tip.description")"
b4 prep -e tw-base
[ "${#prefixes[@]}" -eq 0 ] || b4 prep "${prefixes[@]}" >/dev/null
# The recipients, as To:/Cc: trailers of the cover letter, which b4 send reads.
git config "branch.tw-$SERIES.description" \
	"$(git config "branch.tw-$SERIES.description"; grep -E '^(To|Cc): ' "$dir/recipients")"

step "b4 send --no-sign -o: writing the messages to $OUT"
rm -rf "$OUT"
b4 send --no-sign -o "$OUT" || die "b4 send -o failed (above)"
mapfile -t mails < <(find "$OUT" -name '*.eml' | sort)
[ "${#mails[@]}" -eq $((n + 1)) ] || die "b4 wrote ${#mails[@]} messages, want $((n + 1)) (the $n patches and the cover letter)"
exported=$(series_files "$dir" | wc -l)
[ "$n" -eq "$exported" ] ||
	warn "the work tree's $SERIES series has $n commits, ${dir#"$REPO"/} $exported: these mails are the work tree's (make export-check)"

# The messages: the placeholder address nowhere, the sender's sign-off in
# every patch.  A failed check removes them, so that none is sent by mistake.
bad() { rm -rf "$OUT"; die "$1 (the messages were removed)"; }
# from_header MAIL: its From: header, folded lines joined.
from_header() {
	awk '/^$/ { exit } f && /^[[:space:]]/ { printf " %s", $0; next } f { exit }
	     /^From: / { f = 1; printf "%s", $0 }' "$1"
}
for m in "${mails[@]}"; do
	f=${m##*/}
	if [ -n "$PH_EMAIL" ] && hit=$(grep -n -i -F -- "$PH_EMAIL" "$m"); then
		bad "$f holds the placeholder address $PH_EMAIL: $(head -n1 <<<"$hit")"
	fi
	grep -q -i -F -- "<$S_EMAIL>" <<<"$(from_header "$m")" ||
		bad "$f: its From: header is not $SENDER"
	case "$f" in
	0000-*) ;;
	*) grep -q -x -F -- "$SOB" "$m" || bad "$f has no '$SOB'" ;;
	esac
done
info "${#mails[@]} messages from $SENDER, To: $(grep -m1 '^To: ' "$OUT"/0000-*.eml | cut -c5-)"
