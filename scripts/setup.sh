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

# The reference guest's kernel (notes/debian-guest.md): Debian bookworm's
# ppc64el linux-image, whose vmlinux tests/linux boots.  Fetched once
# through a private apt configuration for that architecture (the host's
# dpkg is not touched), checked against Debian's signed index by apt, and
# kept as $cache/linux/vmlinux.  A failure here does not stop the build:
# tests/linux then reports itself skipped and why.
linux="$cache/linux"
if [ ! -s "$linux/vmlinux" ]; then
  say "fetching Debian's ppc64el kernel (once, about 50 MB)"
  apt="$cache/apt-ppc64el"
  mkdir -p "$apt/parts" "$apt/lists/partial" "$apt/cache/archives/partial" "$linux"
  printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
    >"$apt/parts/bookworm.sources"
  printf 'Dir::Etc::SourceList "/dev/null";\nDir::Etc::SourceParts "%s/parts";\nDir::State::Lists "%s/lists";\nDir::Cache "%s/cache";\nAPT::Architecture "ppc64el";\nAPT::Architectures { "ppc64el"; };\n' \
    "$apt" "$apt" "$apt" >"$apt/apt.conf"
  if (
    export APT_CONFIG="$apt/apt.conf"
    apt-get update -o APT::Sandbox::User=root || say "apt-get update (ppc64el) reported errors; continuing"
    pkg=$(apt-cache depends linux-image-powerpc64le | sed -n 's/^ *Depends: \(linux-image-[0-9].*\)$/\1/p' | head -n1)
    [ -n "$pkg" ] || { say "no linux-image-powerpc64le in the ppc64el index"; exit 1; }
    cd "$linux"
    rm -rf deb x
    mkdir deb
    (cd deb && apt-get download -o APT::Sandbox::User=root "$pkg")
    dpkg-deb -x deb/*.deb x
    vm=$(ls x/boot/vmlinux-* | head -n1)
    mv "$vm" "$linux/$(basename "$vm")"
    ln -sf "$(basename "$vm")" "$linux/vmlinux"
    rm -rf deb x
  ); then
    say "kernel: $(readlink "$linux/vmlinux")"
  else
    say "could not fetch Debian's kernel; tests/linux will be skipped"
  fi
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
