#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# checkpatch.pl --strict on every patch of the series, and kernel-doc -Wall
# on every C file and header the series touches, all from the work tree.
# The patches carry no Signed-off-by: the person who mails them adds it
# (Documentation/process/coding-assistants.rst), so that check is turned
# off; so is UNKNOWN_COMMIT_ID, because the base is a release tarball with
# no history, where no Fixes: hash can be found (the two hashes and their
# subjects were checked against the public history, ../shared/DESIGN.md
# section 6).  Every other ERROR, WARNING or CHECK fails,
# except the reminder that new files may need a MAINTAINERS entry, which is
# printed next to the patch instead.

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

TREE=$(work_tree)
mapfile -t SERIES < <(series_paths)
fail=0

# checkpatch runs scripts/spdxcheck.py, which needs ply and GitPython.
use_debian_python python3-ply python3-git

# The tags follow Documentation/process/coding-assistants.rst of 7.3
# (Assisted-by: LLM), which older trees' checkpatch does not know; a
# backport is checked, as stable maintainers do, with the mainline script.
CPTREE=$TREE
if [ "$BASE" != 7.3 ]; then
	CPTREE=$(BASE=7.3 KERNEL_SRC="" "$REPO/scripts/fetch-base.sh" | tail -n1)
fi
step "checkpatch.pl --strict on ${#SERIES[@]} patches of ${SERIES_DIRS[*]#"$REPO"/} (from $(cat "$CPTREE/.git/tw-version" 2>/dev/null || echo "$CPTREE"))"
for p in "${SERIES[@]}"; do
	# A stable prerequisite that fixes nothing by itself carries
	# "Cc: stable@vger.kernel.org # needed by ..." and no Fixes: tag
	# (stable-kernel-rules.rst, Option 1); checkpatch asks for one anyway.
	# patches/ is unsigned: the sender's Signed-off-by, and with it the
	# nominal author's where the sender is the author, is added by make
	# send-preview on a copy (SENDER=), which refuses to write a mail
	# without it.
	ignore=MISSING_SIGN_OFF,NO_AUTHOR_SIGN_OFF,UNKNOWN_COMMIT_ID
	if grep -q '^Cc: stable@vger.kernel.org # needed by ' "$p"; then
		ignore+=,MISSING_FIXES_TAG
	fi
	out=$(cd "$CPTREE" && perl scripts/checkpatch.pl --strict --show-types --terse \
		--ignore "$ignore" "$p" 2>&1) || true
	# checkpatch asks whether MAINTAINERS needs updating for every new
	# file.  kernel/task_work.c has no MAINTAINERS entry and io_uring/ is
	# covered as a whole, so that question is answered, and reported, here.
	problems=$(printf '%s\n' "$out" | grep -E '(ERROR|WARNING|CHECK):' |
		grep -v 'WARNING:FILE_PATH_CHANGES:' || true)
	if printf '%s\n' "$out" | grep -q 'Traceback'; then
		problems="$out"
	fi
	if [ -n "$problems" ]; then
		info "FAIL ${p#"$REPO"/}"
		printf '%s\n' "$problems" | sed 's/^/        /'
		fail=1
	elif printf '%s\n' "$out" | grep -q 'WARNING:FILE_PATH_CHANGES:'; then
		info "ok   ${p#"$REPO"/} (adds files; no MAINTAINERS change: see checkpatch.sh)"
	else
		info "ok   ${p#"$REPO"/}"
	fi
done

files=$(cat "${SERIES[@]}" | sed -n 's|^+++ b/\(.*\.[ch]\)$|\1|p' | sort -u)
step "kernel-doc -Wall on the touched files"
for f in $files; do
	[ -f "$TREE/$f" ] || continue
	if out=$(cd "$TREE" && scripts/kernel-doc -none -Wall "$f" 2>&1) && [ -z "$out" ]; then
		info "ok   $f"
	else
		info "FAIL $f"
		printf '%s\n' "$out" | sed 's/^/        /'
		fail=1
	fi
done
# Each mainline series names, in its cover letter's headers, everyone
# get_maintainer.pl names for it.  A stable backport goes to stable, with
# the maintainers in Cc (stable-kernel-rules.rst), and says which upstream
# commit each patch is: until the fix is merged, a placeholder line that
# make send-preview refuses.  The 6.12 tests are harness only.
SENT=()
if [ "$BASE" = 7.3 ]; then
	SENT=("${SERIES_DIRS[@]}")
else
	step "the ${FIX_DIR#"$REPO"/} backport: To stable, and an upstream line in every patch"
	grep -qx 'To: stable@vger.kernel.org' "$FIX_DIR/recipients" ||
		{ info "FAIL ${FIX_DIR#"$REPO"/}/recipients has no 'To: stable@vger.kernel.org'"; fail=1; }
	while IFS= read -r f; do
		# The first line of the message: awk reads the whole file itself.
		# (A pipe that a grep -m1 closes early kills the writer with
		# SIGPIPE, which pipefail turns into a failure.)
		first=$(awk 'body && NF { print; exit } /^$/ { body = 1 }' "$FIX_DIR/$f")
		if [[ $first =~ ^commit\ ([0-9a-f]{40}|@UPSTREAM@)\ upstream\.$ ]]; then
			info "ok   $f"
		else
			info "FAIL $f: the message must start with 'commit <id> upstream.' (or @UPSTREAM@ until merged)"
			fail=1
		fi
	done < <(series_files "$FIX_DIR")
fi
for d in "${SENT[@]}"; do
	step "scripts/get_maintainer.pl: the cover letter of ${d#"$REPO"/} lists every recipient"
	mapfile -t PS < <(series_files "$d" | sed "s|^|$d/|")
	recipients=$(cd "$TREE" && perl scripts/get_maintainer.pl --no-git --no-git-fallback \
		--no-rolestats --no-tree "${PS[@]}" 2>/dev/null) ||
		die "get_maintainer.pl failed on ${d#"$REPO"/} (run it by hand in $TREE to see why)"
	unlisted=0
	while IFS= read -r r; do
		addr=$(sed -n 's/.*<\(.*\)>.*/\1/p' <<<"$r")
		[ -n "$addr" ] || addr=$r
		if sed '/^$/q' "$d/0000-cover-letter.patch" | grep -qiF -- "$addr"; then
			info "ok   $r"
		else
			info "MISSING from the cover letter's To:/Cc: headers: $r"
			unlisted=1
		fi
	done <<<"$recipients"
	[ "$unlisted" -eq 0 ] || { warn "add the missing recipients to ${d#"$REPO"/}/recipients, then make export"; fail=1; }
done
[ "$fail" -eq 0 ] || die "checkpatch, kernel-doc or get_maintainer found problems (above)"
