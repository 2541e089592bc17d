#!/usr/bin/env bash
# The steps of docker/Dockerfile as a script, so they run (and are tested) where no Docker engine
# runs. The Dockerfile's RUN lines call this script too.
#
#   docker/build-steps.sh build OUT            release build (static Swift runtime), binaries to OUT
#   docker/build-steps.sh runtime-packages     the Debian packages the runtime stage installs
#   docker/build-steps.sh install-runtime      apt-get install them (the runtime stage's RUN line)
#   docker/build-steps.sh stage ROOT BIN       lay out the image's files under ROOT from BIN
#   docker/build-steps.sh check ROOT           ldd: no missing library, each from a runtime package
#   docker/build-steps.sh selftest [BIN]       build (unless BIN is given), stage, check, then start
#                                              the entrypoint as head and as worker: the worker joins
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"

# Shared libraries grow-head and grow-worker load beyond glibc, by Debian (bookworm) package.
runtime_packages=(
  ca-certificates libstdc++6 libgcc-s1 zlib1g liblz4-1 libssh2-1 libcurl4 libgdal32
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
  install -m 0755 "$bin/grow-head" "$bin/grow-worker" "$out/"
}

install_runtime() {
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${runtime_packages[@]}"
  rm -rf /var/lib/apt/lists/*
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

check() {
  local root="$1" failed=0 binary libs missing lib package closure
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
    libs="$(ldd "$binary")"
    missing="$(grep "not found" <<<"$libs" || true)"
    if [ -n "$missing" ]; then
      say "$binary: missing libraries: $missing"
      failed=1
    fi
    if grep -q "libswiftCore" <<<"$libs"; then
      say "$binary links the Swift runtime dynamically: build with --static-swift-stdlib"
      failed=1
    fi
    # Every library the loader resolves must come with the packages the runtime stage installs.
    while read -r lib; do
      [ -z "$lib" ] && continue
      package="$(dpkg -S "$lib" 2>/dev/null | head -1 | cut -d: -f1 || true)"
      [ -z "$package" ] && package="$(dpkg -S "$(readlink -f "$lib")" 2>/dev/null | head -1 | cut -d: -f1 || true)"
      if [ -z "$package" ] || ! grep -qx "$package" <<<"$closure"; then
        say "$binary needs $lib (${package:-no package}), which the runtime packages do not bring"
        failed=1
      fi
    done < <(awk '/=>/ {print $3}' <<<"$libs")
  done
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
    bin="$work/out"
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
  runtime-packages) echo "${runtime_packages[*]}" ;;
  install-runtime) install_runtime ;;
  stage) stage "${1:?stage ROOT BIN}" "${2:?stage ROOT BIN}" ;;
  check) check "${1:?check ROOT}" ;;
  selftest) selftest "${1:-}" ;;
  *) sed -n '2,/^set /p' "$0" | grep '^#' >&2; exit 2 ;;
esac
