#!/usr/bin/env bash
# Rebuilds the smoke-test probes the daemon runs FROM scratch to prove a platform works
# (POST /api/emulators/:arch/test): server/probes/probe.c, freestanding, one static binary per
# OCI architecture in server/probes/bin/probe-<arch>, plus server/probes/bin/MANIFEST (each
# file's size and sha256, and the compiler and linker that made it).
#
# The binaries are committed, so neither `npm start` nor the daemon needs a compiler: this
# script is the recipe that made them, and rebuilding with the compilers named in MANIFEST
# gives the same bytes (server/test/probes/reproducible.test.ts checks it). What makes that so:
# no C library or start files (only probe.c goes in, so the linker's default script fixes the
# layout), no build id, no debug info or symbols, no .comment with the compiler's version,
# and no path of this checkout in the output.
#
# Every platform of the emulator table (server/src/emulators/platforms.ts) that Debian bookworm
# can cross-compile has a probe; it has no loongarch64 compiler, so linux/loong64 has none.
#
# Usage: scripts/build-probes.sh [--install] [--out DIR]
#        scripts/build-probes.sh --packages
#   --install   install the missing compilers first (apt-get, as root)
#   --out DIR   write there instead of server/probes/bin (the reproducibility test does)
#   --packages  print the compilers' Debian packages, one per line, and exit
# Exit status: 1 when a compiler is missing or failed.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/host.sh
source scripts/lib/host.sh

SRC=server/probes/probe.c
OUT=server/probes/bin
# -fno-pie/-no-pie: a plain ET_EXEC needs no relocation at startup, which nothing here would do.
# -z noseparate-code: no page of padding between the headers and the code (x86 pads otherwise).
# -z norelro: no segment to make read-only after relocation, as there is none.
# -e _start: mips linkers look for __start otherwise.
CFLAGS=(
  -Os -ffreestanding -nostdlib -static -fno-pie -no-pie -fno-builtin -fno-stack-protector
  -fno-asynchronous-unwind-tables -fno-unwind-tables -fno-ident -ffile-prefix-map="$PWD"=.
  -Wall -Wextra -Werror
  -Wl,--build-id=none,-s,-z,noseparate-code,-z,norelro,-e,_start,--fatal-warnings
)

# OCI architecture, compiler, its Debian package, and flags of its own:
# riscv64: no linker relaxation, which would address data relative to gp, a register only a C
#   library's start code sets up;
# mips: no abicalls, the position-independent convention that also wants $gp set up.
PROBES=(
  "amd64 x86_64-linux-gnu-gcc gcc"
  "386 i686-linux-gnu-gcc gcc-i686-linux-gnu"
  "arm64 aarch64-linux-gnu-gcc gcc-aarch64-linux-gnu"
  "arm arm-linux-gnueabihf-gcc gcc-arm-linux-gnueabihf"
  "ppc64le powerpc64le-linux-gnu-gcc gcc-powerpc64le-linux-gnu"
  "ppc64 powerpc64-linux-gnu-gcc gcc-powerpc64-linux-gnu"
  "s390x s390x-linux-gnu-gcc gcc-s390x-linux-gnu"
  "riscv64 riscv64-linux-gnu-gcc gcc-riscv64-linux-gnu -mno-relax"
  "mips64le mips64el-linux-gnuabi64-gcc gcc-mips64el-linux-gnuabi64 -mno-abicalls"
  "mips64 mips64-linux-gnuabi64-gcc gcc-mips64-linux-gnuabi64 -mno-abicalls"
  "mipsle mipsel-linux-gnu-gcc gcc-mipsel-linux-gnu -mno-abicalls"
  "mips mips-linux-gnu-gcc gcc-mips-linux-gnu -mno-abicalls"
)

usage() {
  printf 'usage: %s [--install] [--out DIR] | --packages\n' "$0" >&2
  exit 2
}

install=0
while (($# > 0)); do
  case $1 in
    --install) install=1 ;;
    --out)
      (($# > 1)) || usage
      OUT=$2
      shift
      ;;
    --packages)
      for row in "${PROBES[@]}"; do
        read -r _ _ package _ <<<"$row"
        printf '%s\n' "$package"
      done
      exit 0
      ;;
    *) usage ;;
  esac
  shift
done

packages=()
missing=()
for row in "${PROBES[@]}"; do
  read -r _ cc package _ <<<"$row"
  packages+=("$package")
  command -v "$cc" >/dev/null 2>&1 || missing+=("$package")
done
if ((install)); then
  ensure_packages "${packages[@]}"
elif ((${#missing[@]} > 0)); then
  log_step "build-probes: missing compilers; install them with: bash $0 --install"
  printf '  (or: apt-get install --no-install-recommends %s)\n' "${missing[*]}" >&2
  exit 1
fi

mkdir -p "$OUT"
manifest=(
  "# Written by scripts/build-probes.sh: rebuilt with these compilers, the probes are these bytes."
  "# file size sha256 | compiler | linker"
)
for row in "${PROBES[@]}"; do
  read -r arch cc _ flags <<<"$row"
  out=$OUT/probe-$arch
  # shellcheck disable=SC2086 # $flags is a list of words
  "$cc" "${CFLAGS[@]}" $flags -o "$out.tmp" "$SRC"
  # Renamed into place, so a running daemon never reads half a binary.
  mv -f "$out.tmp" "$out"
  manifest+=("probe-$arch $(stat -c %s "$out") $(sha256sum "$out" | cut -d' ' -f1) | $("$cc" --version | head -n1) | $("$("$cc" -print-prog-name=ld)" --version | head -n1)")
done
printf '%s\n' "${manifest[@]}" >"$OUT/MANIFEST"
log_step "probes built in $OUT: $(printf '%s\n' "${PROBES[@]}" | cut -d' ' -f1 | tr '\n' ' ')"
