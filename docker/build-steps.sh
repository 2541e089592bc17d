#!/usr/bin/env bash
# The steps of docker/Dockerfile as a script, so they run (and are tested) where no Docker engine
# runs. The Dockerfile's RUN lines call this script too.
#
#   docker/build-steps.sh build OUT            release build (static Swift runtime, no debug
#                                              info), binaries to OUT
#   docker/build-steps.sh image TAG [OPTION...]
#                                              build to docker/host-bin, then the image from them:
#                                              docker build --target host-binaries -t TAG OPTION...
#                                              (the docker command: $DOCKER, default docker)
#   docker/build-steps.sh runtime-packages     the Debian packages the runtime stage installs
#   docker/build-steps.sh install-runtime      apt-get install them (the runtime stage's RUN line)
#   docker/build-steps.sh stage ROOT BIN       lay out the image's files under ROOT from BIN
#   docker/build-steps.sh check ROOT           ldd: no missing library, each from a runtime package
#                                              (and libgdal, libcurl, libssh2, which the binaries
#                                              dlopen, with theirs)
#   docker/build-steps.sh selftest [BIN]       build to docker/host-bin (unless BIN is given),
#                                              stage, check, then start the entrypoint as head and
#                                              as worker: the worker joins. The image tests
#                                              (Tests/ContainerTests) build from docker/host-bin.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"

# Shared libraries grow-head and grow-worker load beyond glibc, by Debian (bookworm) package.
# libgdal32, libcurl4 and libssh2-1 are not linked but dlopen()ed on first use (a raster, S3, SSH:
# Sources/CLazyLibrary), so ldd does not see them; check_dlopened does.
runtime_packages=(
  ca-certificates libstdc++6 libgcc-s1 libisal2 liblz4-1 libssh2-1 libcurl4 libgdal32
)

say() { echo "build-steps: $*" >&2; }

build() {
  local out="$1" scratch="${GROW_RELEASE_SCRATCH:-$repo/.build-release}"
  mkdir -p "$out"
  for product in grow-head grow-worker; do
    swift build --package-path "$repo" --scratch-path "$scratch" -c release --static-swift-stdlib --product "$product"
  done
  local bin
  bin="$(swift build --package-path "$repo" --scratch-path "$scratch" -c release --show-bin-path)"
  # Debug info is most of a release binary; the symbols (for backtraces) stay.
  local product
  for product in grow-head grow-worker; do
    strip --strip-debug -o "$out/$product.partial" "$bin/$product"
    chmod 0755 "$out/$product.partial"
    mv "$out/$product.partial" "$out/$product"
  done
}

image() {
  local tag="$1"
  shift
  local docker="${DOCKER:-docker}"
  build "$here/host-bin"
  $docker build -f "$here/Dockerfile" --target host-binaries -t "$tag" "$@" "$repo"
}

install_runtime() {
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${runtime_packages[@]}"
  # The downloaded .debs and the package lists: a third of the layer, needed by nothing at run time.
  apt-get clean
  rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin
}

stage() {
  local root="$1" bin="$2"
  mkdir -p "$root/usr/local/bin" "$root/root/.grow"
  install -m 0755 "$bin/grow-head" "$bin/grow-worker" "$root/usr/local/bin/"
  install -m 0755 "$here/entrypoint.sh" "$root/usr/local/bin/grow-entrypoint"
  say "staged $root/usr/local/bin: $(ls "$root/usr/local/bin" | tr '\n' ' ')"
}

runtime_closure() {
  apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks --no-replaces \
    --no-enhances "${runtime_packages[@]}" libc6 2>/dev/null | grep -E '^[a-z0-9]' | sort -u || true
}

# Every library `ldd` resolves for $1 must be found and come with the runtime packages (check's
# $closure: the packages and what they pull in).
check_libraries() {
  local object="$1" libs missing lib package failed=0
  libs="$(ldd "$object")"
  missing="$(grep "not found" <<<"$libs" || true)"
  if [ -n "$missing" ]; then
    say "$object: missing libraries: $missing"
    failed=1
  fi
  while read -r lib; do
    [ -z "$lib" ] && continue
    package="$(dpkg -S "$lib" 2>/dev/null | head -1 | cut -d: -f1 || true)"
    [ -z "$package" ] && package="$(dpkg -S "$(readlink -f "$lib")" 2>/dev/null | head -1 | cut -d: -f1 || true)"
    if [ -z "$package" ] || ! grep -qx "$package" <<<"$closure"; then
      say "$object needs $lib (${package:-no package}), which the runtime packages do not bring"
      failed=1
    fi
  done < <(awk '/=>/ {print $3}' <<<"$libs")
  return "$failed"
}

# The runtime package matching `$1` (a regex) and its library file matching `$2`, as "PACKAGE LIB":
# the binaries dlopen() that file, so ldd does not see it and check() asks for it by name.
dlopened_library() {
  local package lib
  package="$(printf '%s\n' "${runtime_packages[@]}" | grep -E "$1" | head -1 || true)"
  if [ -z "$package" ]; then
    say "no package matching $1 among the runtime packages: the binaries could not dlopen its library"
    return 1
  fi
  lib="$(dpkg -L "$package" 2>/dev/null | grep -E "$2" | head -1 || true)"
  if [ -z "$lib" ] || [ ! -e "$lib" ]; then
    say "$package is not installed here (or has no file matching $2): cannot check what the binaries dlopen"
    return 1
  fi
  echo "$package $lib"
}

