#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# cover.sh read FILE: print the subject and text of a format-patch cover
# letter (what 'git format-patch --cover-from-description=subject' takes
# from the branch description), without the generated shortlog, diffstat
# and base-commit.

set -euo pipefail
{ [ "${1:-}" = read ] && [ -f "${2:-}" ]; } || { echo "usage: cover.sh read FILE" >&2; exit 2; }
awk '
	# Mail headers, with folded continuation lines, up to the first blank line.
	!body && /^$/ {
		sub(/^\[[^]]*\] */, "", subject)
		print subject; print ""
		body = 1; next
	}
	!body && /^[ \t]/ { if (last == "subject") subject = subject $0; next }
	!body && /^Subject: / { subject = substr($0, 10); last = "subject"; next }
	!body { last = ""; next }
	# The shortlog: "Author Name (N):" lines, one per author, the first
	# after a blank line (format-patch writes the sender'"'"'s and every
	# other author'"'"'s).
	blank && /^[^ \t].* \([0-9]+\):$/ { exit }
	{ blank = ($0 == "") }
	{ print }
' "$2" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
