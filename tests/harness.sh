#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Tests of the harness itself, on a copy of this repository and on small
# kernel trees made of the files the series touches (taken from the cached
# base), so they run in seconds and need no kernel build:
#  - bad input (unknown BASE, missing or non-kernel KERNEL_SRC) fails with
#    a message that says what is wrong;
#  - a KERNEL_SRC, plain directory or git tree, is used and never written;
#  - export round trip: exporting an unchanged work tree changes nothing,
#    a new commit makes export-check fail until it is exported;
#  - a patch that does not apply is named, with its hunk;
#  - make send-preview (b4) refuses a missing SENDER, the repository's
#    placeholder identity and reserved addresses; writes the fix, next and
#    tests series as mails from SENDER, each patch with SENDER's
#    Signed-off-by last (after a patch's own sign-offs and notes, its
#    author kept when it is not the placeholder) and the placeholder
#    address nowhere; and refuses the 6.12 backport while its upstream ids
#    are placeholders;
#  - the noskip check fails on kunit.py JSON with a skipped case;
#  - ccache, as lib.sh sets it up, never hands back an object whose
#    source pulls a file in with .incbin, and a boot of a kernel other
#    than the one just built is caught;
#  - shellcheck is clean over scripts/ and tests/.

set -uo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$REPO/scripts/lib.sh"
set +e	# lib.sh sets -e; these tests check exit codes themselves

