import type { Drift, ElfLinkage, PlatformState, Verdict } from '@archdeck/shared';
import type { Tone } from '@/components/badge';

export const verdictBadge: Record<Verdict, { tone: Tone; label: string }> = {
  'container-ready': { tone: 'ok', label: 'Container-ready' },
  'host-only': { tone: 'warning', label: 'Host-only' },
  broken: { tone: 'error', label: 'Broken' },
  shadowing: { tone: 'error', label: 'Shadowing' },
  disabled: { tone: 'neutral', label: 'Disabled' },
};

/** The ELF inspector's names for the kinds of ELF file. */
export const elfLinkageLabel: Record<ElfLinkage, string> = {
  static: 'static program',
  'static-pie': 'static-pie program',
  dynamic: 'dynamically linked program',
  'shared-library': 'shared library',
  relocatable: 'relocatable object',
  core: 'core dump',
};

export const platformStateBadge: Record<PlatformState, { tone: Tone; label: string }> = {
  native: { tone: 'ok', label: 'Native' },
  'container-ready': { tone: 'ok', label: 'Container-ready' },
  'host-only': { tone: 'warning', label: 'Host-only' },
  broken: { tone: 'error', label: 'Broken' },
  disabled: { tone: 'neutral', label: 'Disabled' },
  none: { tone: 'neutral', label: 'No emulator' },
};

export function driftBadge(
  drift: Drift,
  file: string | null,
): { tone: Tone; label: string; explanation: string } {
  const where = file ?? 'binfmt.d';
  switch (drift) {
    case 'live-only':
      return {
        tone: 'neutral',
        label: 'Live only',
        explanation: 'Registered in the kernel only: it is gone after a reboot unless persisted.',
      };
    case 'both':
      return {
        tone: 'ok',
        label: 'Persisted',
        explanation: `${where} registers it again at boot, exactly as it is now.`,
      };
    case 'different':
      return {
        tone: 'warning',
        label: 'Differs from binfmt.d',
        explanation: `${where} registers it differently at boot than it is registered now.`,
      };
    case 'persisted-only':
      return {
        tone: 'neutral',
        label: 'Persisted only',
        explanation: `${where} registers it at boot, but it is not registered now.`,
      };
  }
}

/** Why an action button is inert, or null when the daemon can make changes. */
export function lockReason(emulators: { canChange: boolean; mounted: boolean }): string | null {
  if (!emulators.canChange) return 'Needs the daemon to run as root';
  if (!emulators.mounted) return 'Mount binfmt_misc first';
  return null;
}

/** `7f454c46…` → `7f 45 4c 46 …`, so the bytes can be counted and compared. */
export const spacedHex = (hex: string) => hex.match(/.{1,2}/g)?.join(' ') ?? hex;

/** The binfmt_misc flags, as the Register dialog offers them and the flag legend explains them. */
export type FlagLetter = 'P' | 'O' | 'C' | 'F';

export const FLAGS: { letter: FlagLetter; name: string; meaning: string }[] = [
  {
    letter: 'P',
    name: 'preserve-argv0',
    meaning:
      'Pass the original argv[0] to the interpreter as an extra argument. Only interpreters that expect it (Debian’s -binfmt-P wrappers) work with it.',
  },
  {
    letter: 'O',
    name: 'open-binary',
    meaning:
      'The kernel opens the binary and hands the interpreter a file descriptor, so binaries that are executable but not readable still run.',
  },
  {
    letter: 'C',
    name: 'credentials',
    meaning:
      'Compute credentials from the binary, not the interpreter: setuid binaries run with their setuid credentials. Implies O.',
  },
  {
    letter: 'F',
    name: 'fix-binary',
    meaning:
      'The kernel opens the interpreter now and keeps it, so it is found inside containers and chroots too, where its path does not exist.',
  },
];
