#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The suites on SMP UML (ncpus=4) with PREEMPT, PROVE_LOCKING and
# DEBUG_ATOMIC_SLEEP, then two checks on the kernel log that the results
# alone cannot show: the concurrent cases really ran on several CPUs, and
# the kernel reported no lockdep splat, WARN or BUG while the suites ran.

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

"$REPO/scripts/kunit.sh" smp
LOG=$BUILD-smp/test.log
[ -s "$LOG" ] || die "no kernel log at $LOG"

cpus=$(sed -n 's/.* adders on \([0-9]\+\) CPUs.*/\1/p' "$LOG" | head -n1)
[ -n "$cpus" ] || die "the concurrent task_work case did not report its CPUs (see $LOG)"
[ "$cpus" -ge 2 ] || die "the concurrent task_work case ran on $cpus CPU only: SMP UML did not bring up several CPUs (see $LOG)"
info "concurrent adders ran on $cpus CPUs"

scan_log "$LOG"
