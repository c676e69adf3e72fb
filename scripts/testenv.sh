#!/usr/bin/env bash
# Private, throw-away environment for archdeck's server and e2e tests:
#   - a podman API service with its own storage, database, configuration,
#     locks, events and socket in the state dir, so tests never see or change
#     the host's containers and images (/var/lib/containers/storage,
#     /run/libpod, /etc/containers);
#   - a loopback OCI registry serving a multi-arch busybox image
#     (linux/amd64, arm64, ppc64le, s390x) built from Debian's busybox-static,
#     because no public registry is reachable from these machines;
#   - qemu-user binfmt_misc entries, so foreign-architecture containers run.
#
# Usage: scripts/testenv.sh up|down|env
#   up    install what is missing, start everything (services that already
#         run and answer are reused) and write the env file tests source
#   down  stop everything, unmount and delete the state dir (keeps the cache)
#   env   print the path of the env file: source "$(scripts/testenv.sh env)"
#
# Settings (environment):
#   ARCHDECK_TESTENV_DIR         state dir  (default /tmp/archdeck-testenv)
#   ARCHDECK_TESTENV_CACHE       image cache, survives `down` and fresh clones
#                                (default /var/cache/archdeck-testenv)
#   ARCHDECK_TEST_REGISTRY_PORT  loopback registry port (default 5111)
#
# Host paths podman 4.3 hard-codes, with no setting to move them:
#   /var/lib/containers/cache/blob-info-cache-v1.boltdb  which registry holds
#       which blob digest; written by every pull, build and push as root
#   /run/containers/networks/ipam.db  netavark's IP leases on the podman0
#       bridge, which every root podman on the host shares anyway
#   /run/netns/netns-*, /run/runc/<id>  one per running container, removed
#       with it (`down` removes every container)
#   /var/tmp  buildah's commit (image build) ignores TMPDIR; its files there
#       are deleted as soon as the image is stored
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib/host.sh
source "$HERE/lib/host.sh"

STATE_DIR=${ARCHDECK_TESTENV_DIR:-/tmp/archdeck-testenv}
CACHE_DIR=${ARCHDECK_TESTENV_CACHE:-/var/cache/archdeck-testenv}
REGISTRY_PORT=${ARCHDECK_TEST_REGISTRY_PORT:-5111}

REGISTRY_ADDR=127.0.0.1:$REGISTRY_PORT
SPARE_REGISTRY_ADDR=127.0.0.1:$((REGISTRY_PORT + 1))
IMAGE=$REGISTRY_ADDR/library/busybox:1.36
# "debian-arch:oci-arch" of every platform in the test image. amd64 comes
# first: its busybox runs on the host and lists the applets to link.
IMAGE_PLATFORMS=(amd64:amd64 arm64:arm64 ppc64el:ppc64le s390x:s390x)
# qemu binfmt entries to register: the image's foreign platforms, plus 32-bit
# arm, which users run too.
QEMU_ARCHES=(aarch64 ppc64le s390x arm)
# Bump whenever build_image changes what ends up in the registry: the cached
# registry is reused only while its stamp holds this exact string.
IMAGE_RECIPE="busybox-static-bookworm-rootfs-v1"

MARKER=$STATE_DIR/.archdeck-testenv
PODMAN_ROOT=$STATE_DIR/root
PODMAN_RUNROOT=$STATE_DIR/runroot
# podman runs as archdeck manages it (`archdeck podman-service`): its data dir holds the socket
# and the containers.conf archdeck generates from ours (BASE_CONF_FILE) for this host.
PODMAN_DATA=$STATE_DIR/daemon
PODMAN_SOCK=$PODMAN_DATA/podman/podman.sock
PODMAN_PID=$STATE_DIR/podman.pid
PODMAN_LOG=$STATE_DIR/podman.log
BASE_CONF_FILE=$STATE_DIR/containers.conf
CONTAINERS_CONF_FILE=$PODMAN_DATA/podman/containers.conf
REGISTRIES_CONF_FILE=$STATE_DIR/registries.conf
STORAGE_CONF_FILE=$STATE_DIR/storage.conf
REGISTRY_CONF_FILE=$STATE_DIR/registry.yml
REGISTRY_PID=$STATE_DIR/registry.pid
REGISTRY_LOG=$STATE_DIR/registry.log
BUILD_LOG=$STATE_DIR/image-build.log
ENV_FILE=$STATE_DIR/env
REGISTRY_ROOT=$CACHE_DIR/registry
REGISTRY_STAMP=$CACHE_DIR/registry.stamp

