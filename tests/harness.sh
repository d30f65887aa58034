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
#  - make send-preview (b4) writes the fix series as mails, and refuses
#    the 6.12 backport while its upstream ids are placeholders;
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

step "b4: make send-preview writes the fix series as mails, sends nothing"
if out=$(run make -s send-preview 2>&1) &&
   [ "$(find "$T/work/send-preview/$BASE-fix" -name '*.eml' | wc -l)" -eq $(($(series_files "$FIX_DIR" | wc -l) + 1)) ] &&
   grep -q '^To: Jens Axboe' "$T/work/send-preview/$BASE-fix/"0000-*.eml; then
	ok "b4 prep and b4 send -o: the cover letter and every patch, with the recipients"
else
	ko "make send-preview" "$out"
fi

step "a stable backport is not prepared for sending before its upstream ids exist"
expect_fail "make send-preview BASE=6.12 refuses while a patch says 'commit @UPSTREAM@ upstream.'" \
	"@UPSTREAM@" env BASE=6.12 make -s -C "$T/repo" send-preview

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
		case "$k" in reports|cpus) ;; *) bad+="$c: unknown check $k; " ;; esac
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

step "shellcheck over scripts/*.sh and tests/*.sh (settings in .shellcheckrc)"
need shellcheck shellcheck
if out=$(cd "$REPO" && shellcheck -x scripts/*.sh tests/*.sh 2>&1); then
	ok "shellcheck finds nothing"
else
	ko "shellcheck findings (fix them, or say on the line why one is intended)" "$out"
fi

printf 'harness: %d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
