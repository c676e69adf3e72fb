#!/usr/bin/env bash
# archdeck's benchmark suite: `npm run bench [-- B4 B8 …]`.
#   1. builds the workspace when an output is missing or older than its sources (a failed
#      build ends the run: a previous build is never measured in its place);
#   2. brings up the hermetic test environment (scripts/testenv.sh up: private podman
#      service, started by the built daemon, + loopback registry), reusing one that runs;
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
# shellcheck source=scripts/lib/host.sh
source scripts/lib/host.sh
# shellcheck source=scripts/lib/workspace.sh
source scripts/lib/workspace.sh

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
  [[ $(curl -sS --max-time 2 --unix-socket "$STATE_DIR/daemon/podman/podman.sock" http://d/_ping 2>/dev/null) == OK ]]; then
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

if [[ ${BENCH_NO_BUILD:-0} != 1 ]]; then
  ensure_pnpm >&2
  install_workspace >&2
fi

say "test environment (already up: $((env_was_up == 1)))"
bash scripts/testenv.sh up >&2
# shellcheck disable=SC1090
source "$(bash scripts/testenv.sh env)"

pin=()
nproc_all=$(nproc)
if ((nproc_all >= 2)) && [[ ${BENCH_NO_PIN:-0} != 1 ]] && command -v taskset >/dev/null; then
  # CPU 1 for the load generators (this process, autocannon, Chromium); bench/lib.mjs pins
  # the daemon and the baselines it starts to CPU 0.
  pin=(taskset -c 1)
fi

BENCH_NPROC=$nproc_all "${pin[@]}" node bench/main.mjs "$@"
