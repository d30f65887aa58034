#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the core-api documentation with Sphinx (Debian's python3-sphinx)
# and fail on any warning that comes from a file the series touches; then
# kernel-doc -Wall on the touched sources (also part of checkpatch.sh).
# The core-api subset alone draws warnings about links into the rest of
# the tree; those are not ours and are only counted.

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

TREE=$(work_tree)
use_debian_python python3-sphinx python3-yaml

OUT=$WORK/build-docs$SRCKEY
LOG=$OUT/htmldocs.log
mkdir -p "$OUT"
step "building Documentation/core-api with Sphinx (output in $OUT)"
make -C "$TREE" O="$OUT" SPHINXDIRS=core-api htmldocs > "$LOG" 2>&1 ||
	{ tail -n 30 "$LOG"; die "make htmldocs failed; full log: $LOG"; }

# Ours: a warning about a file of the series (every one has task_work or
# io-wq in its path) or about an entry it adds (the toctree line names
# task_work).  index.rst, which the series touches, also warns about links
# that only a full build resolves; those were there before.
ours=$(grep -E 'WARNING|ERROR' "$LOG" | grep -E 'task_work|io-wq|io_wq' || true)
others=$(grep -cE 'WARNING|ERROR' "$LOG" || true)
if [ -n "$ours" ]; then
	printf '%s\n' "$ours"
	die "Sphinx warns about files of the series (above; full log: $LOG)"
fi
page=$(find "$OUT" -path '*core-api/task_work.html' | head -n1)
[ -n "$page" ] || die "no task_work.html in $OUT: is task_work in the core-api toctree?"
for fn in task_work_add task_work_run task_work_cancel_match_all; do
	grep -q "id=\"c.$fn\"" "$page" || die "$page documents no $fn()"
done
info "no Sphinx warning from the series' files ($others from the rest of the subset); page: $page"
