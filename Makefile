# SPDX-License-Identifier: GPL-2.0
#
# Front door of the task_work / io-wq series harness.  See README.md.
#
#   make kunit         fetch Linux 7.3, apply the series, build UML, run the suites
#                      (CONFIG=NAME: in configuration configs/NAME.kunitconfig)
#   make check         everything CI runs (.ci/run calls it)
#
#   make tree          make the kernel work tree and print its path
#   make export        write the work tree's commits back to patches/
#   make export-check  fail when the work tree holds work patches/ does not
#   make kunit-smp     the suites on SMP UML with PREEMPT and lockdep
#   make build-each    build every patch of the series on its own (EACH_CONFIG=kasan:
#                      in that configuration; EACH_RUN=1: then run the suites there)
#   make checkpatch    checkpatch.pl --strict and kernel-doc on the series
#   make build-configs compile the series' directories in allnoconfig UML without
#                      io_uring and without KUnit; configure it with KUnit as a module
#   make docs          build the core-api documentation with Sphinx
#   make bench         benchmark old vs new cancellation (patches/bench), table and plot
#   make bench-check   the walk and count checks of patches/bench (harness only)
#   make rust          the suites and the Rust test on UML built with CONFIG_RUST=y
#   make stress        the suites under KASAN (UML), lockdep (SMP UML), KCSAN, lockdep and
#                      kmemleak (x86_64 QEMU), and make teardown
#   make kmemleak      the suites on x86_64 with KCSAN, lockdep and kmemleak (no stress cases)
#   make teardown      user-space io-wq teardown stress as init of patched and unpatched UML
#   make lockup        the v1 workload on many CPUs: lockup reports of 7.3 and each step of the fix
#   make test-harness  tests of the harness scripts themselves
#   make send-preview SERIES=fix|next|tests|fallback|rust SENDER='Name <addr>'
#                      the mails b4 would send for that series, signed off by SENDER, not sent
#
# Variables: KERNEL_SRC=/path/to/linux (use your own tree; it is only read),
# BASE=7.3, FRESH=1 (make the work tree again from patches/).

SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
S := scripts

.PHONY: kunit kunit-smp check tree export export-check build-each checkpatch \
	build-configs docs bench bench-check rust stress kmemleak teardown lockup test-harness send-preview help

kunit:
	@$(S)/kunit.sh $(or $(CONFIG),up)

kunit-smp:
	@$(S)/kunit.sh smp

check:
	@$(S)/check.sh

tree:
	@$(S)/tree.sh | tail -n1

export:
	@$(S)/export.sh

export-check:
	@$(S)/export.sh --check

build-each:
	@$(S)/build-each.sh

checkpatch:
	@$(S)/checkpatch.sh

build-configs:
	@$(S)/build-configs.sh

docs:
	@$(S)/docs.sh

bench:
	@$(S)/bench.sh

bench-check:
	@BENCH_CHECK=1 $(S)/bench.sh

rust:
	@$(S)/rust.sh

stress:
	@$(S)/stress.sh

kmemleak:
	@$(S)/kmemleak.sh

teardown:
	@$(S)/teardown.sh

lockup:
	@$(S)/lockup.sh

test-harness:
	@tests/harness.sh

send-preview:
	@$(S)/send-preview.sh

help:
	@sed -n 's/^#   //p' Makefile
