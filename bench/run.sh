#!/usr/bin/env bash
# archdeck's benchmark suite: `npm run bench [-- B4 B8 …]`.
#   1. brings up the hermetic test environment (scripts/testenv.sh up: private podman
#      service + loopback registry), reusing one that already runs;
#   2. builds the workspace when an output is missing or older than its sources;
#   3. runs bench/main.mjs pinned to the load-generator CPU (the daemon and the baselines
#      it starts are pinned to the other one), which prints the table and writes JSON to
#      bench-results/;
#   4. takes the test environment down again only if it was not up before: engineers'
#      tests may be using one that was.
# Settings: BENCH_ROUNDS (default 5, minimum 5), BENCH_NO_BUILD=1, BENCH_NO_PIN=1,
# BENCH_KEEP_ENV=1 (never take the environment down).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

say() { printf '[bench] %s\n' "$*" >&2; }

[[ $(id -u) == 0 ]] || {
  say "needs root (the test environment runs a rootful podman and registers binfmt_misc handlers)"
  exit 1
}

STATE_DIR=${ARCHDECK_TESTENV_DIR:-/tmp/archdeck-testenv}

# Was a test environment already up and answering? Then it belongs to someone else's
# session as much as to ours, and it stays up afterwards.
env_was_up=0
if [[ -f $STATE_DIR/env && -s $STATE_DIR/podman.pid ]] &&
  kill -0 "$(<"$STATE_DIR/podman.pid")" 2>/dev/null &&
  [[ $(curl -sS --max-time 2 --unix-socket "$STATE_DIR/podman.sock" http://d/_ping 2>/dev/null) == OK ]]; then
  env_was_up=1
fi

teardown() {
  local rc=$?
  if ((env_was_up == 0)) && [[ ${BENCH_KEEP_ENV:-0} != 1 ]]; then
    say "taking down the test environment this run started"
    bash scripts/testenv.sh down >&2 || rc=1
  fi
  exit "$rc"
}
trap teardown EXIT

say "test environment (already up: $((env_was_up == 1)))"
bash scripts/testenv.sh up >&2
# shellcheck disable=SC1090
source "$(bash scripts/testenv.sh env)"

# stale OUTPUT DIR...: true when OUTPUT is missing or a file under DIR is newer.
stale() {
  local out=$1
  shift
  [[ -e $out ]] || return 0
  [[ -n $(find "$@" -type f -newer "$out" -print -quit 2>/dev/null) ]]
}

if [[ ${BENCH_NO_BUILD:-0} != 1 ]]; then
  if [[ ! -d node_modules/autocannon || ! -d server/node_modules/fastify || ! -d web/node_modules/vite ]]; then
    say "installing the workspace (pnpm install --frozen-lockfile)"
    command -v pnpm >/dev/null || npm i -g pnpm@12.4.2 >&2
    pnpm install --frozen-lockfile >&2
  fi
  # tsc -b rewrites only the outputs whose sources changed, but always its .tsbuildinfo.
  if stale shared/tsconfig.tsbuildinfo shared/src || stale server/tsconfig.tsbuildinfo server/src shared/src ||
    [[ ! -f server/dist/main.js ]] || stale web/dist/index.html web/src web/index.html shared/src; then
    say "building the workspace (pnpm run build)"
    if ! pnpm run build >&2; then
      if [[ -f server/dist/main.js && -f web/dist/index.html ]]; then
        say "the build FAILED; measuring the previous build (results may not match the sources)"
      else
        say "the build failed and there is no previous build to measure"
        exit 1
      fi
    fi
  fi
fi

pin=()
nproc_all=$(nproc)
if ((nproc_all >= 2)) && [[ ${BENCH_NO_PIN:-0} != 1 ]] && command -v taskset >/dev/null; then
  # CPU 1 for the load generators (this process, autocannon, Chromium); bench/lib.mjs pins
  # the daemon and the baselines it starts to CPU 0.
  pin=(taskset -c 1)
fi

BENCH_NPROC=$nproc_all "${pin[@]}" node bench/main.mjs "$@"