# Environment and flags that point the podman CLI and service at the private
# configuration and storage. Every podman call below goes through them: a
# bare `podman` would use the host's /var/lib/containers/storage.
# TMPDIR: podman's own temporary files go there instead of /var/tmp.
# The service is given our base containers.conf, as a host's own would be; the
# CLI reads what archdeck generated from it, so both agree.
SERVICE_ENV=(
  "CONTAINERS_CONF=$BASE_CONF_FILE"
  "CONTAINERS_REGISTRIES_CONF=$REGISTRIES_CONF_FILE"
  "CONTAINERS_STORAGE_CONF=$STORAGE_CONF_FILE"
  "TMPDIR=$STATE_DIR/tmp"
)
PODMAN_ENV=("${SERVICE_ENV[@]/#CONTAINERS_CONF=*/CONTAINERS_CONF=$CONTAINERS_CONF_FILE}")
ARCHDECK_BIN=$(cd "$HERE/.." && pwd)/server/bin/archdeck.js
PODMAN_FLAGS=(--root "$PODMAN_ROOT" --runroot "$PODMAN_RUNROOT")

tpodman() {
  env "${PODMAN_ENV[@]}" podman "${PODMAN_FLAGS[@]}" "$@"
}

# --- step reporting -----------------------------------------------------------

CURRENT_STEP=""
STEP_LOG=""

# step MESSAGE [LOG]: announce a step; on failure the EXIT trap names it and
# prints the tail of LOG.
step() {
  CURRENT_STEP=$1
  STEP_LOG=${2:-}
  log_step "$1"
}

on_exit() {
  local rc=$?
  # Failures before the first step explain themselves (usage, die).
  ((rc != 0)) && [[ -n $CURRENT_STEP ]] || return 0
  printf 'testenv: FAILED (exit %d) at step: %s\n' "$rc" "$CURRENT_STEP" >&2
  if [[ -n $STEP_LOG && -s $STEP_LOG ]]; then
    printf -- '--- last lines of %s ---\n' "$STEP_LOG" >&2
    tail -n 40 "$STEP_LOG" >&2
  fi
}
trap on_exit EXIT

die() {
  printf 'testenv: %s\n' "$*" >&2
  exit 1
}

# --- processes ----------------------------------------------------------------

