#!/bin/sh
# The grow image's entrypoint.
#   head [grow-head start options]     run the head (port GROW_PORT, default 6379)
#   worker [grow-worker options]       run a worker joining GROW_HEAD_ADDRESS, or GROW_HEAD_IP:GROW_PORT
#   anything else                      run it (`grow-head up` starts containers with `bash`, as Ray does)
# The cluster token: GROW_TOKEN, or the file GROW_TOKEN_FILE (default ~/.grow/token, which
# `grow-head up` installs and bind-mounts into the container).
set -eu

load_token() {
  if [ -z "${GROW_TOKEN:-}" ] && [ -n "${GROW_TOKEN_FILE:-}" ] && [ -r "$GROW_TOKEN_FILE" ]; then
    GROW_TOKEN="$(cat "$GROW_TOKEN_FILE")"
    export GROW_TOKEN
  fi
}

role="${1:-bash}"
case "$role" in
  head)
    shift
    load_token
    exec grow-head start --port "${GROW_PORT:-6379}" --state-dir "${GROW_STATE_DIR:-$HOME/.grow/head}" "$@"
    ;;
  worker)
    shift
    load_token
    address="${GROW_HEAD_ADDRESS:-}"
    if [ -z "$address" ]; then
      if [ -z "${GROW_HEAD_IP:-}" ]; then
        echo "grow-entrypoint: set GROW_HEAD_IP (or GROW_HEAD_ADDRESS=HOST:PORT) for a worker" >&2
        exit 2
      fi
      address="$GROW_HEAD_IP:${GROW_PORT:-6379}"
    fi
    exec grow-worker --address "$address" "$@"
    ;;
  *)
    exec "$@"
    ;;
esac
