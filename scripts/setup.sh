#!/usr/bin/env bash
# Sets up a Debian 12 machine to build petrel: installs the packages the
# build and tests need, fetches the pinned picolibc and dtc (libfdt) source
# tarballs from Debian's archive into a cache outside git, and configures
# the build directory.  Safe to run again: every step is skipped when done.
#
#   scripts/setup.sh [BUILDDIR] [extra meson setup options...]
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
builddir=${1:-build}
[ $# -gt 0 ] && shift
cache=${PETREL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/petrel}

say() { printf 'setup: %s\n' "$*"; }

packages=(gcc-powerpc64-linux-gnu binutils-powerpc64-linux-gnu meson
          ninja-build device-tree-compiler libfdt-dev libslirp-dev pkg-config python3
          qemu-system-ppc qemu-user gcc-powerpc64le-linux-gnu
          binutils-powerpc64le-linux-gnu clang-format dpkg-dev gdb-multiarch
          libc6-dev-ppc64el-cross)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  say "installing: ${missing[*]}"
  # One foreign index failing must not stop us: the install below tells.
  $sudo apt-get update || say "apt-get update reported errors; continuing"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"
fi

# Pinned source tarballs.  Bookworm's picolibc and dtc orig tarballs are
# no longer served; trixie's are, and apt checks them against the signed
# Sources index.  We check the sha256 again here (it is also in the wraps).
tarballs=(
  "picolibc 1.8.10-2 picolibc_1.8.10.orig.tar.gz d1fc2a20f217472f8d9da084a519a25678e8d91852a41c7f3f1840d3508f7163"
  "device-tree-compiler 1.7.2-2 device-tree-compiler_1.7.2.orig.tar.xz 92d8ca769805ae1f176204230438fe52808f4e1c7944053c9eec0e649b237539"
)
mkdir -p "$cache/src"
need_fetch=()
for t in "${tarballs[@]}"; do
  read -r pkg ver file sum <<<"$t"
  if [ -f "$cache/src/$file" ] && echo "$sum  $cache/src/$file" | sha256sum -c --quiet - 2>/dev/null; then
    continue
  fi
  rm -f "$cache/src/$file"
  need_fetch+=("$pkg=$ver")
done
if [ ${#need_fetch[@]} -gt 0 ]; then
  say "fetching source tarballs: ${need_fetch[*]}"
  apt="$cache/apt"
  mkdir -p "$apt/parts" "$apt/lists/partial" "$apt/cache/archives/partial"
  printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: trixie\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
    >"$apt/parts/src.sources"
  printf 'Dir::Etc::SourceList "/dev/null";\nDir::Etc::SourceParts "%s/parts";\nDir::State::Lists "%s/lists";\nDir::Cache "%s/cache";\n' \
    "$apt" "$apt" "$apt" >"$apt/apt.conf"
  export APT_CONFIG="$apt/apt.conf"
  apt-get update -o APT::Sandbox::User=root || say "apt-get update (sources) reported errors; continuing"
  (cd "$cache/src" && apt-get source --tar-only -o APT::Sandbox::User=root "${need_fetch[@]}")
  unset APT_CONFIG
fi
mkdir -p "$top/subprojects/packagefiles"
for t in "${tarballs[@]}"; do
  read -r pkg ver file sum <<<"$t"
  echo "$sum  $cache/src/$file" | sha256sum -c --quiet - || { echo "setup: checksum mismatch for $file" >&2; exit 1; }
  ln -sf "$cache/src/$file" "$top/subprojects/packagefiles/$file"
done

# The reference guest (notes/debian-guest.md): Debian bookworm's ppc64el
# kernel, its virtio modules and busybox-static, fetched once into
# $cache/linux by scripts/guest-assets.sh.  A failure here does not stop
# the build: tests/linux then reports itself skipped and why.
if ! "$top/scripts/guest-assets.sh" "$cache"; then
  say "could not fetch the Debian guest; tests/linux will be skipped"
fi

cd "$top"
if [ ! -f "$builddir/build.ninja" ]; then
  say "configuring $builddir"
  meson setup "$builddir" --cross-file cross/ppc64-firmware.txt --wrap-mode=nodownload "$@"
elif [ $# -gt 0 ]; then
  meson configure "$builddir" "$@"
fi
say "building"
ninja -C "$builddir"
# The reference guest's initramfs (tests/linux/initramfs), which the
# README's first command boots.
if [ -s "$cache/linux/busybox" ]; then
  python3 scripts/mkinitramfs.py --assets "$cache/linux" --files tests/linux/initramfs \
    -o "$builddir/initramfs.cpio"
  say "guest: $cache/linux/vmlinux with $builddir/initramfs.cpio"
fi