T=$(mktemp -d "${TMPDIR:-/tmp}/tw-harness.XXXXXX")
trap 'rm -rf "$T"' EXIT
passed=0
failed=0
ok() { passed=$((passed + 1)); printf '    ok   %s\n' "$1"; }
ko() { failed=$((failed + 1)); printf '    FAIL %s\n' "$1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/         /'; }

# expect_fail NAME PATTERN CMD...: CMD must fail and say PATTERN.
expect_fail() {
	local name=$1 pattern=$2 out; shift 2
	if out=$("$@" 2>&1); then
		ko "$name" "succeeded, but should have failed:
$out"
	elif ! grep -q -- "$pattern" <<<"$out"; then
		ko "$name" "failed without saying '$pattern':
$out"
	else
		ok "$name"
	fi
}

# A copy of the repository as it is now, with a work area of its own.
step "copying the repository to $T/repo"
mkdir -p "$T/repo"
(cd "$REPO" && git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$T/repo") ||
	{ echo "error: could not copy the repository" >&2; exit 1; }
git -C "$T/repo" init -q && git -C "$T/repo" add -A &&
	git -C "$T/repo" -c user.name=t -c user.email=t@t commit -q -m copy
export TW_WORK=$T/work
run() { (cd "$T/repo" && "$@"); }

step "bad input"
expect_fail "unknown BASE is refused" "unknown BASE=9.9" env BASE=9.9 make -s -C "$T/repo" tree
expect_fail "missing KERNEL_SRC is refused" "is not a directory" \
	env KERNEL_SRC="$T/nonexistent" make -s -C "$T/repo" tree
mkdir -p "$T/notakernel"
expect_fail "non-kernel KERNEL_SRC is refused" "does not look like a Linux source tree" \
	env KERNEL_SRC="$T/notakernel" make -s -C "$T/repo" tree

# Small kernel trees: the files the series touches, at the base.
BASEREPO=$("$REPO/scripts/fetch-base.sh" 2>/dev/null | tail -n1)
mapfile -t SERIES < <(series_paths)
files=$( (cat "${SERIES[@]}" | sed -n 's|^--- a/||p'; echo Makefile;
	  echo kernel/task_work.c; echo io_uring/io-wq.c) | sort -u |
	while read -r f; do git -C "$BASEREPO" cat-file -e "HEAD:$f" 2>/dev/null && echo "$f"; done)
mkdir -p "$T/mini"
# shellcheck disable=SC2086 # $files: one path per line, none with spaces
git -C "$BASEREPO" archive HEAD $files | tar -x -C "$T/mini" ||
	{ echo "error: could not make a small kernel tree from $BASEREPO" >&2; exit 1; }
cp -a "$T/mini" "$T/minigit"
git -C "$T/minigit" init -q && git -C "$T/minigit" add -A &&
	git -C "$T/minigit" -c user.name=t -c user.email=t@t commit -q -m mini
echo "user edit" >> "$T/minigit/Makefile"	# an uncommitted change of the user's

fingerprint() { (cd "$1" && find . -path ./.git -prune -o -type f -printf '%p %s %T@\n' | sort | sha1sum;
		 git -C "$1" rev-parse HEAD 2>/dev/null || true; git -C "$1" status --porcelain 2>/dev/null || true) | sha1sum; }

step "KERNEL_SRC is used and never written"
for src in mini minigit; do
	before=$(fingerprint "$T/$src")
	if out=$(cd "$T/repo" && KERNEL_SRC="$T/$src" make -s tree 2>&1); then
		tree=$(tail -n1 <<<"$out")
		n=$(git -C "$tree" rev-list --count "$(cat "$tree/.git/tw-base")"..HEAD)
		if [ "$n" -eq "${#SERIES[@]}" ]; then
			ok "KERNEL_SRC=$src: the series applies ($n patches in $tree)"
		else
			ko "KERNEL_SRC=$src: $n patches applied, want ${#SERIES[@]}"
		fi
	else
		ko "KERNEL_SRC=$src: make tree failed" "$out"
	fi
	if [ "$(fingerprint "$T/$src")" = "$before" ]; then
		ok "KERNEL_SRC=$src is unchanged"
	else
		ko "KERNEL_SRC=$src was modified"
	fi
done
if grep -q "user edit" "$T/minigit/Makefile" && ! grep -q "user edit" "$tree/Makefile"; then
	ok "uncommitted changes in a git KERNEL_SRC are left out"
else
	ko "uncommitted changes in a git KERNEL_SRC leaked into the work tree"
fi

step "export round trip (on the real base)"
unset KERNEL_SRC
run make -s tree >/dev/null 2>&1
tree=$(run make -s tree 2>/dev/null | tail -n1)
if out=$(run make -s export 2>&1) && [ -z "$(git -C "$T/repo" status --porcelain patches)" ]; then
	ok "exporting an unchanged work tree changes nothing"
else
	ko "exporting an unchanged work tree changed patches/" "$out
$(git -C "$T/repo" status --porcelain patches)"
fi
if run make -s export-check >/dev/null 2>&1; then
	ok "export-check passes on an exported tree"
else
	ko "export-check fails on an exported tree"
fi
echo "/* harness test */" >> "$tree/kernel/task_work.c"
expect_fail "export-check sees uncommitted edits" "uncommitted edits" make -s -C "$T/repo" export-check
expect_fail "export refuses uncommitted edits" "commit them" make -s -C "$T/repo" export
git -C "$tree" commit -q -a -m "task_work: harness test commit"
expect_fail "export-check sees an unexported commit" "make export" make -s -C "$T/repo" export-check
if run make -s export >/dev/null 2>&1 && run make -s export-check >/dev/null 2>&1 &&
   [ "$(grep -c . "$T/repo/${TESTS_DIR#"$REPO"/}/series")" -eq $(($(series_files "$TESTS_DIR" | wc -l) + 1)) ] &&
   [ "$(series_files "$T/repo/${FIX_DIR#"$REPO"/}" | wc -l)" -eq "$(series_files "$FIX_DIR" | wc -l)" ]; then
	ok "export writes the new commit to the tests series, and export-check passes again"
else
	ko "export did not write the new commit to the tests series alone"
fi
git -C "$T/repo" checkout -q -- patches && git -C "$T/repo" clean -q -fd patches

step "b4: make send-preview needs a sender who can sign off"
PREVIEW=$T/work/send-preview
PH_EMAIL=$(git -C "$T/repo" config user.email)
PLACEHOLDER="$(git -C "$T/repo" config user.name) <$PH_EMAIL>"
SND='Test Sender <sender@kernel-test.org>'
expect_fail "make send-preview without SENDER is refused, saying what to do" "SENDER is not set.*SENDER='" \
	env -u SENDER SERIES=fix make -s -C "$T/repo" send-preview
if [ -z "$(find "$PREVIEW" -name '*.eml' 2>/dev/null)" ]; then
	ok "without SENDER no mail is written"
else
	ko "without SENDER mails were written" "$(find "$PREVIEW" -name '*.eml')"
fi
expect_fail "the repository's placeholder identity as SENDER is refused" "placeholder identity" \
	env SENDER="$PLACEHOLDER" SERIES=fix make -s -C "$T/repo" send-preview
expect_fail "a SENDER that is not 'Name <addr>' is refused" "not of the form" \
	env SENDER=sender@kernel-test.org SERIES=fix make -s -C "$T/repo" send-preview
expect_fail "a SENDER address in .example is refused" "reserved domain" \
	env SENDER='Some One <one@host.example>' SERIES=fix make -s -C "$T/repo" send-preview

# The first fix patch made Fengnan Chang's (an in-body From: line and his
# Signed-off-by, unless it has them already) with a maintainer-style note
# after its tags, the second co-developed with him (unless it says so):
# he stays the author, his sign-offs stay where they are, and the
# sender's comes last, after the note.
FENGNAN='Fengnan Chang <changfengnan@bytedance.com>'
# A note of two lines, as the fix's v3 notes are.
NOTE='[tester: reworded the changelog since v2;
 Fixes: and Cc: tags checked]'
mapfile -t fixp < <(series_files "$T/repo/${FIX_DIR#"$REPO"/}" | sed "s|^|$T/repo/${FIX_DIR#"$REPO"/}/|")
# add_tags PATCH LINES: LINES at the end of PATCH's commit message.
add_tags() { awk -v tags="$2" '!d && /^---$/ { print tags; d = 1 } { print }' "$1" > "$T/p" && mv "$T/p" "$1"; }
if ! grep -q -x -F "From: $FENGNAN" "${fixp[0]}"; then
	awk -v from="From: $FENGNAN" '!b && /^$/ { print; print from; print ""; b = 1; next } { print }' \
		"${fixp[0]}" > "$T/p" && mv "$T/p" "${fixp[0]}"
fi
grep -q -x -F "Signed-off-by: $FENGNAN" "${fixp[0]}" || add_tags "${fixp[0]}" "Signed-off-by: $FENGNAN"
add_tags "${fixp[0]}" "$NOTE"
grep -q -x -F "Co-developed-by: $FENGNAN" "${fixp[1]}" ||
	add_tags "${fixp[1]}" "Co-developed-by: $FENGNAN
Signed-off-by: $FENGNAN"

# commit_msg MAIL: the commit message of a patch mail (its body up to "---").
commit_msg() { awk 'b && /^---$/ { exit } b { print } /^$/ { b = 1 }' "$1"; }
# check_mails DIR: every patch mail in DIR is from $SND and ends its
# commit message with $SND's Signed-off-by, and no mail holds the
# placeholder address; prints what is wrong.
check_mails() {
	local m last
	for m in "$1"/*.eml; do
		[ -z "$PH_EMAIL" ] || ! grep -q -i -F "$PH_EMAIL" "$m" || echo "${m##*/}: the placeholder address $PH_EMAIL"
		grep -q -x -F "From: $SND" "$m" || echo "${m##*/}: not From: $SND"
		case "${m##*/}" in 0000-*) continue ;; esac
		last=$(commit_msg "$m" | grep '^Signed-off-by: ' | tail -n1)
		[ "$last" = "Signed-off-by: $SND" ] || echo "${m##*/}: last Signed-off-by is '$last'"
		[ "$(commit_msg "$m" | sed '/^[[:space:]]*$/d' | tail -n1)" = "Signed-off-by: $SND" ] ||
			echo "${m##*/}: the sender's Signed-off-by is not the last trailer"
	done
	true
}

step "b4: make send-preview writes the series as mails from SENDER, sends nothing"
if out=$(run env SENDER="$SND" SERIES=fix make -s send-preview 2>&1) &&
   [ "$(find "$PREVIEW/$BASE-fix" -name '*.eml' | wc -l)" -eq $((${#fixp[@]} + 1)) ] &&
   grep -q '^To: Jens Axboe' "$PREVIEW/$BASE-fix/"0000-*.eml; then
	ok "b4 prep and b4 send -o: the cover letter and every patch, with the recipients"
else
	ko "make send-preview SERIES=fix" "$out"
fi
bad=$(check_mails "$PREVIEW/$BASE-fix")
if [ -z "$bad" ] && [ -n "$(find "$PREVIEW/$BASE-fix" -name '0001-*.eml')" ]; then
	ok "SERIES=fix: every patch ends with the sender's Signed-off-by; no placeholder address anywhere"
else
	ko "SERIES=fix mails" "${bad:-no mails}"
fi
m1=$(find "$PREVIEW/$BASE-fix" -name '0001-*.eml')
m2=$(find "$PREVIEW/$BASE-fix" -name '0002-*.eml')
msg1=$(commit_msg "${m1:-/dev/null}") msg2=$(commit_msg "${m2:-/dev/null}")
if [ "$(head -n1 <<<"$msg1")" = "From: $FENGNAN" ] &&
   grep -q -x -F "Signed-off-by: $FENGNAN" <<<"$msg1" &&
   [ "$(tail -n3 <<<"$msg1")" = "$NOTE
Signed-off-by: $SND" ] &&
   [ "$(grep -A1 -x -F "Co-developed-by: $FENGNAN" <<<"$msg2" | tail -n1)" = "Signed-off-by: $FENGNAN" ] &&
   [ "$(tail -n1 <<<"$msg2")" = "Signed-off-by: $SND" ]; then
	ok "Fengnan Chang's patch keeps him as author (in-body From:) and his sign-off; the sender's comes last, after a note"
else
	ko "a patch of Fengnan Chang's, or co-developed with him" "$(head -n1 <<<"$msg1") ... $(tail -n4 <<<"$msg1")
...
$(tail -n3 <<<"$msg2")"
fi
for s in next tests; do
	d=${SERIES_DIRS[$(series_index "$s")]}
	if out=$(run env SENDER="$SND" SERIES="$s" make -s send-preview 2>&1) &&
	   [ "$(find "$PREVIEW/$BASE-$s" -name '*.eml' | wc -l)" -eq $(($(series_files "$d" | wc -l) + 1)) ] &&
	   bad=$(check_mails "$PREVIEW/$BASE-$s") && [ -z "$bad" ]; then
		ok "SERIES=$s: the cover letter and every patch, signed off by the sender"
	else
		ko "make send-preview SERIES=$s" "$out
$bad"
	fi
done
git -C "$T/repo" checkout -q -- patches

step "a stable backport is not prepared for sending before its upstream ids exist"
expect_fail "make send-preview BASE=6.12 refuses while a patch says 'commit @UPSTREAM@ upstream.'" \
	"@UPSTREAM@" env BASE=6.12 SERIES=fix SENDER="$SND" make -s -C "$T/repo" send-preview
expect_fail "make send-preview BASE=6.12 SERIES=tests is refused: harness only" \
	"harness only" env BASE=6.12 SERIES=tests SENDER="$SND" make -s -C "$T/repo" send-preview

step "a patch that does not apply"
export KERNEL_SRC=$T/mini
first=${SERIES[0]#"$REPO"/}
# Change a removed line of the diff (they start with a tab after the "-").
sed -i '0,/^-\t/s/^-\t\(.*\)$/-\t\1 broken/' "$T/repo/$first"
expect_fail "a broken patch is named" "patch $first does not apply" env FRESH=1 make -s -C "$T/repo" tree
git -C "$T/repo" checkout -q -- patches

step "configurations (configs/*.kunitconfig) and kernel reports"
bad=
for c in $(config_names); do
	f=$(config_file "$c")
	[ -n "$(config_get "$c" description)" ] || bad+="$c: no description; "
	case "$(config_get "$c" runner)" in ""|kunit|kmemleak|rust) ;; *) bad+="$c: unknown runner; " ;; esac
	case "$(config_get "$c" stress)" in yes|no) ;; *) bad+="$c: stress is not yes or no; " ;; esac
	case "$(config_get "$c" check)" in ""|no|each|stress|stage) ;; *) bad+="$c: check is not no, each, stress or stage; " ;; esac
	for k in $(config_get "$c" checks); do
		case "$k" in reports|cpus|noskip) ;; *) bad+="$c: unknown check $k; " ;; esac
	done
	for a in $(config_get "$c" kunit.py); do
		case "$a" in --qemu_config=*)
			[ -f "$REPO/configs/${a#--qemu_config=}" ] || bad+="$c: no ${a#--qemu_config=}; " ;;
		esac
	done
	grep -v '^#' "$f" | grep -v '^\(CONFIG_[A-Z0-9_]*=.*\|# CONFIG_[A-Z0-9_]* is not set\|\)$' >/dev/null &&
		bad+="$c: a line that is neither Kconfig nor comment; "
