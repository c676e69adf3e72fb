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

# What the build reads, and what it writes: a build is needed when an output is missing or a
# source is newer than the last successful build.
BUILD_SOURCES=(shared/src shared/package.json shared/tsconfig.json
  server/src server/package.json server/tsconfig.json
  web/src web/public web/index.html web/package.json web/vite.config.ts web/tsconfig.json
  tsconfig.base.json pnpm-lock.yaml)
BUILD_OUTPUTS=(shared/dist/index.js server/dist/main.js web/dist/index.html)
BUILD_STAMP=.cache/build.stamp

# install_workspace: dependencies exactly as locked, then build_workspace.
install_workspace() {
  log_step "pnpm install --frozen-lockfile"
  "${PNPM[@]}" install --frozen-lockfile --reporter=append-only
  build_workspace
}

# build_workspace: every package's build, unless nothing changed since the last one (so a
# warm `npm start` prints its URL in a second or two).
build_workspace() {
  local output
  if [[ -f $BUILD_STAMP ]]; then
    local current=1
    for output in "${BUILD_OUTPUTS[@]}"; do [[ -f $output ]] || current=0; done
    if ((current)) && [[ -z $(find "${BUILD_SOURCES[@]}" -newer "$BUILD_STAMP" -print -quit 2>/dev/null) ]]; then
      log_step "build is current (no source changed since the last one)"
      return 0
    fi
  fi
  log_step "build shared, server and web"
  mkdir -p "$(dirname "$BUILD_STAMP")"
  # Stamped with the time the build started: a source saved during the build counts as newer.
  touch "$BUILD_STAMP.next"
  "${PNPM[@]}" -r --workspace-concurrency=1 run build
  mv -f "$BUILD_STAMP.next" "$BUILD_STAMP"
}
