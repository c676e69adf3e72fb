#!/usr/bin/env bash
# Captures real binfmt_misc entry files for the parser tests in server/test/binfmt.
#
# Each line below is registered under a throw-away name, the kernel's entry file is copied
# to server/test/fixtures/binfmt/<label>.entry next to the line itself (<label>.line), and
# the entry is removed again. Whatever happens, the kernel is left with exactly the entries
# it had before. Needs root; mounts binfmt_misc and installs Debian's qemu-user-static (its
# binfmt.d templates and /usr/bin/qemu-aarch64-static) when missing.
#
# The lines:
#   debian-*       Debian's own templates from /usr/lib/binfmt.d (flags OPF, kernel prints POF)
#   multiarch-*    what multiarch/qemu-user-static's register script writes (qemu-binfmt-conf.sh
#                  --credential yes --persistent yes: flags OCF), as copied into many blog posts
#   tonistiigi-*   tonistiigi/binfmt (cmd/binfmt/config.go and main.go: offset "0", flags CF,
#                  interpreter /usr/bin/qemu-<arch>)
#   extension      a type E entry
#   nomask         a magic without a mask, at a non-zero offset ("ELF" at 2, which no real file
#                  has: at 1 it would catch every ELF binary, its own interpreter included)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/host.sh
source scripts/lib/host.sh

root=$HOST_BINFMT_DIR
out=server/test/fixtures/binfmt
ensure_packages qemu-user-static
ensure_binfmt_mounted
mkdir -p "$out"

prefix="archdeck-fixture-$$-"
before=$(ls "$root")
made_links=()
cleanup() {
  local entry link
  for entry in "$root/$prefix"*; do
    [[ -e $entry ]] && printf '%s' -1 >"$entry"
  done
  for link in "${made_links[@]}"; do
    rm -f "$link"
  done
  if [[ $(ls "$root") != "$before" ]]; then
    echo "binfmt_misc entries differ from before the capture" >&2
    exit 1
  fi
}
trap cleanup EXIT

# The F flag makes the kernel open the interpreter at registration, so it must exist. A
# missing one (tonistiigi's /usr/bin/qemu-aarch64) is borrowed from qemu-user-static for the
# moment of registering; the entry keeps its own path.
ensure_interpreter() {
  [[ -e $1 ]] && return 0
  ln -s "/usr/bin/$(basename "$1")-static" "$1"
  made_links+=("$1")
}

# capture LABEL LINE [disable]
capture() {
  local label=$1 line=$2 del rest name
  del=${line:0:1}
  rest=${line:1}
  rest=${rest#*"$del"}
  name="$prefix$label"
  ensure_interpreter "$(cut -d"$del" -f7 <<<"$line")"
  printf '%s' "$del$name$del$rest" >"$root/register"
  if [[ ${3:-} == disable ]]; then
    printf '%s' 0 >"$root/$name"
  fi
  cat "$root/$name" >"$out/$label.entry"
  printf '%s' -1 >"$root/$name"
  printf '%s\n' "$line" >"$out/$label.line"
}

debian() {
  cat "/usr/lib/binfmt.d/qemu-$1.conf"
}

for arch in aarch64 arm ppc64le s390x riscv64 mips64el mipsn32; do
  capture "debian-$arch" "$(debian "$arch")"
done
capture debian-riscv64-disabled "$(debian riscv64)" disable

aarch64_magic='\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00'
aarch64_mask='\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff'
mips64le_magic='\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x08\x00'
mips64le_mask='\xff\xff\xff\xff\xff\xff\xff\x00\x00\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff'

capture multiarch-aarch64 ":qemu-aarch64:M::$aarch64_magic:$aarch64_mask:/usr/bin/qemu-aarch64-static:OCF"
capture tonistiigi-aarch64 ":qemu-aarch64:M:0:$aarch64_magic:$aarch64_mask:/usr/bin/qemu-aarch64:CF"
capture tonistiigi-mips64le ":qemu-mips64el:M:0:$mips64le_magic:$mips64le_mask:/usr/bin/qemu-mips64el:CF"
capture extension ':archdeck:E::archdeck::/bin/cat:'
capture nomask ':elf-at-2:M:2:ELF::/bin/true:'

ls -l "$out"
