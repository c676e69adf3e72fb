# shellcheck shell=bash
# The Node side of bootstrapping, shared by start.sh and test.sh: the pinned pnpm, the
# workspace's dependencies and the build. Source it after host.sh (it uses log_step).

# The pnpm version the repo pins in package.json's "packageManager".
_pinned_pnpm() {
  node -p 'require("./package.json").packageManager.split("@")[1]'
}

# ensure_pnpm: sets PNPM to a command running the pinned pnpm, installing it when missing.
ensure_pnpm() {
  local want
  want=$(_pinned_pnpm)
  if [[ $(pnpm --version 2>/dev/null || true) == "$want" ]]; then
    PNPM=(pnpm)
    return 0
  fi
  log_step "install pnpm@$want (npm install -g)"
  if npm install -g --silent "pnpm@$want" 2>/dev/null && [[ $(pnpm --version 2>/dev/null) == "$want" ]]; then
    PNPM=(pnpm)
  else
    # Without write access to npm's global prefix, run it through npx instead.
    log_step "npm install -g failed; using npx pnpm@$want"
    PNPM=(npx --yes "pnpm@$want")
  fi
}

# install_workspace: dependencies exactly as locked, then every package's build.
install_workspace() {
  log_step "pnpm install --frozen-lockfile"
  "${PNPM[@]}" install --frozen-lockfile --reporter=append-only
  log_step "build shared, server and web"
  "${PNPM[@]}" -r --workspace-concurrency=1 run build
}