# our_pid PIDFILE: print the pid if that process is alive and was started by
# this script for this state dir (its command line names the state dir), so a
# recycled pid is never taken for ours.
our_pid() {
  local pid state
  [[ -s $1 ]] || return 1
  pid=$(<"$1")
  [[ $pid =~ ^[0-9]+$ && -r /proc/$pid/cmdline ]] || return 1
  # A zombie still answers kill -0; it is dead for our purposes.
  state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || return 1
  [[ $state != Z ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "$STATE_DIR/" || return 1
  printf '%s\n' "$pid"
}

# stop_pid NAME PIDFILE: SIGTERM, wait up to 10 s, then SIGKILL.
stop_pid() {
  local name=$1 pidfile=$2 pid i
  if pid=$(our_pid "$pidfile"); then
    log_step "stop $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
      our_pid "$pidfile" >/dev/null || break
      sleep 0.1
    done
    if our_pid "$pidfile" >/dev/null; then
      log_step "$name ignored SIGTERM; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$pidfile"
}

# wait_ready SECONDS PIDFILE CHECK...: poll CHECK until it succeeds; fail early
# when the process dies.
wait_ready() {
  local deadline=$((SECONDS + $1)) pidfile=$2
  shift 2
  until "$@"; do
    if ! our_pid "$pidfile" >/dev/null; then
      printf 'testenv: the process exited during startup\n' >&2
      return 1
    fi
    if ((SECONDS >= deadline)); then
      printf 'testenv: no answer after %d s\n' "$1" >&2
      return 1
    fi
    sleep 0.2
  done
}

podman_ping() {
  [[ $(curl -sS --max-time 2 --unix-socket "$PODMAN_SOCK" http://d/_ping 2>/dev/null) == OK ]]
}

registry_ping() {
  curl -fsS --max-time 2 -o /dev/null "http://$REGISTRY_ADDR/v2/" 2>/dev/null
}

# --- configuration ------------------------------------------------------------

# Set to 1 when a service's configuration changed: podman and the registry
# read it only at startup, so a running one is restarted.
PODMAN_CONFIG_CHANGED=0
REGISTRY_CONFIG_CHANGED=0

# write_config FLAG PATH CONTENT: (re)write a generated file; set the variable
# named FLAG to 1 when its content changed.
write_config() {
  if [[ ! -f $2 || $(<"$2") != "$3" ]]; then
    printf '%s\n' "$3" >"$2"
    printf -v "$1" 1
  fi
}

write_configs() {
  step "write configuration to $STATE_DIR"
  # `down` deletes the state dir: never adopt a directory with other content
  # (a mistyped ARCHDECK_TESTENV_DIR must not cost anyone their files).
  if [[ -d $STATE_DIR && ! -f $MARKER && -n $(ls -A "$STATE_DIR") ]]; then
    die "$STATE_DIR is not empty and was not made by this script; choose another ARCHDECK_TESTENV_DIR"
  fi
  mkdir -p "$STATE_DIR" "$PODMAN_ROOT" "$PODMAN_RUNROOT" "$STATE_DIR/tmp" "$STATE_DIR/networks"
  touch "$MARKER"

  # What a host's own containers.conf would say, plus what keeps this podman
  # apart from any other on the machine. What podman needs to start containers
  # on this host (runtime, rlimits, cgroups, events) is archdeck's to add: the
  # service is started the way archdeck starts its own (start_podman_service).
  write_config PODMAN_CONFIG_CHANGED "$BASE_CONF_FILE" "# Generated by scripts/testenv.sh: the base archdeck's generated containers.conf
# starts from, as it starts from /usr/share and /etc containers.conf on a host.

[engine]
events_logfile_path = \"$STATE_DIR/events.log\"
# The default /run/libpod is shared by every root podman on the host, and
# \`podman system reset\` deletes tmp_dir.
tmp_dir = \"$STATE_DIR/tmp\"
# The default \"shm\" lock type uses /dev/shm/libpod_lock, shared by every root
# podman on the host; \"file\" locks live in tmp_dir.
lock_type = \"file\"
# Pulls stage layers here instead of /var/tmp.
image_copy_tmp_dir = \"$STATE_DIR/tmp\"

[network]
# Pin the backend: podman otherwise picks CNI or netavark depending on what
# is installed and configured on the host.
network_backend = \"netavark\"
# The default, /etc/containers/networks, is the host's.
network_config_dir = \"$STATE_DIR/networks\""

  write_config PODMAN_CONFIG_CHANGED "$REGISTRIES_CONF_FILE" "# Generated by scripts/testenv.sh.
# No short-name search: tests name the loopback registry explicitly.
unqualified-search-registries = []

[[registry]]
location = \"$REGISTRY_ADDR\"
# The loopback registry speaks plain HTTP.
insecure = true

# A second address for registries that tests start and stop themselves (registries.conf
# is read only when the podman service starts, so it must be known up front).
[[registry]]
location = \"$SPARE_REGISTRY_ADDR\"
insecure = true"

  # Without it podman would read /etc/containers/storage.conf, whose driver or
  # additional image stores could point at the host's storage.
  write_config PODMAN_CONFIG_CHANGED "$STORAGE_CONF_FILE" "# Generated by scripts/testenv.sh.
[storage]
driver = \"overlay\"
graphroot = \"$PODMAN_ROOT\"
runroot = \"$PODMAN_RUNROOT\""

  write_config REGISTRY_CONFIG_CHANGED "$REGISTRY_CONF_FILE" "# Generated by scripts/testenv.sh (CNCF distribution registry).
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $REGISTRY_ROOT
http:
  addr: $REGISTRY_ADDR"
}

# --- up -----------------------------------------------------------------------

setup_host() {
  step "check host packages"
  # netavark, aardvark-dns, iptables and catatonit are only recommended by
  # podman and so not installed with --no-install-recommends, yet `podman run`
  # needs a network backend and its firewall tool, and --init needs catatonit.
  # binutils (readelf) and file are what the ELF inspector's differential test
  # (server/test/binfmt/elf-differential.test.ts) compares against; apache2-utils
  # (htpasswd -B) and openssl make the htpasswd and TLS registries of the registries tests;
  # openssh-server: the remote hosts' tests run their own sshd on a loopback port (test/sshd.ts).
  ensure_packages podman runc skopeo buildah qemu-user-static docker-registry \
    chromium uidmap fuse-overlayfs ca-certificates file binutils curl \
    netavark aardvark-dns iptables catatonit apache2-utils openssl openssh-server

  step "check compilers"
  # Tests only; `npm start` installs none. The probes' compilers, so that a test rebuilds the
  # committed probes and compares the bytes; and C libraries for the failing binaries the
  # diagnosis tests build (dynamic and static arm64 and riscv64, x86-64-v3 for the host).
  local probe_compilers
  mapfile -t probe_compilers < <(bash "$HERE/build-probes.sh" --packages)
  ensure_packages "${probe_compilers[@]}" libc6-dev libc6-dev-arm64-cross libc6-dev-riscv64-cross

  step "register qemu-user binfmt_misc handlers"
  ensure_binfmt_mounted
  register_qemu_binfmt "${QEMU_ARCHES[@]}"
}

start_podman_service() {
  step "start private podman service, as archdeck manages it, on unix://$PODMAN_SOCK" "$PODMAN_LOG"
  [[ -f ${ARCHDECK_BIN%/bin/archdeck.js}/dist/main.js ]] ||
    die "the server is not built: run \`pnpm -r run build\` first (npm test does)"
  if our_pid "$PODMAN_PID" >/dev/null; then
    if ((PODMAN_CONFIG_CHANGED == 0)) && podman_ping; then
      log_step "podman service already running (pid $(our_pid "$PODMAN_PID")): reusing it"
      return 0
    fi
    stop_pid "podman service" "$PODMAN_PID"
  fi

  # setsid detaches the service from our session so it outlives this script.
  # archdeck generates its containers.conf for this host and fits its rlimits.
  env "${SERVICE_ENV[@]}" setsid node "$ARCHDECK_BIN" podman-service \
    --data-dir "$PODMAN_DATA" --log-level debug --log-format json \
    </dev/null >>"$PODMAN_LOG" 2>&1 &
  echo "$!" >"$PODMAN_PID"
  wait_ready 60 "$PODMAN_PID" podman_ping
}

start_registry() {
  step "start registry on $REGISTRY_ADDR (storage $REGISTRY_ROOT)" "$REGISTRY_LOG"
  if our_pid "$REGISTRY_PID" >/dev/null; then
    if ((REGISTRY_CONFIG_CHANGED == 0)) && registry_ping; then
      log_step "registry already running (pid $(our_pid "$REGISTRY_PID")): reusing it"
      return 0
    fi
    stop_pid registry "$REGISTRY_PID"
  fi
  if registry_ping; then
    die "$REGISTRY_ADDR already answers, but not from this test environment; set ARCHDECK_TEST_REGISTRY_PORT"
  fi

  mkdir -p "$REGISTRY_ROOT"
  setsid docker-registry serve "$REGISTRY_CONF_FILE" </dev/null >>"$REGISTRY_LOG" 2>&1 &
  echo "$!" >"$REGISTRY_PID"
  wait_ready 30 "$REGISTRY_PID" registry_ping
}

cache_is_current() {
  [[ -f $REGISTRY_STAMP && $(<"$REGISTRY_STAMP") == "$IMAGE_RECIPE" ]]
}

# A registry root that does not match the current recipe is wiped before the
# registry starts, so a rebuild never mixes with stale blobs.
drop_stale_cache() {
  cache_is_current && return 0
  stop_pid registry "$REGISTRY_PID"
  rm -rf "$REGISTRY_ROOT" "$REGISTRY_STAMP"
}

# fetch_busybox DEBARCH DIR: download Debian bookworm's busybox-static of that
# architecture to DIR/busybox-static.deb, leaving the system's apt
# configuration alone: architecture, package lists and caches are overridden
# per call.
fetch_busybox() {
  local debarch=$1 dir=$2 debs
  local apt=(
    apt-get -q
    "-oAPT::Architecture=$debarch" "-oAPT::Architectures=$debarch"
    "-oDir::State::Lists=$CACHE_DIR/lists-$debarch"
    "-oDir::Cache=$CACHE_DIR/apt-$debarch"
    # No binary package caches (tens of MB each), no translations, and the
    # lists stay compressed: only busybox-static is ever looked up.
    -oDir::Cache::pkgcache= -oDir::Cache::srcpkgcache=
    -oAcquire::Languages=none -oAcquire::GzipIndexes=true
  )
  mkdir -p "$CACHE_DIR/lists-$debarch/partial" "$CACHE_DIR/apt-$debarch" "$dir"
  # During a mirror sync one index can fail ("File has unexpected size ...
  # Mirror sync in progress?") while the package still downloads, so the
  # exit code of `update` is not trusted: the .deb is checked instead.
  "${apt[@]}" update >>"$BUILD_LOG" 2>&1 ||
    log_step "apt-get update for $debarch exited $?; trying the download anyway"
  (cd "$dir" && "${apt[@]}" download busybox-static) >>"$BUILD_LOG" 2>&1
  debs=("$dir"/busybox-static_*_"$debarch".deb)
  [[ -f ${debs[0]} ]] || die "no busybox-static .deb for $debarch in $dir"
  mv "${debs[0]}" "$dir/busybox-static.deb"
}

# make_rootfs BUSYBOX DIR APPLETS: a minimal root filesystem: busybox, a
# symlink for every applet at its usual path (bin/sh, usr/bin/env, ...), root
# and nobody accounts, and a /tmp.
make_rootfs() {
  local busybox=$1 rootfs=$2 applets=$3 applet
  mkdir -p "$rootfs"/{bin,sbin,usr/bin,usr/sbin,etc,root,tmp}
  chmod 1777 "$rootfs/tmp"
  install -m 0755 "$busybox" "$rootfs/bin/busybox"
  while read -r applet; do
    [[ -n $applet && $applet != bin/busybox ]] || continue
    ln -s /bin/busybox "$rootfs/$applet"
  done <<<"$applets"
  [[ -L $rootfs/bin/sh ]] || die "busybox has no sh applet"
  printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' \
    >"$rootfs/etc/passwd"
  printf '%s\n' 'root:x:0:' 'nogroup:x:65534:' >"$rootfs/etc/group"
}

# build_image: build library/busybox:1.36 for every platform from Debian's
# busybox-static, push it as one OCI index, and stamp the cache.
build_image() {
  local work=$CACHE_DIR/build list=localhost/archdeck-testenv-busybox-list
  local pair debarch arch applets="" tags=()
  rm -rf "$work"
  mkdir -p "$work"
  : >"$BUILD_LOG"
  printf '%s\n' 'FROM scratch' 'COPY rootfs/ /' 'CMD ["sh"]' >"$work/Containerfile"

  for pair in "${IMAGE_PLATFORMS[@]}"; do
    debarch=${pair%%:*} arch=${pair#*:}
    step "download busybox-static ($debarch) from Debian" "$BUILD_LOG"
    fetch_busybox "$debarch" "$work/$debarch"
    dpkg-deb -x "$work/$debarch/busybox-static.deb" "$work/$debarch/pkg"
    if [[ -z $applets ]]; then
      # Same version and configuration on every architecture, so the host's
      # (amd64) list holds for all.
      applets=$("$work/$debarch/pkg/bin/busybox" --list-full)
    fi
    make_rootfs "$work/$debarch/pkg/bin/busybox" "$work/$debarch/context/rootfs" "$applets"

    step "build image for linux/$arch" "$BUILD_LOG"
    # FROM scratch + COPY runs nothing, so no emulation is needed to build;
    # --platform sets the architecture recorded in the image. --no-cache:
    # buildah 1.28's layer cache ignores the platform, so a COPY identical to
    # one built for another platform would return that platform's image.
    tpodman build --no-cache --platform "linux/$arch" --manifest "$list" \
      -t "localhost/archdeck-testenv-busybox:$arch" \
      -f "$work/Containerfile" "$work/$debarch/context" >>"$BUILD_LOG" 2>&1
    tags+=("localhost/archdeck-testenv-busybox:$arch")
  done

  step "push $IMAGE (${#tags[@]} platforms)" "$BUILD_LOG"
  {
    tpodman manifest push --all --format oci --tls-verify=false "$list" "docker://$IMAGE"
    # Tests start from an empty image store.
    tpodman manifest rm "$list"
    tpodman rmi "${tags[@]}"
  } >>"$BUILD_LOG" 2>&1
  rm -rf "$work"
  printf '%s\n' "$IMAGE_RECIPE" >"$REGISTRY_STAMP"
}

verify_image() {
  local raw pair
  step "verify $IMAGE"
  raw=$(CONTAINERS_REGISTRIES_CONF=$REGISTRIES_CONF_FILE \
    skopeo inspect --raw --tls-verify=false "docker://$IMAGE" | tr -d ' \t\n') || true
  local problems=()
  [[ $raw == *'"mediaType":"application/vnd.oci.image.index.v1+json"'* ]] ||
    problems+=("not an OCI image index")
  for pair in "${IMAGE_PLATFORMS[@]}"; do
    [[ $raw == *"\"architecture\":\"${pair#*:}\",\"os\":\"linux\""* ]] ||
      problems+=("no linux/${pair#*:} manifest")
  done
  if ((${#problems[@]} > 0)); then
    # Drop the stamp so that the next `up` rebuilds the image.
    rm -f "$REGISTRY_STAMP"
    printf 'skopeo inspect --raw: %s\n' "${raw:-<nothing>}" >&2
    die "$IMAGE is wrong: ${problems[*]} (the cache will be rebuilt by the next up)"
  fi
}

write_env_file() {
  step "write $ENV_FILE"
  {
    echo "# Generated by scripts/testenv.sh up; source it."
    printf 'export ARCHDECK_TESTENV_DIR=%q\n' "$STATE_DIR"
    printf 'export ARCHDECK_TEST_PODMAN_SOCKET=%q\n' "$PODMAN_SOCK"
    printf 'export ARCHDECK_TEST_PODMAN_ROOT=%q\n' "$PODMAN_ROOT"
    printf 'export ARCHDECK_TEST_PODMAN_RUNROOT=%q\n' "$PODMAN_RUNROOT"
    printf 'export ARCHDECK_TEST_CONTAINERS_CONF=%q\n' "$CONTAINERS_CONF_FILE"
    printf 'export ARCHDECK_TEST_REGISTRIES_CONF=%q\n' "$REGISTRIES_CONF_FILE"
    printf 'export ARCHDECK_TEST_STORAGE_CONF=%q\n' "$STORAGE_CONF_FILE"
    printf 'export ARCHDECK_TEST_REGISTRY=%q\n' "$REGISTRY_ADDR"
    printf 'export ARCHDECK_TEST_IMAGE=%q\n' "$IMAGE"
    printf 'export ARCHDECK_TEST_SPARE_REGISTRY=%q\n' "$SPARE_REGISTRY_ADDR"
    printf 'export ARCHDECK_TEST_REGISTRY_ROOT=%q\n' "$CACHE_DIR/registry"
  } >"$ENV_FILE"
}

cmd_up() {
  # Microseconds: $SECONDS is too coarse for a warm `up`.
  local started=${EPOCHREALTIME/./} ms
  # Rootful podman, binfmt_misc registration and apt all need root.
  _host_is_root || die "up needs root"
  # podman refuses a longer runroot ("the specified runroot is longer than 50
  # characters"); catch it before anything starts.
  ((${#PODMAN_RUNROOT} <= 50)) ||
    die "ARCHDECK_TESTENV_DIR is too long: podman refuses a runroot over 50 characters ($PODMAN_RUNROOT)"
  setup_host
  write_configs
  start_podman_service
  drop_stale_cache
  start_registry
  if cache_is_current; then
    log_step "image cache is current ($IMAGE_RECIPE): skipping the build"
  else
    build_image
  fi
  verify_image
  write_env_file
  ms=$(((${EPOCHREALTIME/./} - started) / 1000))
  log_step "test environment ready in $((ms / 1000)).$(printf '%03d' $((ms % 1000))) s; source $ENV_FILE"
}

# --- down ---------------------------------------------------------------------

cmd_down() {
  if [[ ! -d $STATE_DIR ]]; then
    log_step "nothing to stop: $STATE_DIR does not exist"
    return 0
  fi
  # Only ever delete a directory this script made.
  [[ -f $MARKER ]] || die "$STATE_DIR has no $(basename "$MARKER") marker; not touching it"

  step "stop services"
  stop_pid "podman service" "$PODMAN_PID"
  stop_pid registry "$REGISTRY_PID"

  local failed_step=""
  if [[ -d $PODMAN_ROOT && -f $CONTAINERS_CONF_FILE ]]; then
    step "remove pods, containers and volumes" "$STATE_DIR/cleanup.log"
    # Removing them releases what podman holds outside the state dir: the
    # containers' network namespaces (/run/netns), runc state (/run/runc),
    # IP leases and bridge/firewall setup. `--time 0` kills at once: a shell
    # as PID 1 ignores SIGTERM, and the default is to wait 10 s for it.
    # Not `podman system reset`: in podman 4.3 it also deletes root's podman
    # machines (~/.config/containers/podman/machine, ~/.local/share/...).
    # On failure the cleanup goes on: leftovers are unmounted and deleted below.
    if ! {
      tpodman pod rm --all --force --time 0 &&
        tpodman rm --all --force --volumes --time 0 &&
        tpodman volume rm --all --force
    } >"$STATE_DIR/cleanup.log" 2>&1; then
      failed_step=$CURRENT_STEP
      printf 'testenv: podman cleanup failed:\n' >&2
      tail -n 40 "$STATE_DIR/cleanup.log" >&2
    fi
  fi

  step "unmount leftovers under $STATE_DIR"
  local target
  # Deepest first, so nested mounts come off before their parents.
  while read -r target; do
    [[ -n $target ]] || continue
    log_step "umount $target"
    umount "$target" || umount -l "$target"
  done < <(findmnt -rn -o TARGET | awk -v dir="$STATE_DIR/" 'index($0, dir) == 1' | sort -r)

  step "remove $STATE_DIR"
  # --one-file-system: should a mount survive, its contents are not deleted.
  rm -rf --one-file-system "$STATE_DIR"
  log_step "test environment removed (image cache kept in $CACHE_DIR)"
  if [[ -n $failed_step ]]; then
    CURRENT_STEP=$failed_step STEP_LOG=""
    return 1
  fi
}

# --- main ---------------------------------------------------------------------

case ${1:-} in
  up) cmd_up ;;
  down) cmd_down ;;
  env)
    [[ -f $ENV_FILE ]] || die "no $ENV_FILE; run: $0 up"
    printf '%s\n' "$ENV_FILE"
    ;;
  *)
    printf 'usage: %s up|down|env\n' "$0" >&2
    exit 2
    ;;
esac