# libcurl and libssh2: the runtime package must bring the soname the loader tries first (Sources/
# CCurl/curl_loader.c, Sources/CSSH2/ssh2_loader.c; `libX.so` comes only with the -dev package),
# and every library that one needs.
check_dlopened() {
  local package="$1" soname="$2" found lib
  found="$(dlopened_library "^$package\$" "/${soname//./\\.}\$")" || return 1
  lib="${found#* }"
  check_libraries "$lib" || return 1
  say "$soname (dlopened): $lib from $package, every library it needs from the runtime packages"
}

# libgdal: the runtime packages must bring a libgdal.so.N that grow_gdal_load tries (N in 26..38),
# of the GDAL version whose headers the binaries were built with (the loader refuses another
# major.minor), and its own libraries.
check_gdal() {
  local found package lib soname version header wanted
  found="$(dlopened_library '^libgdal[0-9]+' '/libgdal\.so\.[0-9]+$')" || return 1
  package="${found%% *}"
  lib="${found#* }"
  soname="${lib##*.so.}"
  if [ "$soname" -lt 26 ] || [ "$soname" -gt 38 ]; then
    say "$lib: grow_gdal_load tries libgdal.so.38 down to .26 only (Sources/CGDAL/gdal_loader.c)"
    return 1
  fi
  version="$(dpkg-query -W -f='${Version}' "$package" | sed -E 's/^[0-9]+://; s/^([0-9]+\.[0-9]+).*/\1/')"
  header="${GROW_GDAL_VERSION_HEADER:-/usr/include/gdal/gdal_version.h}"
  if [ -f "$header" ]; then
    wanted="$(awk '/^# *define +GDAL_VERSION_MAJOR / {major=$NF} /^# *define +GDAL_VERSION_MINOR / {minor=$NF}
      END {print major "." minor}' "$header")"
    if [ "$version" != "$wanted" ]; then
      say "$package is GDAL $version, but the binaries are built with GDAL $wanted's headers ($header)"
      return 1
    fi
  else
    say "no $header here: not checking that $package ($version) is the GDAL the binaries were built for"
  fi
  check_libraries "$lib" || return 1
  say "libgdal (dlopened): $lib from $package, GDAL $version, every library it needs from the runtime packages"
}

check() {
  local root="$1" failed=0 binary closure
  # The runtime packages and everything they pull in: what the runtime stage ends up with.
  closure="$(runtime_closure)"
  if [ -z "$closure" ] && [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq >/dev/null 2>&1 || true
    closure="$(runtime_closure)"
  fi
  if [ -z "$closure" ]; then
    say "apt-cache knows none of the runtime packages (run apt-get update)"
    return 1
  fi
  for binary in "$root/usr/local/bin/grow-head" "$root/usr/local/bin/grow-worker"; do
    if grep -q "libswiftCore" <<<"$(ldd "$binary")"; then
      say "$binary links the Swift runtime dynamically: build with --static-swift-stdlib"
      failed=1
    fi
    check_libraries "$binary" || failed=1
  done
  check_gdal || failed=1
  check_dlopened libcurl4 libcurl.so.4 || failed=1
  check_dlopened libssh2-1 libssh2.so.1 || failed=1
  [ "$failed" -eq 0 ] && say "ldd: every library found, each from the runtime packages or their dependencies"
  return "$failed"
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# Set by selftest, read by its EXIT trap (after the function's locals are gone).
work=""
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  [ -n "$work" ] && rm -rf "$work"
}

selftest() {
  local bin="${1:-}"
  work="$(mktemp -d /tmp/grow-docker-selftest.XXXXXX)"
  trap cleanup EXIT
  if [ -z "$bin" ]; then
    bin="$here/host-bin"
    build "$bin"
  fi
  stage "$work/root" "$bin"
  check "$work/root"
  local port
  port="$(free_port)"
  mkdir -p "$work/home/.grow"
  HOME="$work/home" "$work/root/usr/local/bin/grow-head" token "$work/home/.grow/token" >/dev/null
  export PATH="$work/root/usr/local/bin:$PATH"
  HOME="$work/home" GROW_TOKEN_FILE="$work/home/.grow/token" GROW_PORT="$port" \
    grow-entrypoint head --bind 127.0.0.1 >"$work/head.log" 2>&1 &
  pids+=($!)
  HOME="$work/home" GROW_TOKEN_FILE="$work/home/.grow/token" GROW_HEAD_IP=127.0.0.1 GROW_PORT="$port" \
    grow-entrypoint worker --slots 1 --worker-id selftest >"$work/worker.log" 2>&1 &
  pids+=($!)
  local status="" tries=0
  while [ "$tries" -lt 100 ]; do
    status="$(HOME="$work/home" grow-head status --address "127.0.0.1:$port" --token-file "$work/home/.grow/token" 2>&1 || true)"
    grep -q "Workers: 1 up" <<<"$status" && break
    tries=$((tries + 1))
    sleep 0.2
  done
  if ! grep -q "Workers: 1 up" <<<"$status"; then
    say "the worker did not join the head started by the entrypoint"
    say "status: $status"
    say "head log: $(tail -5 "$work/head.log")"
    say "worker log: $(tail -5 "$work/worker.log")"
    return 1
  fi
  say "entrypoint: head on port $port, worker joined"
  say "selftest passed"
}

command="${1:-}"
shift || true
case "$command" in
  build) build "${1:?build OUT}" ;;
  image)
    [ "$#" -ge 1 ] || { echo "build-steps: image TAG [docker build option...]" >&2; exit 2; }
    image "$@"
    ;;
  runtime-packages) echo "${runtime_packages[*]}" ;;
  install-runtime) install_runtime ;;
  stage) stage "${1:?stage ROOT BIN}" "${2:?stage ROOT BIN}" ;;
  check) check "${1:?check ROOT}" ;;
  selftest) selftest "${1:-}" ;;
  *) sed -n '2,/^set /p' "$0" | grep '^#' >&2; exit 2 ;;
esac
