#!/usr/bin/env bash
# Makes the Dockerfile's base image, debian:bookworm-slim, without a registry: a minimal Debian
# bookworm made by debootstrap from this machine's apt source, imported into a Docker engine.
# For machines (like CI here) that cannot pull from Docker Hub; with a registry, `docker build`
# pulls the real debian:bookworm-slim and this script is not needed.
#
#   docker/base-image.sh tarball            make the root file system's tarball (once; needs root
#                                           and debootstrap), print its path
#   docker/base-image.sh import [DOCKER...] import it as debian:bookworm-slim into the engine the
#                                           docker command (default: docker) talks to, unless the
#                                           engine has that tag already
#
# The tarball is kept in GROW_DOCKER_CACHE (default .cache/docker), so it is made once per machine.
# The mirror is the first apt source of this machine serving bookworm main (apt-get indextargets),
# or GROW_DEBIAN_MIRROR.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
cache="${GROW_DOCKER_CACHE:-$repo/.cache/docker}"
suite=bookworm
tag="debian:bookworm-slim"
tarball="$cache/debian-$suite-minbase.tar"

say() { echo "base-image: $*" >&2; }
fail() {
  echo "base-image: $*" >&2
  exit 2
}

# "URI SUITE" of this machine's apt sources for $suite (main, updates, security), one a line.
apt_sources() {
  apt-get indextargets --format '$(REPO_URI) $(RELEASE) $(COMPONENT) $(TARGET_OF)' 2>/dev/null |
    awk -v suite="$suite" '$3 == "main" && $4 == "deb" && ($2 == suite || $2 == suite "-updates" || $2 == suite "-security") {print $1, $2}' |
    sort -u
}

mirror() {
  if [ -n "${GROW_DEBIAN_MIRROR:-}" ]; then
    echo "$GROW_DEBIAN_MIRROR"
    return
  fi
  local uri
  uri="$(apt_sources | awk -v suite="$suite" '$2 == suite {print $1; exit}')"
  [ -n "$uri" ] || fail "no apt source of this machine serves $suite main: set GROW_DEBIAN_MIRROR"
  echo "$uri"
}

make_tarball() {
  if [ -s "$tarball" ]; then
    echo "$tarball"
    return
  fi
  [ "$(id -u)" -eq 0 ] || fail "debootstrap needs root"
  command -v debootstrap >/dev/null || fail "debootstrap is not installed (scripts/install-deps)"
  mkdir -p "$cache"
  local root source
  root="$(mktemp -d "$cache/rootfs.XXXXXX")"
  trap 'rm -rf "$root"' EXIT
  source="$(mirror)"
  say "debootstrap --variant=minbase $suite from $source (once; cached in $tarball)"
  debootstrap --variant=minbase "$suite" "$root" "$source" >"$root.log" 2>&1 ||
    {
      tail -5 "$root.log" >&2
      fail "debootstrap failed (log: $root.log)"
    }
  rm -f "$root.log"
  # Apt sources: this machine's, for main, updates and security (the same GDAL as the host's).
  if [ -z "${GROW_DEBIAN_MIRROR:-}" ] && [ -n "$(apt_sources)" ]; then
    apt_sources | while read -r uri release; do echo "deb $uri $release main"; done >"$root/etc/apt/sources.list"
  fi
  # As Docker's debian:*-slim: no documentation, man pages or translations; no package caches.
  cat >"$root/etc/dpkg/dpkg.cfg.d/slim" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/info/*
EOF
  echo 'APT::Install-Recommends "false";' >"$root/etc/apt/apt.conf.d/99no-recommends"
  find "$root/usr/share/doc" -mindepth 2 ! -name copyright ! -type d -delete
  rm -rf "$root/usr/share/man"/* "$root/usr/share/locale"/* "$root/usr/share/info"/* \
    "$root/var/cache/apt"/*.bin "$root/var/cache/apt/archives"/*.deb "$root/var/lib/apt/lists"/* \
    "$root/var/log"/*.log
  tar --numeric-owner -C "$root" -cf "$root.tar" .
  mv "$root.tar" "$tarball"
  rm -rf "$root"
  trap - EXIT
  say "made $tarball ($(du -h "$tarball" | cut -f1))"
  echo "$tarball"
}

import() {
  local docker=("$@")
  [ "${#docker[@]}" -gt 0 ] || docker=(docker)
  if "${docker[@]}" image inspect "$tag" >/dev/null 2>&1; then
    say "$tag: already in the engine"
    return
  fi
  make_tarball >/dev/null
  "${docker[@]}" import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["bash"]' \
    --message "debootstrap --variant=minbase $suite" \
    "$tarball" "$tag" >/dev/null
  say "$tag: imported from $tarball"
}

command="${1:-}"
shift || true
case "$command" in
  tarball) make_tarball ;;
  import) import "$@" ;;
  *)
    sed -n '2,/^set /p' "$0" | grep '^#' >&2
    exit 2
    ;;
esac