done
# make check builds every patch in exactly one configuration.
n=$(configs_where check each | wc -l)
[ "$n" -eq 1 ] || bad+="$n configurations say \"check: each\", not one; "
if [ -z "$bad" ]; then ok "every configuration file is well formed"; else ko "configuration files" "$bad"; fi
expect_fail "an unknown configuration is refused, with the list" "configurations: .*smp" \
	make -s -C "$T/repo" kunit CONFIG=nonexistent
printf '%s\n' '# config: mine' '# description: a new one' '# stress: yes' 'CONFIG_KUNIT=y' \
	> "$T/repo/configs/mine.kunitconfig"
if (cd "$T/repo" && bash -c '. scripts/lib.sh; configs_where stress yes' | grep -x mine >/dev/null); then
	ok "a new configuration file is all make stress needs to run it"
else
	ko "a new configuration file is not picked up"
fi
printf '%s\n' '# config: mine' '# description: a new one' '# stress: no' \
	'# kunit.py: --qemu_config=qemu/x86_64-smp4.py --timeout=77 --kernel_args=a=1 --kernel_args=b=2' \
	'CONFIG_KUNIT=y' > "$T/repo/configs/mine.kunitconfig"
# shellcheck disable=SC2016 # for the inner shell
got=$(cd "$T/repo" && bash -c '. scripts/lib.sh; config_args mine
	echo "x86=$X86 timeout=$TIMEOUT kernel=${KERNEL_ARGS[*]} build=${BUILD_ARGS[*]#--kunitconfig=$REPO/}"')
want="x86=1 timeout=77 kernel=a=1 b=2 build=.kunitconfig configs/mine.kunitconfig --qemu_config=$T/repo/configs/qemu/x86_64-smp4.py"
if [ "$got" = "$want" ]; then
	ok "a configuration's kunit.py line splits into build and run arguments (config_args)"
else
	ko "config_args" "$(printf 'got:  %s\nwant: %s' "$got" "$want")"
fi
rm -f "$T/repo/configs/mine.kunitconfig"
printf 'ok 1 - a case\n' > "$T/clean.log"
printf 'ok 1 - a case\nBUG: KASAN: slab-use-after-free in x\n' > "$T/kasan.log"
if (scan_log "$T/clean.log") >/dev/null 2>&1 && ! (scan_log "$T/kasan.log") >/dev/null 2>&1; then
	ok "scan_log passes a clean log and fails a KASAN report (scripts/kernel-reports)"
else
	ko "scan_log does not tell a clean log from a KASAN report"
fi

# The noskip check: kunit.py's JSON with a skipped case fails it, one
# without passes, and several files are read as one.
mkjson() {
	printf '{"name": "KUnit Test Group", "sub_groups": [{"name": "task_work", "sub_groups": [], "test_cases": [{"name": "a", "status": "PASS"}, {"name": "b", "status": "%s"}]}], "test_cases": []}\n' "$2" > "$T/$1"
}
mkjson pass.json PASS
mkjson skip.json SKIP
skipped=$(python3 "$REPO/scripts/summary.py" --skipped "$T/skip.json" 2>&1 || true)
if python3 "$REPO/scripts/summary.py" --skipped "$T/pass.json" 2>/dev/null &&
   ! python3 "$REPO/scripts/summary.py" --skipped "$T/pass.json,$T/skip.json" 2>/dev/null &&
   [ "$skipped" = "skipped: task_work.b" ]; then
	ok "the noskip check fails on a skipped case and names it, and passes without one"
else
	ko "summary.py --skipped does not tell a skip from a pass" "$skipped"
fi

step "builds: ccache never hands back a stale .incbin object; a stale kernel's boot is caught"
# As x86's piggy.S is: a source that is the same for any payload of the
# same size, the payload pulled in with .incbin.  Built twice through
# ccache with the harness's settings (lib.sh), in a cache of its own.
mkdir -p "$T/incbin"
printf '.section .rodata\n.incbin "blob"\n' > "$T/incbin/p.S"
got=
for payload in OLD1 NEW2; do
	printf '%s' "$payload" > "$T/incbin/blob"
	(cd "$T/incbin" && CCACHE_DIR=$T/incbin/cache ccache gcc -Wp,-MMD,p.d -c p.S -o p.o) &&
		got+=$(objcopy -O binary --only-section=.rodata "$T/incbin/p.o" /dev/stdout)
done
if [ "$got" = OLD1NEW2 ]; then
	ok "an object built with .incbin holds the payload of its own build (ccache settings in lib.sh)"
else
	ko "ccache handed back a stale .incbin object" "payloads: ${got:-none} (want OLD1NEW2)"
fi
printf 'Linux version 1.0 (a) #1 Mon\n' > "$T/built"
printf '[0.0] Linux version 1.0 (a) #1 Mon\r\nok\n' > "$T/same.log"
printf 'Linux version 1.0 (a) #1 Sun\nok\n' > "$T/stale.log"
if (booted_is_built "$T/built" "$T/same.log") >/dev/null 2>&1 &&
   ! (booted_is_built "$T/built" "$T/stale.log") >/dev/null 2>&1; then
	ok "booted_is_built passes the kernel just built and fails an older one's boot"
else
	ko "booted_is_built does not tell the kernel just built from an older one"
fi

step "shellcheck over scripts/*.sh and tests/*.sh (settings in .shellcheckrc)"
need shellcheck shellcheck
if out=$(cd "$REPO" && shellcheck -x scripts/*.sh tests/*.sh 2>&1); then
	ok "shellcheck finds nothing"
else
	ko "shellcheck findings (fix them, or say on the line why one is intended)" "$out"
fi

printf 'harness: %d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
