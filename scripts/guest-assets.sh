#!/usr/bin/env bash
# Fetches the reference guest (notes/debian-guest.md) from Debian's archive,
# once: bookworm's ppc64el linux-image (its uncompressed vmlinux and the
# virtio modules an initramfs needs) and busybox-static.  The host's dpkg is
# not touched: a private apt configuration for ppc64el downloads the two
# packages, apt checks them against Debian's signed index, and a SHA256SUMS
# manifest over what was kept lets every later run check the cache in a
# fraction of a second instead of downloading again.
#
#   scripts/guest-assets.sh [CACHEDIR]     (default ~/.cache/petrel)
#
# Leaves CACHEDIR/linux/: vmlinux (-> vmlinux-VERSION), busybox,
# modules/*.ko, VERSIONS, SHA256SUMS.  Exits non-zero when the archive
# cannot be reached; callers decide whether that is fatal.
set -euo pipefail

cache=${1:-${PETREL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/petrel}}
linux="$cache/linux"
say() { printf 'guest-assets: %s\n' "$*"; }

# The modules the initramfs loads, in dependency order (the package ships
# no modules.dep; each module's own depends= field gives the order).
modules=(virtio virtio_ring virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci
         virtio_blk failover net_failover virtio_net virtio-rng)

if [ -s "$linux/SHA256SUMS" ] && (cd "$linux" && sha256sum -c --quiet SHA256SUMS) 2>/dev/null; then
  exit 0
fi

say "fetching Debian bookworm's ppc64el kernel and busybox-static (once, about 50 MB)"
apt="$cache/apt-ppc64el"
mkdir -p "$apt/parts" "$apt/lists/partial" "$apt/cache/archives/partial" "$linux"
printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
  >"$apt/parts/bookworm.sources"
printf 'Dir::Etc::SourceList "/dev/null";\nDir::Etc::SourceParts "%s/parts";\nDir::State::Lists "%s/lists";\nDir::Cache "%s/cache";\nAPT::Architecture "ppc64el";\nAPT::Architectures { "ppc64el"; };\n' \
  "$apt" "$apt" "$apt" >"$apt/apt.conf"
export APT_CONFIG="$apt/apt.conf"
apt-get update -o APT::Sandbox::User=root || say "apt-get update (ppc64el) reported errors; continuing"
kpkg=$(apt-cache depends linux-image-powerpc64le | sed -n 's/^ *Depends: \(linux-image-[0-9].*\)$/\1/p' | head -n1)
[ -n "$kpkg" ] || { say "no linux-image-powerpc64le in the ppc64el index"; exit 1; }

work=$(mktemp -d "$linux/fetch.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir "$work/deb" "$work/x"
# apt-get download verifies each file against the signed index's SHA256
# and shows its progress.
(cd "$work/deb" && apt-get download -o APT::Sandbox::User=root "$kpkg" busybox-static)
for d in "$work"/deb/*.deb; do
  say "$(basename "$d"): sha256 $(sha256sum "$d" | cut -d' ' -f1)"
  dpkg-deb -x "$d" "$work/x"
done

vm=$(ls "$work"/x/boot/vmlinux-* | head -n1)
kver=${vm##*/vmlinux-}
mkdir -p "$work/keep/modules"
mv "$vm" "$work/keep/vmlinux-$kver"
mv "$work/x/bin/busybox" "$work/keep/busybox"
for m in "${modules[@]}"; do
  f=$(find "$work/x/lib/modules/$kver" -name "$m.ko" | head -n1)
  [ -n "$f" ] || { say "module $m.ko missing from $kpkg"; exit 1; }
  cp "$f" "$work/keep/modules/"
done
printf '%s\n' "${modules[@]}" >"$work/keep/modules/order"
{
  echo "kernel $kpkg $(dpkg-deb -f "$work"/deb/linux-image-*.deb Version)"
  echo "busybox busybox-static $(dpkg-deb -f "$work"/deb/busybox-static_*.deb Version)"
} >"$work/keep/VERSIONS"

# Replace the old cache contents only now that everything is here.
rm -rf "$linux/modules" "$linux"/vmlinux* "$linux/busybox" "$linux/VERSIONS" "$linux/SHA256SUMS"
mv "$work"/keep/* "$linux/"
ln -sf "vmlinux-$kver" "$linux/vmlinux"
(cd "$linux" && sha256sum "vmlinux-$kver" busybox VERSIONS modules/* >SHA256SUMS)
say "kernel $kver, $(sed -n 's/^busybox //p' "$linux/VERSIONS"); cached in $linux"
