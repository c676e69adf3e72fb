/**
 * The client starts lean: `archdeck <command>` loads the CLI, its few helpers and node:
 * builtins, never a package (Fastify, TypeBox and the contract built with it, dockerode, pino;
 * `ws` is for a terminal only) nor undici, behind fetch. Those cost `archdeck ps` seconds where
 * podman ps takes a tenth of one (bench B9). Each command runs as a user runs it, against a port where nothing listens:
 * its whole path, token and request included, up to "does not answer". Needs the build.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN } from './daemon.js';

const RECORDER = fileURLToPath(new URL('./fixtures/module-log/register.mjs', import.meta.url));
const ELF = fileURLToPath(new URL('./fixtures/elf/hello-aarch64-static.head', import.meta.url));
const NOBODY = 'http://127.0.0.1:1';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'archdeck-cli-startup-'));
  await writeFile(join(dir, 'token'), 'not-a-real-token\n');
  await mkdir(join(dir, 'context'));
  await writeFile(join(dir, 'context', 'Containerfile'), 'FROM scratch\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs `archdeck <args>`; what it printed on stderr, and every module it loaded. */
async function modulesOf(
  name: string,
  args: string[],
): Promise<{ stderr: string; loaded: string[] }> {
  const log = join(dir, `${name}.modules`);
  const stderr = await new Promise<string>((resolve) => {
    execFile(
      process.execPath,
      ['--import', RECORDER, BIN, ...args],
      { env: { ...process.env, MODULE_LOG: log } },
      (_err, _stdout, stderr) => resolve(stderr),
    );
  });
  return { stderr, loaded: (await readFile(log, 'utf8')).split('\n').filter(Boolean) };
}

/** What a lean start must not load. */
const heavy = (loaded: string[]) => loaded.filter((m) => /\/node_modules\/|undici/.test(m));

describe('the client loads none of the daemon’s packages', () => {
  const client = '/server/dist/cli/main.js';
  it.each([
    ['ps', ['ps']],
    ['status', ['status']],
    ['logs', ['logs', 'some-container', '--follow']],
    ['elf', ['elf', ELF]],
    ['pull', ['pull', 'busybox', '--platform', 'arm64']],
    ['build', ['build', '<context>', '--tag', 'localhost/x:1', '--platform', 'arm64']],
  ])('%s', async (name, args) => {
    const argv = args.map((a) => (a === '<context>' ? join(dir, 'context') : a));
    const { stderr, loaded } = await modulesOf(name, [...argv, '--url', NOBODY, '--data-dir', dir]);
    // It got as far as asking the daemon: every module the command needs was loaded.
    expect(stderr).toContain(`the daemon does not answer at ${NOBODY}`);
    expect(loaded.some((m) => m.endsWith(client))).toBe(true);
    expect(heavy(loaded), loaded.join('\n')).toEqual([]);
  });

  it('while the daemon loads them: the check sees them when they come', async () => {
    const { loaded } = await modulesOf('serve-help', ['--help']);
    expect(loaded.some((m) => m.includes('/node_modules/fastify/'))).toBe(true);
    expect(loaded.some((m) => m.includes('/node_modules/typebox/'))).toBe(true);
  });
});
