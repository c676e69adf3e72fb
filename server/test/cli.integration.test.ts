/**
 * The `archdeck` command-line client, run as a user runs it (its own process), against a real
 * daemon (its own process too) on the test podman: output, exit codes, and --json that the
 * published OpenAPI document describes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { BIN, startDaemon, testDaemonArgs, type Daemon } from './daemon.js';
import { testEnv } from './helper.js';
import { multiArchBase, ownName, removeTags, runImage } from './builds/helpers.js';
import { copyTag } from './registry-push.js';

const run = promisify(execFile);
const env = testEnv();
let daemon: Daemon;
let dataDir: string;

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** `archdeck <args>` against the test daemon. */
async function cli(command: string, ...args: string[]): Promise<Result> {
  // The daemon's address first: what follows `--` is the container's command line.
  const all = [BIN, command, '--url', daemon.base, '--data-dir', dataDir, ...args];
  return run(process.execPath, all, { maxBuffer: 16 * 1024 * 1024 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (err: { code: number; stdout: string; stderr: string }) => ({
      code: err.code,
      stdout: err.stdout,
      stderr: err.stderr,
    }),
  );
}

/** Checks a value against the response schema the OpenAPI document gives for a GET route. */
async function validAgainstOpenApi(path: string, value: unknown): Promise<void> {
  const doc = JSON.parse(
    await readFile(new URL('../../shared/openapi.json', import.meta.url), 'utf8'),
  ) as {
    paths: Record<
      string,
      { get: { responses: { 200: { content: Record<string, { schema: object }> } } } }
    >;
  };
  const schema = doc.paths[path]!.get.responses[200].content['application/json']!.schema;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const validate = ajv.compile(schema);
  expect(validate(value), JSON.stringify(validate.errors)).toBe(true);
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'archdeck-cli-'));
  daemon = await startDaemon(testDaemonArgs(dataDir));
});
afterAll(async () => {
  await daemon.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('archdeck run', () => {
  it('runs busybox as arm64: its output, and its exit code as the command’s', async () => {
    const r = await cli(
      'run',
      env.image,
      '--platform',
      'linux/arm64',
      '--rm',
      '--',
      'sh',
      '-c',
      'uname -m; echo to-stderr >&2; exit 3',
    );
    expect(r.stdout).toBe('aarch64\n');
    expect(r.stderr).toBe('to-stderr\n');
    expect(r.code).toBe(3);
  });

  it('runs an image the daemon has to pull first: the launch is followed, then the output', async () => {
    const image = await copyTag(env.image, `cli-run-${process.pid}`);
    try {
      const r = await cli('run', image, '--platform', 'linux/ppc64le', '--rm', '--', 'uname', '-m');
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe('ppc64le\n');
      expect(r.code).toBe(0);
    } finally {
      // And the arch tag the daemon kept for it: the image must not stay behind for the others.
      await removeTags([image, `${image}-ppc64le`]);
    }
  });

  it('exits 125 with the daemon’s words when the pull fails', async () => {
    const image = `${env.registry}/${ownName('cli')}-absent:nope`;
    const r = await cli('run', image, '--platform', 'linux/arm64', '--', 'true');
    expect(r.code).toBe(125);
    expect(r.stderr).toMatch(/^archdeck: the run failed: Pulling \S+ for linux\/arm64 failed: /);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('exits 125 with the daemon’s words when the container cannot be made', async () => {
    const r = await cli('run', env.image, '--platform', 'linux/vax', '--', 'true');
    expect(r.code).toBe(125);
    expect(r.stderr).toMatch(/^archdeck: Unknown platform "linux\/vax"/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('archdeck build', () => {
  it('builds a folder for two platforms, each line marked with its platform; fails with podman’s words', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'archdeck-cli-build-'));
    const tag = `${ownName('cli')}:1`;
    try {
      await mkdir(join(dir, 'etc'));
      await writeFile(join(dir, 'etc', 'greeting'), 'hello\n');
      await writeFile(
        join(dir, 'Containerfile'),
        `FROM ${await multiArchBase()}\nCOPY etc/greeting /greeting\nRUN uname -m >> /greeting\nCMD ["cat", "/greeting"]\n`,
      );
      const ok = await cli('build', dir, '--tag', tag, '--platform', 'amd64,linux/arm64');
      expect(ok.code, ok.stderr).toBe(0);
      expect(ok.stderr).toMatch(/^linux\/arm64 \| STEP 3\/4: RUN uname -m/m);
      expect(ok.stderr).toMatch(/^linux\/amd64 \| STEP 3\/4: RUN uname -m/m);
      expect(ok.stdout).toMatch(/^PLATFORM\s+STATE\s+IMAGE\s+TAGS\n/);
      expect(ok.stdout).toMatch(
        new RegExp(`linux/arm64\\s+succeeded\\s+[0-9a-f]{12}\\s+${tag}-arm64\\n`),
      );
      expect(await runImage(`${tag}-arm64`, 'linux/arm64')).toBe('hello\naarch64');
      expect(await runImage(`${tag}-amd64`, 'linux/amd64')).toBe('hello\nx86_64');

      await writeFile(join(dir, 'Containerfile'), `FROM ${await multiArchBase()}\nRUN exit 7\n`);
      const bad = await cli(
        'build',
        dir,
        '--tag',
        `${ownName('cli-bad')}:1`,
        '--platform',
        's390x',
      );
      expect(bad.code).toBe(1);
      expect(bad.stdout).toMatch(/linux\/s390x\s+failed\s+-/);
      expect(bad.stderr).toMatch(/^archdeck: the build failed: linux\/s390x: .*exit status 7/m);
    } finally {
      await rm(dir, { recursive: true, force: true });
      await removeTags([`${tag}-amd64`, `${tag}-arm64`]);
    }
  });
});

describe('--json', () => {
  it('prints what the API answered, valid against the OpenAPI document', async () => {
    const made = await cli('run', env.image, '--platform', 'arm64', '--json', '--', 'true');
    expect(made.code).toBe(0);
    const summary = JSON.parse(made.stdout) as { id: string; platform: string };
    expect(summary.platform).toBe('linux/arm64');
    await validAgainstOpenApi('/api/containers/{id}', summary);

    const ps = await cli('ps', '--json');
    const list = JSON.parse(ps.stdout) as Array<{ id: string }>;
    expect(list.map((c) => c.id)).toContain(summary.id);
    await validAgainstOpenApi('/api/containers', list);

    for (const [command, path] of [
      ['images', '/api/images'],
      ['status', '/api/health'],
      ['emulators', '/api/emulators'],
    ] as const) {
      const r = await cli(command, '--json');
      await validAgainstOpenApi(path, JSON.parse(r.stdout));
    }
    expect((await cli('rm', summary.id)).code).toBe(0);
  });
});

describe('human output', () => {
  it('ps and platforms print aligned tables', async () => {
    const platforms = await cli('platforms', env.image);
    expect(platforms.code).toBe(0);
    expect(platforms.stdout).toMatch(/^PLATFORM\s+DIGEST\s+RUNS\n/);
    expect(platforms.stdout).toMatch(
      /linux\/arm64\s+sha256:[0-9a-f]{12}\s+emulated \(qemu-aarch64\)/,
    );
    const ps = await cli('ps');
    expect(ps.stdout).toMatch(/^ID\s+NAME\s+IMAGE\s+PLATFORM\s+STATE\s+RUNS\n/);
  });

  it('pull says what it pulled, and fails with the registry’s words', async () => {
    const ok = await cli('pull', env.image, '--platform', 'linux/ppc64le');
    expect(ok.code).toBe(0);
    expect(ok.stdout.trim()).toBe(`${env.image}-ppc64le`);
    const bad = await cli('pull', env.image, '--platform', 'linux/mips64le');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^archdeck: the pull failed: .*mips64le/);
  });
});

describe('bad command lines', () => {
  it.each([
    [['ps', '--nope']],
    [['run', env.image]],
    [['frobnicate']],
    [['logs']],
    [['build', '.', '--platform', 'arm64']],
  ])('%j is a one-line error and exit 2', async (args) => {
    const r = await cli(args[0]!, ...args.slice(1));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^archdeck: /);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('without a token it says where it looked', async () => {
    const r = await run(process.execPath, [
      BIN,
      'ps',
      '--url',
      daemon.base,
      '--data-dir',
      '/nonexistent',
    ]).catch((err: { code: number; stderr: string }) => err);
    expect((r as { code: number }).code).toBe(1);
    expect((r as { stderr: string }).stderr).toMatch(/no token at \/nonexistent\/token/);
  });
});
