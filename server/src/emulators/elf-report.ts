/**
 * The ELF inspector's plain language: what a parsed file is and what running it under
 * emulation takes. What the kernel does with it (which handler) is the service's to add.
 */
import { ELF_HEAD_BYTES, type ElfLinkage } from '@archdeck/shared';
import type { ElfInfo } from './elf.js';

const NOUNS: Record<ElfLinkage, string> = {
  static: 'static program',
  'static-pie': 'static-pie program',
  dynamic: 'dynamically linked program',
  'shared-library': 'shared library',
  relocatable: 'relocatable object (.o)',
  core: 'core dump',
};

const withArticle = (noun: string) => `${/^[aeiou]/i.test(noun) ? 'an' : 'a'} ${noun}`;
const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
/** "a, b or c" */
const oneOf = (items: string[]) =>
  items.length > 1 ? `${items.slice(0, -1).join(', ')} or ${items.at(-1)}` : (items[0] ?? '');

/**
 * What the file is and what it takes to run, in a few sentences. `bytesRead` is how much of
 * the file the parser had; `platform` the OCI platform it is for, when it has one.
 */
export function describeElf(elf: ElfInfo, bytesRead: number, platform: string | null): string {
  const { ident, type, linkage } = elf;
  const sent = bytesRead === ELF_HEAD_BYTES ? 'the first MiB sent' : `the ${bytesRead} bytes sent`;
  const machine = ident.machineName;
  const image = `a ${platform ?? machine} image`;
  const nouns =
    linkage.length > 0 ? oneOf(linkage.map((k) => withArticle(NOUNS[k]))) : 'an ELF file';
  const what = `${capitalised(nouns)} for ${machine} (ELF${ident.class}, ${ident.byteOrder}-endian, e_type ${type}).`;
  const loader = elf.loader
    ? `the loader ${elf.loader}`
    : `a loader (its path, PT_INTERP, lies past ${sent})`;
  const needs = `${loader} and the shared libraries it names, built for ${machine}`;

  if (linkage.length !== 1) {
    if (linkage.length === 0) return `${what} The kernel runs no file of that type.`;
    const why = elf.unread.includes('program-headers')
      ? `Its program headers lie past ${sent}, so whether it needs a loader is unknown.`
      : `What tells them apart, the PIE flag in its dynamic section, lies past ${sent}.`;
    const either =
      elf.needsLoader === true
        ? ` Either way it needs ${needs}: run it in ${image} that has them.`
        : elf.needsLoader === false
          ? ' Either way it needs no loader: as a program, qemu runs it as it is.'
          : '';
    return `${what} ${why}${either}`;
  }

  const meaning: Record<ElfLinkage, string> = {
    static: `It carries everything it needs: qemu runs it as it is, even in an empty (FROM scratch) container.`,
    'static-pie': `Position-independent, yet it carries everything it needs: qemu runs it as it is, even in an empty (FROM scratch) container.`,
    dynamic: `It needs ${needs}: run it in ${image} that has them.`,
    'shared-library':
      `Programs load it; it is not run by itself. Under emulation it runs inside a program of its own architecture that loads it, in ${image}.` +
      (elf.needsLoader
        ? ` It names a loader too, so it can also be executed like a dynamically linked program (glibc's libc.so.6 prints its version); that needs ${needs}.`
        : ''),
    relocatable: `Compiler output, to be linked into a program or a shared library before anything in it can run.`,
    core: `The memory of a process that crashed, for a debugger (gdb-multiarch reads other architectures' cores): there is nothing to run.`,
  };
  return `${what} ${meaning[linkage[0]!]}`;
}
