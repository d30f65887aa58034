#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Fetch the Debian linux-source package for $BASE into the cache and unpack
# its tarball into a pristine git repository with the base as one commit.
#
# Debian suites the machine's apt config does not list (trixie-backports) are
# reached with a private apt configuration; its mirror URI is read from the
# machine's own apt sources at run time, never written into a file here.
#
# Prints the path of the base repository on the last line of stdout.

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

case "$BASE" in
7.3) PKG=linux-source-7.3; SUITE=trixie-backports; ARCHIVE=debian ;;
6.12) PKG=linux-source-6.12; SUITE=bookworm-security; ARCHIVE=debian-security ;;
esac

BASEREPO=$CACHE/base/$PKG.git
if [ -f "$BASEREPO/.git/tw-complete" ]; then
	info "base: $(cat "$BASEREPO/.git/tw-version") (cached in $BASEREPO)" >&2
	echo "$BASEREPO"
	exit 0
fi

need_build_deps >&2

URI=$(mirror_uri "$ARCHIVE") ||
	die "no '$ARCHIVE' archive in the machine's apt sources (/etc/apt/sources.list*); add a Debian mirror or pass KERNEL_SRC=/path/to/linux"
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
[ -r "$KEYRING" ] || need gpgv debian-archive-keyring

APT=$CACHE/apt/$SUITE
mkdir -p "$APT/lists/partial" "$APT/archives/partial" "$APT/parts" "$CACHE/dl"
printf 'deb [signed-by=%s] %s %s main\n' "$KEYRING" "$URI" "$SUITE" > "$APT/sources.list"
APTOPTS=(-o "Dir::Etc::sourcelist=$APT/sources.list" -o "Dir::Etc::sourceparts=$APT/parts"
	 -o "Dir::State::Lists=$APT/lists" -o "Dir::Cache=$APT"
	 -o "Dir::Cache::archives=$APT/archives" -o "APT::Sandbox::User=root"
	 -o "Debug::NoLocking=1")

step "fetching $PKG from Debian $SUITE (mirror from the machine's apt sources)" >&2
apt-get "${APTOPTS[@]}" -qq update >&2 ||
	die "apt-get update of $SUITE failed; check the network, or pass KERNEL_SRC=/path/to/linux"
VERSION=$(apt-cache "${APTOPTS[@]}" policy "$PKG" | sed -n 's/^[[:space:]]*Candidate:[[:space:]]*//p')
{ [ -n "$VERSION" ] && [ "$VERSION" != "(none)" ]; } ||
	die "$PKG is not in Debian $SUITE; pass KERNEL_SRC=/path/to/linux instead"
DEB=$CACHE/dl/${PKG}_${VERSION}_all.deb
if [ ! -s "$DEB" ]; then
	info "downloading $PKG $VERSION" >&2
	tmp=$(mktemp -d "$CACHE/dl/.tmp.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	(cd "$tmp" && apt-get "${APTOPTS[@]}" -qq download "$PKG=$VERSION") >&2 ||
		die "downloading $PKG $VERSION failed; run again to retry"
	mv "$tmp"/*.deb "$DEB.part" && mv "$DEB.part" "$DEB"
	rm -rf "$tmp"
	trap - EXIT
fi

step "unpacking $PKG $VERSION into $BASEREPO" >&2
rm -rf "$BASEREPO" "$BASEREPO.tmp"
mkdir -p "$BASEREPO.tmp/x"
dpkg-deb --fsys-tarfile "$DEB" | tar -x -C "$BASEREPO.tmp/x" --wildcards '*.tar.xz' ||
	die "could not read $DEB; delete it and run again"
TARBALL=$(find "$BASEREPO.tmp/x" -name 'linux-source-*.tar.xz' | head -n1)
[ -n "$TARBALL" ] || die "no kernel tarball in $DEB"
mkdir -p "$BASEREPO.tmp/src"
tar -xJf "$TARBALL" -C "$BASEREPO.tmp/src" --strip-components=1
rm -rf "$BASEREPO.tmp/x"
KVER=$(make -s -C "$BASEREPO.tmp/src" kernelversion 2>/dev/null || true)

step "recording Linux $KVER (Debian $PKG $VERSION) as the base commit" >&2
# A fixed identity and date make the base commit id depend only on the
# tarball, so base-commit: in the exported series is the same everywhere.
export GIT_AUTHOR_DATE="2000-01-01T00:00:00 +0000" GIT_COMMITTER_DATE="2000-01-01T00:00:00 +0000"
# gc.auto 0 before the first commit: that commit would otherwise start a
# "git gc --auto" in the background, over the same objects as the repack
# below, and race the move into place.
{ git -C "$BASEREPO.tmp/src" init -q -b base &&
  git -C "$BASEREPO.tmp/src" config gc.auto 0 &&
  git -C "$BASEREPO.tmp/src" -c core.autocrlf=false add -A -f . &&
  git -C "$BASEREPO.tmp/src" -c user.name=base -c user.email=base@localhost \
	commit -q -m "Linux $KVER (Debian $PKG $VERSION)" >&2; } ||
	die "could not make the base git repository"
# One pack instead of some 90,000 loose objects: every work tree is a
# local clone of this repository, and a clone full of loose objects would
# start a "git gc --auto" repack of the whole kernel at its first git am.
# No deltas (window 0): quick, and the pack is only read locally.
step "packing the base repository" >&2
git -C "$BASEREPO.tmp/src" -c pack.window=0 repack -a -d -q ||
	die "could not pack the base git repository"
echo "Linux $KVER (Debian $PKG $VERSION)" > "$BASEREPO.tmp/src/.git/tw-version"
mv "$BASEREPO.tmp/src" "$BASEREPO"
rm -rf "$BASEREPO.tmp"
touch "$BASEREPO/.git/tw-complete"
info "base: $(cat "$BASEREPO/.git/tw-version")" >&2
echo "$BASEREPO"
