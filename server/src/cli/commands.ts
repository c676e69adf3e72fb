/**
 * The client subcommands of `archdeck`. Each asks the daemon over HTTP and prints a human table
 * (or, with --json, exactly the JSON the API answered: the OpenAPI document describes it).
 * Exit codes: 0 done, 1 the daemon or podman said no, 2 a bad command line, and `run` exits
 * with the container's own code (125 when it never ran, as podman does).
 */
import { open } from 'node:fs/promises';
import type {
  BuildJob,
  BuildOutput,
  ContainerSummary,
  ElfReport,
  Emulators,
  Health,
  ImageSummary,
  LaunchJob,
  LogEnd,
  LogLine,
  PullJob,
  RemotePlatforms,
  SmokeTestResult,
} from '@archdeck/shared';
import { ELF_HEAD_BYTES } from '@archdeck/shared/elf-head';
import { CliError, type DaemonClient } from './client.js';
import { packContext } from './context.js';
import { badge, progressBar, table } from './output.js';

export interface Invocation {
  client: DaemonClient;
  /** What follows the subcommand's own flags. */
  args: string[];
  flags: Record<string, string | boolean | undefined>;
  json: boolean;
  out: (text: string) => void;
}

type Command = (i: Invocation) => Promise<number>;

const usage = (text: string) => new CliError(text, 2);
const arg = (i: Invocation, n: number, name: string) => {
  const value = i.args[n];
  if (value === undefined) throw usage(`missing ${name}`);
  return value;
};
const printJson = (i: Invocation, value: unknown) => i.out(`${JSON.stringify(value, null, 2)}\n`);
const path = (...parts: string[]) => parts.map(encodeURIComponent).join('/');

/** `--platform linux/arm64`, or just `arm64`; a comma list where several are allowed. */
function platformFlag(i: Invocation): string {
  const value = i.flags.platform;
  if (typeof value !== 'string') throw usage('--platform is required, e.g. --platform linux/arm64');
  return value
    .split(',')
    .map((p) => (p.includes('/') ? p : `linux/${p}`))
    .join(',');
}

const status: Command = async (i) => {
  const h = await i.client.get<Health>('/api/health');
  if (i.json) return (printJson(i, h), h.ok ? 0 : 1);
  i.out(
    table([
      ['host', `${h.host.arch} (${h.host.machine}), kernel ${h.host.kernel}`],
      [
        'podman',
        h.podman.reachable
          ? `${h.podman.version ?? '?'} (${h.podman.mode}) at ${h.podman.socket}`
          : `not reachable: ${h.podman.error ?? ''}`,
      ],
      ['containers can start', h.containers.canStart],
      [
        'binfmt_misc',
        h.binfmt.mounted
          ? `${h.binfmt.enabled ? 'enabled' : 'disabled'}, ${h.binfmt.entries} handlers`
          : 'not mounted',
      ],
    ]),
  );
  for (const p of h.problems) i.out(`\n${p.severity}: ${p.message}\n  fix: ${p.fix}\n`);
  return h.ok ? 0 : 1;
};

const emulators: Command = async (i) => {
  const action = i.args[0] ?? 'list';
  if (action === 'list') {
    const e = await i.client.get<Emulators>('/api/emulators');
    if (i.json) return (printJson(i, e), 0);
    i.out(
      table(
        [['NAME', 'PLATFORM', 'FLAGS', 'STATE', 'VERDICT']].concat(
          e.entries.map((x) => [
            x.name,
            x.platform ?? '-',
            x.flags || '-',
            x.enabled ? 'enabled' : 'disabled',
            x.verdict,
          ]),
        ),
      ),
    );
    return 0;
  }
  if (action === 'register') {
    const platform = i.args[1];
    if (!platform) {
      const r = await i.client.send<{ registered: string[]; skipped: unknown[] }>(
        'POST',
        '/api/emulators/register-all',
        {},
      );
      if (i.json) return (printJson(i, r), 0);
      i.out(
        r.registered.length ? `registered ${r.registered.join(', ')}\n` : 'nothing to register\n',
      );
      return 0;
    }
    const state = await i.client.get<Emulators>('/api/emulators');
    const full = platform.includes('/') ? platform : `linux/${platform}`;
    const inst = state.installations.find((x) => x.platform === full);
    if (!inst)
      throw new CliError(
        `no qemu interpreter for ${full} is installed: apt-get install -y qemu-user-static`,
      );
    const r = await i.client.send<{ name: string }>('POST', '/api/emulators', {
      platform: full,
      interpreter: inst.path,
      flags: inst.defaultFlags,
    });
    if (i.json) return (printJson(i, r), 0);
    i.out(`registered ${r.name}\n`);
    return 0;
  }
  if (action === 'enable' || action === 'disable') {
    await i.client.send('POST', `/api/emulators/${path(arg(i, 1, 'handler name'))}/${action}`);
    return 0;
  }
  if (action === 'test') {
    const arch = arg(i, 1, 'architecture (e.g. arm64)');
    const r = await i.client.send<SmokeTestResult>('POST', `/api/emulators/${path(arch)}/test`);
    if (i.json) return (printJson(i, r), r.passed ? 0 : 1);
    i.out(
      r.passed
        ? `${r.platform}: passed in ${r.durationMs} ms\n${r.output}\n`
        : `${r.platform}: FAILED: ${r.failure ?? ''}\n`,
    );
    return r.passed ? 0 : 1;
  }
  throw usage(
    `unknown emulators action "${action}": list, register [PLATFORM], enable NAME, disable NAME, test ARCH`,
  );
};

