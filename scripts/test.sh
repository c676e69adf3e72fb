#!/usr/bin/env bash
# `npm test`: the whole suite from nothing. Installs and builds, checks lint and types, brings
# up the hermetic test environment (private podman service, loopback registry with a
# multi-arch busybox, qemu binfmt handlers), runs the server's unit and integration tests,
# the web's unit tests and the Playwright journeys in Chromium, tears the environment down,
# and prints one "N passed, N failed" line.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/host.sh
source scripts/lib/host.sh
# shellcheck source=scripts/lib/workspace.sh
source scripts/lib/workspace.sh

started=$(date +%s)
results=.cache/test-results
rm -rf "$results"
mkdir -p "$results"

ensure_pnpm
install_workspace

log_step "lint, types and format"
"${PNPM[@]}" run lint
"${PNPM[@]}" run typecheck
"${PNPM[@]}" run format:check

log_step "test environment up"
trap 'log_step "test environment down"; bash scripts/testenv.sh down || true' EXIT
bash scripts/testenv.sh up
# shellcheck disable=SC1090
source "$(bash scripts/testenv.sh env)"

status=0
log_step "server: unit and integration tests (vitest)"
(cd server && npx vitest run --reporter=default --reporter=json --outputFile.json="../$results/server.json") || status=1

log_step "web: unit tests (vitest)"
(cd web && npx vitest run --reporter=default --reporter=json --outputFile.json="../$results/web.json") || status=1

log_step "e2e: Playwright in Chromium"
(cd e2e && PLAYWRIGHT_JSON_OUTPUT_NAME="../$results/e2e.json" npx playwright test --reporter=list,json) || status=1

node scripts/summarize-tests.mjs "$results" "$(($(date +%s) - started))" || status=1
exit "$status"
