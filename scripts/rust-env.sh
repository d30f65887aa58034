#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Make, or reuse, a Debian trixie root filesystem with the toolchain that
# Rust-for-Linux in 7.3 needs (rustc >= 1.85, bindgen >= 0.71.1, rust-src,
# libclang; rustfmt and clippy for the checks) and what a UML build needs;
# bookworm's bindgen is too old.  It
# lives in the cache, outside the repository.  The mirror comes from the
# machine's own apt sources.  Prints the root's path on the last line.

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

ROOT=$CACHE/rust-trixie
if [ -f "$ROOT/.tw-complete" ]; then
	# Roots made before make rust ran clippy lack it: add it.
	if [ ! -x "$ROOT/usr/bin/clippy-driver" ]; then
		[ "$(id -u)" -eq 0 ] || die "adding clippy to the Rust toolchain root needs root (chroot)"
		step "installing rust-clippy in $ROOT" >&2
		cp /etc/resolv.conf "$ROOT/etc/resolv.conf" 2>/dev/null || true
		chroot "$ROOT" /bin/sh -c 'export DEBIAN_FRONTEND=noninteractive;
			apt-get update -qq && apt-get install -y -qq --no-install-recommends rust-clippy' \
			> "$CACHE/rust-apt.log" 2>&1 ||
			die "installing rust-clippy in the trixie root failed; see $CACHE/rust-apt.log"
	fi
	info "Rust toolchain root: $ROOT ($(cat "$ROOT/.tw-complete"))" >&2
	echo "$ROOT"
	exit 0
fi
[ "$(id -u)" -eq 0 ] || die "making the Rust toolchain root needs root (debootstrap, chroot)"
command -v debootstrap >/dev/null 2>&1 || apt_get_install debootstrap
URI=$(mirror_uri debian) || die "no Debian mirror in the machine's apt sources"

rm -rf "$ROOT.tmp"
step "debootstrap --variant=minbase trixie into $ROOT (about a minute)" >&2
debootstrap --variant=minbase --keyring=/usr/share/keyrings/debian-archive-keyring.gpg \
	trixie "$ROOT.tmp" "$URI" > "$CACHE/rust-debootstrap.log" 2>&1 ||
	die "debootstrap failed; see $CACHE/rust-debootstrap.log"
step "installing rustc, rust-src, bindgen, libclang and the build tools in it" >&2
cp /etc/resolv.conf "$ROOT.tmp/etc/resolv.conf" 2>/dev/null || true
chroot "$ROOT.tmp" /bin/sh -c 'export DEBIAN_FRONTEND=noninteractive;
	apt-get update -qq && apt-get install -y -qq --no-install-recommends \
		rustc rust-src bindgen libclang-dev gcc make flex bison bc python3 \
		libc6-dev git ca-certificates rustfmt rust-clippy' > "$CACHE/rust-apt.log" 2>&1 ||
	die "installing the toolchain in the trixie root failed; see $CACHE/rust-apt.log"
ver=$(chroot "$ROOT.tmp" /bin/sh -c 'rustc --version; bindgen --version' | tr '\n' ' ')
mv "$ROOT.tmp" "$ROOT"
echo "$ver" > "$ROOT/.tw-complete"
info "Rust toolchain root: $ROOT ($ver)" >&2
echo "$ROOT"