const elf: Command = async (i) => {
  const file = arg(i, 0, 'file');
  const handle = await open(file, 'r').catch((err: Error) => {
    throw new CliError(`cannot read ${file}: ${err.message}`);
  });
  let head: Buffer;
  try {
    const { buffer, bytesRead } = await handle.read(
      Buffer.alloc(ELF_HEAD_BYTES),
      0,
      ELF_HEAD_BYTES,
      0,
    );
    head = buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  const r = await i.client.upload<ElfReport>('/api/elf', head, 'application/octet-stream');
  if (i.json) return (printJson(i, r), 0);
  i.out(
    table([
      ['platform', r.platform ?? 'unknown'],
      ['type', `${r.type}, ${r.linkage.join(' or ') || '-'}`],
      ['loader', r.loader ?? '-'],
      ['runs', r.runs === 'handler' ? `through ${r.handler}` : r.runs],
    ]) + `\n${r.explanation}\n`,
  );
  return 0;
};

const images: Command = async (i) => {
  const list = await i.client.get<ImageSummary[]>('/api/images');
  if (i.json) return (printJson(i, list), 0);
  i.out(
    table(
      [['IMAGE', 'ID', 'PLATFORM', 'RUNS']].concat(
        list.map((x) => [x.repoTags[0] ?? '<none>', x.shortId, x.platform, badge(x.badge)]),
      ),
    ),
  );
  return 0;
};

const platforms: Command = async (i) => {
  const ref = arg(i, 0, 'image reference');
  const r = await i.client.get<RemotePlatforms>(
    `/api/registries/platforms?ref=${encodeURIComponent(ref)}`,
  );
  if (i.json) return (printJson(i, r), 0);
  i.out(
    table(
      [['PLATFORM', 'DIGEST', 'RUNS']].concat(
        r.platforms.map((p) => [p.platform, p.digest.slice(0, 19), badge(p)]),
      ),
    ),
  );
  return 0;
};

/**
 * Follows a job's events to its end, with its pull's bar on a terminal (a pull job is its own
 * pull; a launch has one while it waits for its image); the final job.
 */
async function followJob<J>(
  i: Invocation,
  events: string,
  job: J,
  pullOf: (job: J) => PullJob | null,
): Promise<J> {
  let last = job;
  const tty = process.stderr.isTTY === true && !i.json;
  let drawn = false;
  for await (const e of i.client.events(events)) {
    last = e.data as J;
    const p = pullOf(last);
    if (tty && p) {
      process.stderr.write(`\r${progressBar(p.current, p.total)} ${p.ref} ${p.platform}`);
      drawn = true;
    }
    if (e.event === 'end') break;
  }
  if (drawn) process.stderr.write('\n');
  return last;
}

const followPull = (i: Invocation, job: PullJob) =>
  followJob(i, `/api/pulls/${path(job.id)}/events`, job, (j) => j);

const pull: Command = async (i) => {
  const ref = arg(i, 0, 'image reference');
  const job = await i.client.send<PullJob>('POST', '/api/pulls', {
    ref,
    platform: platformFlag(i),
  });
  const final = job.state === 'running' ? await followPull(i, job) : job;
  if (i.json) printJson(i, final);
  else if (final.state === 'succeeded') i.out(`${final.archTag ?? final.ref}\n`);
  if (final.state !== 'succeeded')
    throw new CliError(`the pull ${final.state}: ${final.error ?? ''}`);
  return 0;
};

/**
 * Builds a context folder for one or more platforms: each platform's output on stderr as it
 * comes, marked with its platform, then one row per platform. The build is a daemon job: it
 * goes on if this command is stopped (DELETE /api/builds/ID cancels it).
 */
const build: Command = async (i) => {
  const dir = arg(i, 0, 'context folder');
  const tag = i.flags.tag;
  if (typeof tag !== 'string') throw usage('--tag is required, e.g. --tag localhost/app:1');
  const query = new URLSearchParams({ tag, platforms: platformFlag(i) });
  if (typeof i.flags.file === 'string') query.set('file', i.flags.file);
  let job = await i.client.upload<BuildJob>(
    `/api/builds?${query}`,
    await packContext(dir),
    'application/x-tar',
  );
  const width = Math.max(...job.platforms.map((p) => p.platform.length));
  // Lines numbered from 0 per platform: one seen before (after a reconnect) is not shown again.
  const shown = new Map<string, number>();
  for await (const e of i.client.events(`/api/builds/${path(job.id)}/events`)) {
    if (e.event === 'output') {
      const o = e.data as BuildOutput;
      const next = shown.get(o.platform) ?? 0;
      for (const line of o.lines.slice(Math.max(0, next - o.from)))
        process.stderr.write(`${o.platform.padEnd(width)} | ${line}\n`);
      shown.set(o.platform, Math.max(next, o.from + o.lines.length));
    } else {
      job = e.data as BuildJob;
      if (e.event === 'end') break;
    }
  }
  if (job.state === 'running')
    throw new CliError(`lost the build's events; it goes on in the daemon (build ${job.id})`);
  if (i.json) printJson(i, job);
  else
    i.out(
      table(
        [['PLATFORM', 'STATE', 'IMAGE', 'TAGS']].concat(
          job.platforms.map((p) => [
            p.platform,
            p.state,
            p.imageId?.slice(0, 12) ?? '-',
            p.tags.join(' '),
          ]),
        ),
      ),
    );
  if (job.state !== 'succeeded') throw new CliError(`the build ${job.state}: ${job.error ?? ''}`);
  return 0;
};

/**
 * Prints a container's log lines (stdout to stdout, stderr to stderr; all to stderr with
 * --json, which keeps stdout for the JSON) until the stream ends.
 */
async function printLogs(i: Invocation, id: string, follow: boolean): Promise<LogEnd | null> {
  for await (const e of i.client.events(`/api/containers/${path(id)}/logs?follow=${follow}`)) {
    if (e.event === 'lines') {
      for (const line of (e.data as { lines: LogLine[] }).lines) {
        (line.s === 'err' || i.json ? process.stderr : process.stdout).write(`${line.t}\n`);
      }
    } else if (e.event === 'end') {
      return e.data as LogEnd;
    } else if (e.event === 'failed') {
      throw new CliError((e.data as { message: string }).message);
    }
  }
  return null;
}

/** Follows a launch to its started container (the pull's bar on a terminal meanwhile). */
async function launched(i: Invocation, launch: LaunchJob): Promise<ContainerSummary> {
  const url = `/api/launches/${path(launch.id)}`;
  // Ctrl-C while the image is pulled cancels the run too, as it would a `podman run`.
  const interrupt = () => {
    process.stderr.write('\narchdeck: cancelling the run\n');
    void i.client.send('DELETE', url).finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupt);
  let end: LaunchJob;
  try {
    end = await followJob(i, `${url}/events`, launch, (l) => l.pull);
    // The stream ended early: the daemon's record says how the launch stands.
    if (end.state === 'running') end = await i.client.get<LaunchJob>(url);
  } finally {
    process.off('SIGINT', interrupt);
  }
  if (end.state === 'running') {
    // Not known to have failed, so not 125: it may still start.
    throw new CliError(`lost the launch's events; it goes on in the daemon (launch ${end.id})`);
  }
  if (end.state !== 'succeeded' || !end.containerId) {
    const made = end.containerId ? ` (container ${end.containerId.slice(0, 12)})` : '';
    // It never ran: podman's convention for that.
    throw new CliError(`the run ${end.state}${made}: ${end.error ?? ''}`, 125);
  }
  return i.client.get<ContainerSummary>(`/api/containers/${path(end.containerId)}`);
}

const runContainer: Command = async (i) => {
  const image = arg(i, 0, 'image');
  const cmd = i.args.slice(1);
  const tty = i.flags.tty === true;
  let answer: ContainerSummary | LaunchJob;
  try {
    answer = await i.client.send<ContainerSummary | LaunchJob>('POST', '/api/containers', {
      image,
      platform: platformFlag(i),
      ...(cmd.length ? { cmd } : {}),
      ...(typeof i.flags.name === 'string' ? { name: i.flags.name } : {}),
      tty,
    });
  } catch (err) {
    // It never ran: podman's convention for that.
    if (err instanceof CliError && err.code === 1) throw new CliError(err.message, 125);
    throw err;
  }
  // A 202 (only a launch has a containerId): the daemon pulls the image first, then starts the
  // container; the launch says when.
  const c = 'containerId' in answer ? await launched(i, answer) : answer;
  const id = `/api/containers/${path(c.id)}`;
  const code = tty
    ? await i.client.terminal(c.id, 'attach')
    : ((await printLogs(i, c.id, true))?.exitCode ?? null);
  if (i.json) printJson(i, await i.client.get<ContainerSummary>(id));
  // --rm here, not podman's AutoRemove: the exit code is read before the container goes.
  if (i.flags.rm === true) await i.client.send('DELETE', id);
  return code ?? 0;
};

const ps: Command = async (i) => {
  const list = await i.client.get<ContainerSummary[]>('/api/containers');
  if (i.json) return (printJson(i, list), 0);
  i.out(
    table(
      [['ID', 'NAME', 'IMAGE', 'PLATFORM', 'STATE', 'RUNS']].concat(
        list.map((c) => [c.shortId, c.name, c.image, c.platform, c.status, badge(c.badge)]),
      ),
    ),
  );
  return 0;
};

const logs: Command = async (i) => {
  await printLogs(i, arg(i, 0, 'container'), i.flags.follow === true);
  return 0;
};

const exec: Command = async (i) => (await i.client.terminal(arg(i, 0, 'container'), 'exec')) ?? 0;

const stop: Command = async (i) => {
  const timeout = i.flags.timeout;
  const query = typeof timeout === 'string' ? `?timeout=${encodeURIComponent(timeout)}` : '';
  await i.client.send('POST', `/api/containers/${path(arg(i, 0, 'container'))}/stop${query}`);
  return 0;
};

const rm: Command = async (i) => {
  await i.client.send('DELETE', `/api/containers/${path(arg(i, 0, 'container'))}`);
  return 0;
};

/** Each subcommand, its own flags (beyond --url, --data-dir, --json) and its one-line usage. */
export const COMMANDS: Record<
  string,
  {
    run: Command;
    flags: Record<string, { type: 'string' | 'boolean'; short?: string }>;
    usage: string;
  }
> = {
  status: { run: status, flags: {}, usage: 'status' },
  emulators: {
    run: emulators,
    flags: {},
    usage: 'emulators [list | register [PLATFORM] | enable NAME | disable NAME | test ARCH]',
  },
  elf: { run: elf, flags: {}, usage: 'elf FILE' },
  images: { run: images, flags: {}, usage: 'images' },
  platforms: { run: platforms, flags: {}, usage: 'platforms REF' },
  pull: { run: pull, flags: { platform: { type: 'string' } }, usage: 'pull REF --platform P' },
  run: {
    run: runContainer,
    flags: {
      platform: { type: 'string' },
      tty: { type: 'boolean', short: 't' },
      rm: { type: 'boolean' },
      name: { type: 'string' },
    },
    usage: 'run IMAGE --platform P [--tty] [--rm] [--name N] [-- CMD...]',
  },
  build: {
    run: build,
    flags: {
      platform: { type: 'string' },
      tag: { type: 'string', short: 't' },
      file: { type: 'string', short: 'f' },
    },
    usage: 'build DIR --tag T --platform P[,P...] [--file F]',
  },
  ps: { run: ps, flags: {}, usage: 'ps' },
  logs: { run: logs, flags: { follow: { type: 'boolean', short: 'f' } }, usage: 'logs [-f] ID' },
  exec: { run: exec, flags: {}, usage: 'exec ID' },
  stop: { run: stop, flags: { timeout: { type: 'string' } }, usage: 'stop ID [--timeout S]' },
  rm: { run: rm, flags: {}, usage: 'rm ID' },
};
