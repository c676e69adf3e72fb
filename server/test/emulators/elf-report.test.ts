import { describe, expect, it } from 'vitest';
import { ELF_HEAD_BYTES } from '@archdeck/shared';
import { parseElf } from '../../src/emulators/elf.js';
import { describeElf } from '../../src/emulators/elf-report.js';
import { elfHead } from './fixtures.js';

const describeHead = (head: Buffer, platform = 'linux/arm64') =>
  describeElf(parseElf(head), head.length, platform);

/** A fixture with another e_type: the rest of its header stays real. */
function withType(name: string, type: number): Buffer {
  const head = Buffer.from(elfHead(name));
  head.writeUInt16LE(type, 16);
  return head;
}

describe('describeElf', () => {
  it.each([
    [
      'hello-aarch64-static',
      /^A static program for AArch64 \(ELF64, little-endian, e_type EXEC\)\. .*FROM scratch/,
    ],
    [
      'hello-aarch64-dynamic',
      /^A dynamically linked program .* needs the loader \/lib\/ld-linux-aarch64\.so\.1 and the shared libraries it names, built for AArch64: run it in a linux\/arm64 image/,
    ],
    [
      'hello-aarch64-shared',
      /^A shared library for AArch64 .* it is not run by itself\. Under emulation it runs inside a program of its own architecture that loads it, in a linux\/arm64 image\.$/,
    ],
    [
      'hello-aarch64-object',
      /^A relocatable object \(\.o\) for AArch64 .* to be linked into a program or a shared library/,
    ],
  ])('says what %s is and what running it takes', (name, text) => {
    expect(describeHead(elfHead(name))).toMatch(text);
  });

  it('names a core dump and a type that is no kind of file', () => {
    expect(describeHead(withType('hello-aarch64-static', 4))).toMatch(
      /^A core dump .* nothing to run\.$/,
    );
    expect(describeHead(withType('hello-aarch64-static', 0))).toBe(
      'An ELF file for AArch64 (ELF64, little-endian, e_type NONE). The kernel runs no file of that type.',
    );
  });

  it('says what it could not read, and what holds either way', () => {
    const head = elfHead('hello-aarch64-dynamic');
    // readelf -l: INTERP at 0x238, 0x1b bytes.
    expect(describeHead(head.subarray(0, 0x238 + 0x1a))).toBe(
      'A dynamically linked program or a shared library for AArch64 (ELF64, little-endian, e_type DYN). ' +
        'What tells them apart, the PIE flag in its dynamic section, lies past the 594 bytes sent. ' +
        'Either way it needs a loader (its path, PT_INTERP, lies past the 594 bytes sent) and the shared libraries it names, built for AArch64: run it in a linux/arm64 image that has them.',
    );
    expect(describeHead(head.subarray(0, 64))).toMatch(
      /^A static-pie program, a dynamically linked program or a shared library .* Its program headers lie past the 64 bytes sent, so whether it needs a loader is unknown\.$/,
    );
    expect(describeHead(elfHead('qemu-aarch64-static'), 'linux/amd64')).toMatch(
      /^A static-pie program or a shared library for x86-64 .* Either way it needs no loader/,
    );
  });

  it('speaks of the first MiB when it had what the UI sends', () => {
    const head = Buffer.alloc(ELF_HEAD_BYTES);
    elfHead('hello-aarch64-dynamic').subarray(0, 0x238).copy(head);
    // The same program headers, with PT_INTERP moved to where the UI's part ends.
    head.writeBigUInt64LE(BigInt(ELF_HEAD_BYTES - 4), 64 + 56 + 8);
    expect(describeHead(head)).toMatch(
      /a loader \(its path, PT_INTERP, lies past the first MiB sent\)/,
    );
  });
});
