#!/usr/bin/env bash
# Builds the smoke-test probes the daemon runs FROM scratch to prove a platform works
# (POST /api/emulators/:arch/test): server/probes/probe.c compiled statically with Debian's
# compilers into server/probes/dist/probe-<OCI arch>, for every platform of the emulator table
# (server/src/binfmt/platforms.ts) that Debian bookworm can cross-compile; it has no
# loongarch64 toolchain, so linux/loong64 has no probe.
#
# A probe is rebuilt only when its recipe changed (the source, this script, the compiler's
# version), so `npm start` and `npm test` run this every time. Compilers that are missing are
# installed when running as root; otherwise the apt-get command is printed and those
# architectures are skipped with a note.
#
# Usage: scripts/build-probes.sh [--no-install] [OCI-ARCH...]   (default: every architecture)
# Exit status: 1 when a compiler failed; a skipped architecture is not a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/host.sh
source scripts/lib/host.sh

SRC=server/probes/probe.c
OUT=server/probes/dist
CFLAGS=(-static -O2 -s -Wall -Wextra)

# OCI architecture, compiler, and its Debian packages: the compiler and the C library it links
# statically. The cross compilers only recommend their libc6-dev-<arch>-cross, which
# --no-install-recommends (ensure_packages) leaves out.
PROBES=(
  "amd64 gcc gcc libc6-dev"
  "386 i686-linux-gnu-gcc gcc-i686-linux-gnu libc6-dev-i386-cross"
  "arm64 aarch64-linux-gnu-gcc gcc-aarch64-linux-gnu libc6-dev-arm64-cross"
  "arm arm-linux-gnueabihf-gcc gcc-arm-linux-gnueabihf libc6-dev-armhf-cross"
  "ppc64le powerpc64le-linux-gnu-gcc gcc-powerpc64le-linux-gnu libc6-dev-ppc64el-cross"
  "ppc64 powerpc64-linux-gnu-gcc gcc-powerpc64-linux-gnu libc6-dev-ppc64-cross"
  "s390x s390x-linux-gnu-gcc gcc-s390x-linux-gnu libc6-dev-s390x-cross"
  "riscv64 riscv64-linux-gnu-gcc gcc-riscv64-linux-gnu libc6-dev-riscv64-cross"
  "mips64le mips64el-linux-gnuabi64-gcc gcc-mips64el-linux-gnuabi64 libc6-dev-mips64el-cross"
  "mips64 mips64-linux-gnuabi64-gcc gcc-mips64-linux-gnuabi64 libc6-dev-mips64-cross"
  "mipsle mipsel-linux-gnu-gcc gcc-mipsel-linux-gnu libc6-dev-mipsel-cross"
  "mips mips-linux-gnu-gcc gcc-mips-linux-gnu libc6-dev-mips-cross"
)

install=1
wanted=()
for arg in "$@"; do
  case $arg in
    --no-install) install=0 ;;
    -*)
      printf 'usage: %s [--no-install] [OCI-ARCH...]\n' "$0" >&2
      exit 2
      ;;
    *) wanted+=("$arg") ;;
  esac
done

selected=()
for row in "${PROBES[@]}"; do
  read -r arch _ <<<"$row"
  if ((${#wanted[@]} == 0)) || [[ " ${wanted[*]} " == *" $arch "* ]]; then
    selected+=("$row")
  fi
done
((${#selected[@]} > 0)) || {
  printf 'build-probes: no probe for %s\n' "${wanted[*]}" >&2
  exit 2
}

if ((install)); then
  packages=()
  for row in "${selected[@]}"; do
    read -r _ _ gcc libc <<<"$row"
    packages+=("$gcc" "$libc")
  done
  ensure_packages "${packages[@]}" ||
    log_step "build-probes: some compilers are missing; their probes are skipped"
fi

mkdir -p "$OUT"
src_hash=$(cat "$SRC" scripts/build-probes.sh | sha256sum | cut -d' ' -f1)
built=() current=() skipped=() failed=()
for row in "${selected[@]}"; do
  read -r arch cc gcc libc <<<"$row"
  if ! command -v "$cc" >/dev/null 2>&1; then
    skipped+=("$arch ($gcc)")
    continue
  fi
  out=$OUT/probe-$arch
  stamp=$OUT/.probe-$arch.recipe
  recipe="$src_hash $("$cc" -dumpmachine) $("$cc" -dumpfullversion) ${CFLAGS[*]}"
  if [[ -x $out && -f $stamp && $(<"$stamp") == "$recipe" ]]; then
    current+=("$arch")
    continue
  fi
  # Written next to the target and renamed, so the daemon never reads half a binary.
  if "$cc" "${CFLAGS[@]}" -o "$out.tmp" "$SRC"; then
    mv -f "$out.tmp" "$out"
    printf '%s\n' "$recipe" >"$stamp"
    built+=("$arch")
  else
    rm -f "$out.tmp"
    failed+=("$arch")
  fi
done

((${#built[@]} == 0)) || log_step "probes built: ${built[*]} (in $OUT)"
((${#current[@]} == 0)) || log_step "probes up to date: ${current[*]}"
((${#skipped[@]} == 0)) || log_step "probes skipped, no compiler: ${skipped[*]}"
if ((${#failed[@]} > 0)); then
  log_step "probes FAILED to build: ${failed[*]}"
  exit 1
fi
