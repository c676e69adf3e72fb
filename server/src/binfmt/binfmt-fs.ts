/**
 * The adapter to the kernel's binfmt_misc filesystem. Everything that touches it goes through
 * here; its mount point is a parameter so tests and unusual hosts can point it elsewhere.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { BinfmtHealth } from '@archdeck/shared';

/** Files in the mount point that are controls, not handler entries. */
const CONTROL_FILES = new Set(['register', 'status']);

export const MOUNT_COMMAND = 'mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc';

export class BinfmtFs {
  constructor(readonly root: string) {}

  /** binfmt_misc is mounted when its `register` control file exists at the root. */
  async isMounted(): Promise<boolean> {
    try {
      return (await stat(join(this.root, 'register'))).isFile();
    } catch {
      return false;
    }
  }

  /** The global switch; null when it cannot be read. */
  async globallyEnabled(): Promise<boolean | null> {
    try {
      return (await readFile(join(this.root, 'status'), 'utf8')).trim() === 'enabled';
    } catch {
      return null;
    }
  }

  async entryNames(): Promise<string[]> {
    try {
      return (await readdir(this.root)).filter((n) => !CONTROL_FILES.has(n)).sort();
    } catch {
      return [];
    }
  }

  async health(): Promise<BinfmtHealth> {
    const mounted = await this.isMounted();
    if (!mounted) return { root: this.root, mounted, enabled: null, entries: 0 };
    const [enabled, names] = await Promise.all([this.globallyEnabled(), this.entryNames()]);
    return { root: this.root, mounted, enabled, entries: names.length };
  }
}
