# shellcheck shell=bash
# Host setup helpers shared by scripts/start.sh, scripts/testenv.sh and the fixture scripts.
#
# Source this file; it defines functions only and changes no shell options.
# Every function is safe under `set -euo pipefail` (the callers set it) and
# reports failure through its return status, so callers decide whether a
# missing piece is fatal.

# log_step MESSAGE...: print "==> MESSAGE" to stderr (stdout stays clean for
# data the callers print).
log_step() {
  printf '==> %s\n' "$*" >&2
}

# True when the current user is root.
_host_is_root() {
  [[ $(id -u) -eq 0 ]]
}

# Set once `apt-get update` ran in this shell, so several ensure_packages calls
# refresh the package lists only once.
_HOST_APT_UPDATED=${_HOST_APT_UPDATED:-0}

# ensure_packages PKG...: install the Debian packages that are not installed.
# Quiet when everything is present. Without root (or without apt-get) it
# prints the command to run and returns 1.
ensure_packages() {
  local pkg status
  local missing=()
  for pkg in "$@"; do
    # `dpkg-query -W` also knows removed-but-not-purged packages ("deinstall ok
    # config-files"), so the status word must be checked, not the exit code.
    # shellcheck disable=SC2016 # ${Status} is a dpkg-query format field
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    if [[ $status != *" ok installed" ]]; then
      missing+=("$pkg")
    fi
  done
  ((${#missing[@]} > 0)) || return 0

  if ! _host_is_root || ! command -v apt-get >/dev/null 2>&1; then
    log_step "missing Debian packages: ${missing[*]}"
    printf 'Install them with:\n  sudo apt-get install -y --no-install-recommends %s\n' \
      "${missing[*]}" >&2
    return 1
  fi

  if [[ $_HOST_APT_UPDATED != 1 ]]; then
    log_step "apt-get update"
    apt-get update || return 1
    _HOST_APT_UPDATED=1
  fi
  log_step "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
}

# Where the kernel's binfmt_misc filesystem lives.
HOST_BINFMT_DIR=/proc/sys/fs/binfmt_misc

# ensure_binfmt_mounted: mount binfmt_misc at $HOST_BINFMT_DIR (needs root).
# Without systemd nothing mounts it, and without it the kernel cannot hand
# foreign ELF binaries to qemu.
ensure_binfmt_mounted() {
  local dir=$HOST_BINFMT_DIR
  # The `register` file exists only while the filesystem is mounted.
  [[ -e $dir/register ]] && return 0

  if ! _host_is_root; then
    printf 'binfmt_misc is not mounted; run:\n  sudo mount -t binfmt_misc binfmt_misc %s\n' \
      "$dir" >&2
    return 1
  fi
  log_step "mount binfmt_misc at $dir"
  mount -t binfmt_misc binfmt_misc "$dir"
}

# register_qemu_binfmt ARCH...: register qemu-user-static as the interpreter of
# each qemu architecture (aarch64, ppc64le, s390x, arm, ...) whose binfmt_misc
# entry is absent, from Debian's systemd-binfmt template
# /usr/lib/binfmt.d/qemu-ARCH.conf (one `:name:type:offset:magic:mask:interpreter:flags`
# line). Installing qemu-user-static registers nothing when systemd is not
# PID 1, so this does what systemd-binfmt would do at boot. Debian's lines
# carry the F flag: the kernel opens the interpreter at registration time,
# so it also works inside containers whose rootfs has no qemu.
# Existing entries are left alone, whatever their flags.
register_qemu_binfmt() {
  local dir=$HOST_BINFMT_DIR
  local arch conf line rc=0
  for arch in "$@"; do
    [[ -e $dir/qemu-$arch ]] && continue

    conf=/usr/lib/binfmt.d/qemu-$arch.conf
    if [[ ! -r $conf ]]; then
      printf 'cannot register qemu-%s: %s is missing (install qemu-user-static)\n' \
        "$arch" "$conf" >&2
      rc=1
      continue
    fi
    if ! _host_is_root || [[ ! -w $dir/register ]]; then
      printf 'qemu-%s is not registered; run (binfmt_misc must be mounted):\n' "$arch" >&2
      printf "  grep -Ev '^[[:space:]]*([#;]|$)' %s | sudo tee %s/register\n" "$conf" "$dir" >&2
      rc=1
      continue
    fi
    # systemd-binfmt skips blank lines and lines starting with # or ;.
    line=$(grep -Ev '^[[:space:]]*([#;]|$)' "$conf" || true)
    line=${line%%$'\n'*}
    if [[ -z $line ]]; then
      printf 'cannot register qemu-%s: no entry line in %s\n' "$arch" "$conf" >&2
      rc=1
      continue
    fi
    # printf '%s' keeps the \xNN escapes literal: the kernel decodes them.
    if ! printf '%s' "$line" >"$dir/register"; then
      printf 'cannot register qemu-%s: the kernel refused %s\n' "$arch" "$conf" >&2
      rc=1
      continue
    fi
    # The line starts with ":", so cut's fields 7 and 8 are the interpreter and
    # the flags.
    log_step "registered binfmt qemu-$arch: $(cut -d: -f7 <<<"$line") (flags $(cut -d: -f8 <<<"$line"))"
  done
  return "$rc"
}
