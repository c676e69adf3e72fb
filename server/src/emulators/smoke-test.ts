/**
 * Per-platform smoke tests: run a tiny static probe (server/probes/probe.c, committed built in
 * server/probes/bin; scripts/build-probes.sh is its recipe) in a FROM-scratch container for the
 * platform and judge what it says about the CPU it ran on. A pass means the whole chain works:
 * podman, the runtime, binfmt_misc and the emulator. A failure is explained in terms of what
 * the user can change, which is mostly the handlers on the Emulators page.
 */
import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  parsePlatform,
  type Emulators,
  type SmokeTestResult,
  type SmokeTests,
} from '@archdeck/shared';
import type { Engine } from '../engine/engine.js';
import { PROBE_REPO } from '../engine/labels.js';
import type { ProbeRun } from '../engine/types.js';
import { AppError, badRequest } from '../lib/errors.js';
import type { EmulatorsService } from './emulators.js';
import { ElfError, parseElf } from './elf.js';
import { parseProbeOutput } from './hwcaps.js';
import { ARCHES, archForIdent, archForPlatform, type ArchInfo } from './platforms.js';

/** Rebuilds archdeck's probes; `--out <dir>` puts them elsewhere than server/probes/bin. */
const BUILD_PROBES_COMMAND = 'bash scripts/build-probes.sh --install';
const DEFAULT_TIMEOUT_MS = 30_000;
/** Enough of the output to show in a failure message. */
const QUOTE_MAX = 300;

/**
 * What `uname -m` says on each platform: qemu-user reports its guest CPU (armv7l for arm,
 * mips64 for both mips64 byte orders). A 32-bit x86 process on an x86_64 kernel still sees
 * x86_64, as does arm code run by an arm64 CPU that has AArch32.
 */
const MACHINES: Record<string, RegExp> = {
  amd64: /^x86_64$/,
  '386': /^(i[3-6]86|x86_64)$/,
  arm64: /^aarch64$/,
  arm: /^(armv[5-8]\w*|aarch64)$/,
  ppc64le: /^ppc64le$/,
  ppc64: /^ppc64$/,
  s390x: /^s390x$/,
  riscv64: /^riscv64$/,
  mips64le: /^mips64$/,
  mips64: /^mips64$/,
  mipsle: /^mips$/,
  mips: /^mips$/,
  loong64: /^loongarch64$/,
};

export interface SmokeTestOptions {
  engine: Engine;
  emulators: EmulatorsService;
  /** Where probe-<arch> are: server/probes/bin unless --probes-dir says otherwise. */
  probesDir: string;
  timeoutMs?: number;
}

interface Target {
  arch: string;
  platform: string;
  info: ArchInfo;
}

