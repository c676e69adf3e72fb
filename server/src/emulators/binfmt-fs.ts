/**
 * The adapter to the kernel's binfmt_misc filesystem. Everything that reads or writes it goes
 * through here; its mount point is a parameter so tests and unusual hosts can point it
 * elsewhere. OS errors become messages a user can act on (after tonistiigi/binfmt).
 */
import { execFile } from 'node:child_process';
import { readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { BinfmtHealth } from '@archdeck/shared';
import { AppError } from '../lib/errors.js';

const run = promisify(execFile);

/** Files in the mount point that are controls, not handler entries. */
const CONTROL_FILES = new Set(['register', 'status']);

export const MOUNT_COMMAND = 'mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc';

/** What to write to an entry (or to `status`): the kernel's own vocabulary. */
export type EntryControl = '1' | '0' | '-1';

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

  /** An entry's text, or null when it vanished between listing and reading. */
  async readEntry(name: string): Promise<string | null> {
    try {
      return await readFile(join(this.root, name), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async health(): Promise<Omit<BinfmtHealth, 'interpreters'>> {
    const mounted = await this.isMounted();
    if (!mounted) return { root: this.root, mounted, enabled: null, entries: 0 };
    const [enabled, names] = await Promise.all([this.globallyEnabled(), this.entryNames()]);
    return { root: this.root, mounted, enabled, entries: names.length };
  }

  /** Registers one handler. The kernel wants the whole line in a single write. */
  async register(line: string): Promise<void> {
    await this.write('register', line, `registering ${line.split(':')[1] ?? 'the handler'}`);
  }

  /** The shell command a user would run as root for the same change. */
  registerCommand(line: string): string {
    // printf '%s' keeps the \xHH escapes literal for the kernel to decode.
    return `printf '%s' '${line}' | sudo tee ${join(this.root, 'register')}`;
  }

  controlCommand(name: string, value: EntryControl): string {
    return `echo ${value} | sudo tee ${join(this.root, name)}`;
  }

  /** Enables (1), disables (0) or removes (-1) one entry. Never used on `status` with -1. */
  async control(name: string, value: EntryControl): Promise<void> {
    if (CONTROL_FILES.has(name)) throw new Error(`refusing to write ${value} to ${name}`);
    await this.write(name, value, `writing ${value} to entry ${name}`);
  }

  async mount(): Promise<void> {
    try {
      await run('mount', ['-t', 'binfmt_misc', 'binfmt_misc', this.root], { timeout: 10_000 });
    } catch (err) {
      const stderr = (err as { stderr?: string }).stderr?.trim() ?? (err as Error).message;
      if (/permission denied|only root/i.test(stderr))
        throw needsRoot(`sudo mount -t binfmt_misc binfmt_misc ${this.root}`);
      throw new AppError(
        500,
        'mount_failed',
        `Mounting binfmt_misc at ${this.root} failed: ${stderr}`,
      );
    }
  }

  private async write(file: string, data: string, what: string): Promise<void> {
    try {
      await writeFile(join(this.root, file), data, { flag: 'w' });
    } catch (err) {
      const command =
        file === 'register'
          ? this.registerCommand(data)
          : this.controlCommand(file, data as EntryControl);
      throw this.translate(err as NodeJS.ErrnoException, file, what, command);
    }
  }

  private translate(
    err: NodeJS.ErrnoException,
    file: string,
    what: string,
    command: string,
  ): AppError {
    switch (err.code) {
      case 'ENOENT':
        return file === 'register'
          ? new AppError(
              409,
              'binfmt_not_mounted',
              `binfmt_misc is not mounted at ${this.root}: sudo ${MOUNT_COMMAND}`,
            )
          : new AppError(404, 'not_found', `There is no binfmt_misc entry named ${file}.`);
      case 'EACCES':
      case 'EPERM':
        return needsRoot(command);
      case 'EEXIST':
        return new AppError(
          409,
          'exists',
          `The kernel already has a handler by that name (${what}).`,
        );
      case 'EINVAL':
        return new AppError(
          400,
          'kernel_refused',
          `The kernel refused ${what} (EINVAL): the line is malformed or a field is too long.`,
        );
      default:
        return new AppError(500, 'binfmt_write_failed', `${what} failed: ${err.message}`);
    }
  }
}

/** 403 whose message is the command that does the same thing as root. */
export function needsRoot(command: string): AppError {
  return new AppError(
    403,
    'needs_root',
    `This needs root, and the daemon is not running as root. Run instead: ${command}`,
    {
      command,
    },
  );
}
