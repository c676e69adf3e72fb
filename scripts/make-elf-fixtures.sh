#!/usr/bin/env bash
# Builds the ELF fixtures for server/test/binfmt: server/test/fixtures/elf/hello.c compiled
# with Debian's cross compilers, static and dynamic (plus static-pie for x86_64, and a shared
# library and a relocatable object for aarch64 and x86_64), and the start of
# qemu-aarch64-static. A binary of at most 128 KiB is kept whole, so the parser finds its
# dynamic section too; of a larger one only the first 4 KiB: the ELF header, the program
# headers and the PT_INTERP string, all that it has of them. Prints `readelf -h -l` facts for
# each, which the tests assert.
#
# Installs Debian's cross compilers when missing (as root; otherwise it prints the command).
# A compiler still missing is skipped with a note; the tests name the fixtures they need.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/host.sh
source scripts/lib/host.sh
ensure_packages gcc qemu-user-static gcc-aarch64-linux-gnu gcc-arm-linux-gnueabihf \
  gcc-i686-linux-gnu gcc-powerpc64le-linux-gnu gcc-s390x-linux-gnu \
  gcc-riscv64-linux-gnu gcc-mips64el-linux-gnuabi64 || true

dir=server/test/fixtures/elf
src=$dir/hello.c
head_bytes=4096
whole_bytes=131072
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

keep() {
  local bin=$1 name=$2
  if (($(stat -c %s "$bin") <= whole_bytes)); then
    cat "$bin" >"$dir/$name.head"
  else
    head -c "$head_bytes" "$bin" >"$dir/$name.head"
  fi
  printf '%-36s %s\n' "$name.head" "$(readelf -h "$bin" | awk -F: '/Class|Data|Machine|Type|Flags/ { gsub(/^ +/, "", $2); printf "%s; ", $2 }')"
  readelf -l "$bin" | sed -n 's/.*\[Requesting program interpreter: \(.*\)\]/    interpreter \1/p'
}

build() {
  local cc=$1 arch=$2
  shift 2
  if ! command -v "$cc" >/dev/null; then
    echo "skip $arch: $cc is not installed" >&2
    return 0
  fi
  "$cc" -O2 -static -o "$work/$arch-static" "$src"
  keep "$work/$arch-static" "hello-$arch-static"
  "$cc" -O2 -o "$work/$arch-dynamic" "$src"
  keep "$work/$arch-dynamic" "hello-$arch-dynamic"
}

# A shared library and a relocatable object: kinds of ELF file that are not run by themselves.
library_and_object() {
  local cc=$1 arch=$2
  "$cc" -O2 -shared -fPIC -o "$work/$arch-shared" "$src"
  keep "$work/$arch-shared" "hello-$arch-shared"
  "$cc" -O2 -c -o "$work/$arch-object" "$src"
  keep "$work/$arch-object" "hello-$arch-object"
}

build gcc x86_64
gcc -O2 -static-pie -fPIE -o "$work/x86_64-static-pie" "$src"
keep "$work/x86_64-static-pie" hello-x86_64-static-pie
library_and_object gcc x86_64
build i686-linux-gnu-gcc i386
build aarch64-linux-gnu-gcc aarch64
library_and_object aarch64-linux-gnu-gcc aarch64
build arm-linux-gnueabihf-gcc arm
build powerpc64le-linux-gnu-gcc ppc64le
build s390x-linux-gnu-gcc s390x
build riscv64-linux-gnu-gcc riscv64
build mips64el-linux-gnuabi64-gcc mips64el

keep /usr/bin/qemu-aarch64-static qemu-aarch64-static
