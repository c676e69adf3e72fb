#!/usr/bin/env bash
# `npm start`: install what is missing, build, and run the daemon on http://127.0.0.1:8420.
# Extra arguments go to the daemon (e.g. `npm start -- --port 8500`).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/host.sh
source scripts/lib/host.sh
# shellcheck source=scripts/lib/workspace.sh
source scripts/lib/workspace.sh

# Host packages: the daemon starts and reports what is missing even when this fails (not
# root, no apt), so a failure here is a warning, not the end.
# catatonit: containers get an init, so a crashing emulated program ends its container.
# gpg: podman's libgpgme11 needs "gnupg | gpg", and apt takes the first: the whole GnuPG suite,
# 14 packages more on a fresh Debian 12 (dirmngr, gpgsm, pinentry, LDAP and SASL libraries).
ensure_packages podman runc qemu-user-static uidmap catatonit gpg ||
  log_step "continuing without some host packages; the Host page shows what is missing"
ensure_binfmt_mounted || log_step "continuing without binfmt_misc; foreign binaries will not run"

ensure_pnpm
install_workspace
# Nothing to compile: the smoke-test probes are committed ready-built in server/probes/bin.

log_step "start the daemon"
exec node server/bin/archdeck.js "$@"
