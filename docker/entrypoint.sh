#!/bin/sh
# The grow image's entrypoint.
#   head [grow-head start options]     run the head (port GROW_PORT, default 6379)
#   worker [grow-worker options]       run a worker joining GROW_HEAD_ADDRESS, or GROW_HEAD_IP:GROW_PORT
#   anything else                      run it (`grow-head up` starts containers with `bash`, as Ray does)
# The cluster token (head and worker): GROW_TOKEN, or the file GROW_TOKEN_FILE (default
# ~/.grow/token, which `grow-head up` installs and bind-mounts; mount your own with
# -v ~/.grow/token:/root/.grow/token:ro). The file is passed on as --token-file, not read here.
# head and worker exec the binary, so `docker stop` signals it directly: a worker drains (its
# running tiles finish and are reported) and exits 0, a head flushes its journal.
# Errors (no token, no head address): one line on stderr, exit 2.
set -eu

fail() {
  echo "grow-entrypoint: $*" >&2
  exit 2
}

# Sets token_file to the token file to pass on, or leaves it empty when GROW_TOKEN is set.
find_token() {
  token_file=""
  [ -n "${GROW_TOKEN:-}" ] && return 0
  token_file="${GROW_TOKEN_FILE:-${HOME:-/root}/.grow/token}"
  [ -r "$token_file" ] ||
    fail "$1: no cluster token: set GROW_TOKEN, or mount the token file at $token_file (GROW_TOKEN_FILE)"
}

role="${1:-bash}"
case "$role" in
  head)
    shift
    find_token head
    if [ -n "$token_file" ]; then set -- --token-file "$token_file" "$@"; fi
    exec grow-head start --port "${GROW_PORT:-6379}" --state-dir "${GROW_STATE_DIR:-${HOME:-/root}/.grow/head}" "$@"
    ;;
  worker)
    shift
    address="${GROW_HEAD_ADDRESS:-}"
    if [ -z "$address" ]; then
      [ -n "${GROW_HEAD_IP:-}" ] || fail "worker: no head address: set GROW_HEAD_IP (or GROW_HEAD_ADDRESS=HOST:PORT)"
      address="$GROW_HEAD_IP:${GROW_PORT:-6379}"
    fi
    find_token worker
    if [ -n "$token_file" ]; then set -- --token-file "$token_file" "$@"; fi
    exec grow-worker --address "$address" "$@"
    ;;
  *)
    exec "$@"
    ;;
esac