export class SmokeTestService {
  private readonly results = new Map<string, SmokeTestResult>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly o: SmokeTestOptions) {}

  /** Architectures with a probe binary in the probes directory. */
  async probes(): Promise<string[]> {
    const names = await readdir(this.o.probesDir).catch(() => [] as string[]);
    return names
      .map((n) => /^probe-([a-z0-9_]+)$/.exec(n)?.[1])
      .filter((arch): arch is string => arch !== undefined && targetOf(arch)?.arch === arch)
      .sort();
  }

  async snapshot(): Promise<SmokeTests> {
    return { probes: await this.probes(), results: Object.fromEntries(this.results) };
  }

  /** Tests one architecture; tests run one at a time, so two never build the same image. */
  async test(archKey: string): Promise<SmokeTestResult> {
    const target = targetOf(archKey);
    if (!target) {
      const known = ARCHES.flatMap((a) => (a.platform ? [parsePlatform(a.platform).arch] : []));
      throw badRequest(
        `Unknown architecture "${archKey}": use an OCI architecture such as ${known.join(', ')}.`,
      );
    }
    const next = this.queue.then(
      () => this.run(target),
      () => this.run(target),
    );
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Tests every platform that should run in containers (native or container-ready) and has a probe. */
  async testAll(): Promise<SmokeTestResult[]> {
    const [state, probes] = await Promise.all([this.o.emulators.read(), this.probes()]);
    const out: SmokeTestResult[] = [];
    for (const p of state.platforms) {
      if (p.state !== 'native' && p.state !== 'container-ready') continue;
      const arch = parsePlatform(p.platform).arch;
      if (probes.includes(arch)) out.push(await this.test(arch));
    }
    return out;
  }

  private async run(t: Target): Promise<SmokeTestResult> {
    const binary = await this.loadProbe(t);
    const sha256 = createHash('sha256').update(binary).digest('hex');
    const image = await this.o.engine.ensureProbeImage({
      arch: t.arch,
      platform: t.platform,
      binary,
      sha256,
    });
    const timeoutMs = this.o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const run = await this.o.engine.runProbe(
      { id: image.id, tag: `${PROBE_REPO}:${t.arch}`, platform: t.platform },
      timeoutMs,
    );
    const failure = await this.judge(t, run, timeoutMs);
    const result: SmokeTestResult = {
      arch: t.arch,
      platform: t.platform,
      passed: failure === null,
      durationMs: run.durationMs,
      output: run.output,
      failure,
      testedAt: new Date().toISOString(),
    };
    this.results.set(t.arch, result);
    return result;
  }

  /** The probe for the platform, checked to be an ELF binary for it. */
  private async loadProbe(t: Target): Promise<Buffer> {
    const file = join(this.o.probesDir, `probe-${t.arch}`);
    let binary: Buffer;
    try {
      binary = await readFile(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      throw new AppError(
        409,
        'no_probe',
        `No probe for ${t.platform} (looked for ${file}). archdeck ships one in server/probes/bin, the default --probes-dir, for every platform Debian can cross-compile (linux/loong64 is not one). To rebuild them into ${this.o.probesDir}: \`${this.buildCommand()}\`.`,
        { command: this.buildCommand() },
      );
    }
    let found: ArchInfo | null = null;
    try {
      const elf = parseElf(binary);
      found = archForIdent(elf.ident, elf.eFlags);
    } catch (err) {
      if (!(err instanceof ElfError)) throw err;
    }
    if (found?.platform !== t.platform) {
      throw new AppError(
        409,
        'bad_probe',
        `${file} is not a ${t.platform} binary (${found?.platform ?? found?.qemuArch ?? 'not a recognised ELF file'}). Rebuild the probes with \`${this.buildCommand()}\`.`,
        { command: this.buildCommand() },
      );
    }
    return binary;
  }

  private buildCommand(): string {
    return `${BUILD_PROBES_COMMAND} --out ${shellWord(this.o.probesDir)}`;
  }

  /** null when the probe ran as the platform, else one plain sentence: what failed and the fix. */
  private async judge(t: Target, run: ProbeRun, timeoutMs: number): Promise<string | null> {
    const text = [run.startError, run.output].filter(Boolean).join('\n');
    if (run.timedOut) {
      return `timed out: the probe did not finish within ${Math.round(timeoutMs / 1000)} s on ${t.platform}. The emulator may hang on this host; check its handler on the Emulators page and test again.`;
    }
    if (/exec format error/i.test(text)) return this.execFormatError(t);
    if (run.startError !== null) {
      if (/no such file or directory/i.test(run.startError)) {
        const hint = await this.handlerHint(t);
        if (hint) return hint;
      }
      return `the container did not start: ${quote(run.startError)}`;
    }
    const report = parseProbeOutput(run.output);
    if (run.exitCode !== 0) {
      if (/no such file or directory/i.test(run.output)) {
        const hint = await this.handlerHint(t);
        if (hint) return hint;
      }
      const code = run.exitCode === null ? 'an unknown code' : `code ${run.exitCode}`;
      return `the probe exited with ${code}${run.output ? `: ${quote(run.output)}` : ' and printed nothing'}`;
    }
    if (!report) {
      return `the probe exited without its result line; it printed ${run.output ? quote(run.output) : 'nothing'}`;
    }
    const { machine, bits, endian } = report;
    const expected = MACHINES[t.arch];
    if (expected && !expected.test(machine)) {
      return `unexpected machine: the probe for ${t.platform} reported machine=${machine}, which is not ${t.arch}. Another emulator (or none) ran it; check the handlers for ${t.platform} on the Emulators page.`;
    }
    if (bits !== t.info.class || endian !== t.info.byteOrder) {
      return `unexpected CPU: the probe for ${t.platform} ran as ${bits}-bit ${endian}-endian ${machine}, not ${t.info.class}-bit ${t.info.byteOrder}-endian.`;
    }
    return null;
  }

  /** The kernel found no handler for the binary: say which part of the chain is missing. */
  private async execFormatError(t: Target): Promise<string> {
    const state = await this.o.emulators.read();
    const prefix = 'exec format error:';
    if (state.summary.native.includes(t.platform)) {
      return `${prefix} this host should run ${t.platform} natively, but its kernel refused the probe (a kernel built without support for this binary format?).`;
    }
    if (!state.mounted) {
      return `${prefix} binfmt_misc is not mounted, so there is no handler for ${t.platform} — mount it on the Emulators page, then register one.`;
    }
    if (state.globallyEnabled === false) {
      return `${prefix} binfmt_misc is switched off, so no handler runs ${t.platform} — turn it on with \`echo 1 > ${state.root}/status\`.`;
    }
    const handlers = entriesFor(state, t.platform);
    if (handlers.length === 0) {
      return `${prefix} no handler for ${t.platform} — register one on the Emulators page`;
    }
    const enabled = handlers.filter((e) => e.enabled);
    if (enabled.length === 0) {
      const names = handlers.map((e) => e.name).join(', ');
      return `${prefix} the handler for ${t.platform} (${names}) is disabled — enable it on the Emulators page`;
    }
    return `${prefix} the kernel ran no emulator for ${t.platform} although ${enabled.map((e) => e.name).join(', ')} is registered — ${enabled[0]!.verdictReason}`;
  }

  /** For "no such file or directory": a handler that only works outside containers. */
  private async handlerHint(t: Target): Promise<string | null> {
    const state = await this.o.emulators.read();
    const unusable = entriesFor(state, t.platform).find(
      (e) => e.enabled && e.verdict !== 'container-ready',
    );
    if (!unusable) return null;
    return `the handler ${unusable.name} for ${t.platform} cannot run inside containers: the kernel looked for ${unusable.interpreter} in the container and found nothing. ${unusable.verdictReason}`;
  }
}

function targetOf(archKey: string): Target | null {
  const info = archForPlatform(`linux/${archKey}`);
  if (!info?.platform) return null;
  return { arch: parsePlatform(info.platform).arch, platform: info.platform, info };
}

function entriesFor(state: Emulators, platform: string) {
  return state.entries.filter((e) => e.platform === platform);
}

/** A path as one shell word: quoted only when it needs to be. */
function shellWord(text: string): string {
  return /^[\w./@%+:,-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}

function quote(text: string): string {
  const t = text.trim().replace(/\s+/g, ' ');
  return `"${t.length > QUOTE_MAX ? `${t.slice(0, QUOTE_MAX)}…` : t}"`;
}
