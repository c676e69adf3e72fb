/**
 * Checks the CPU model table (cpu-models.ts) against the qemu installed here: `-cpu help` for
 * the names it knows, then the smoke-test probe run directly under qemu with each model's
 * QEMU_CPU, the way binfmt_misc runs a container's programs. A model that fails, or that makes
 * qemu print warnings (which it would at every program start), is not offered, and the answer
 * says why; one that passes is offered with what the probe saw it give.
 *
 * Every architecture with a table is checked once at start; a check is redone when the qemu
 * that runs the architecture changes (another file, or a handler pointing elsewhere).
 */
import { execFile, type ExecFileException } from 'node:child_process';
import { realpath, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { CpuModel, CpuModelRejected, CpuModels, Emulators } from '@archdeck/shared';
import { AppError, badRequest } from '../lib/errors.js';
import type { EmulatorsService } from './emulators.js';
import { interpreterHealth } from './interpreter.js';
import { cpuFeatures, hexWord, parseProbeOutput, type ProbeReport } from './hwcaps.js';
import { CPU_TABLE_ARCHES, cpuTableFor, type CpuModelDef } from './cpu-models.js';
import { ARCHES, archForPlatform, archForQemu, type ArchInfo } from './platforms.js';

const DEFAULT_TIMEOUT_MS = 10_000;
/** Only qemu is ever run: a handler's interpreter may be anything (wine, python…). */
const QEMU_NAME = /^qemu-[a-z0-9_]+(-static)?$/;
const KIND_ORDER = { static: 0, wrapper: 1, dynamic: 2 } as const;
const QUOTE_MAX = 200;

export interface CpuCheckOptions {
  emulators: EmulatorsService;
  /** Where probe-<arch> are (the daemon's --probes-dir). */
  probesDir: string;
  timeoutMs?: number;
}

interface Checked {
  qemu: { path: string; version: string | null } | null;
  note: string | null;
  models: CpuModel[];
  rejected: CpuModelRejected[];
  checkedAt: string | null;
}

interface Run {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** The model names in `qemu-<arch> -cpu help`, lowercased: the formats differ per architecture. */
export function parseCpuHelp(text: string): Set<string> {
  const found = new Set<string>();
  for (const raw of text.split('\n')) {
    // x86 and s390x go on to list feature flags: not models.
    if (/^Recognized /i.test(raw)) break;
    const words = raw.trim().split(/\s+/);
    if (words[0] === '' || /^Available CPUs:?$/i.test(raw.trim())) continue;
    // "x86 Haswell  Intel Core…", "PowerPC power9  (alias…)", "s390 z14  IBM z14 GA1": a prefix.
    const name = ['x86', 'PowerPC', 's390'].includes(words[0]!) ? words[1] : words[0];
    if (name) found.add(name.toLowerCase());
  }
  return found;
}

/** Runs a program with only `env`, no core file, and never longer than the timeout. */
function run(file: string, args: string[], env: Record<string, string>, o: RunLimits) {
  return new Promise<Run>((resolve) => {
    execFile(
      '/bin/sh',
      // A crashed guest makes qemu dump the emulated memory as a core file into the cwd.
      ['-c', 'ulimit -c 0; exec "$@"', 'sh', file, ...args],
      { env, cwd: tmpdir(), timeout: o.timeoutMs, signal: o.signal, maxBuffer: 256 * 1024 },
      (err: ExecFileException | null, stdout, stderr) => {
        resolve({
          code: err ? (typeof err.code === 'number' ? err.code : null) : 0,
          signal: err?.signal ?? null,
          stdout,
          stderr,
          timedOut: err?.killed === true && !o.signal.aborted,
        });
      },
    );
  });
}

interface RunLimits {
  timeoutMs: number;
  signal: AbortSignal;
}

function quote(text: string): string {
  const t = text.trim().replace(/\s+/g, ' ');
  return `“${t.length > QUOTE_MAX ? `${t.slice(0, QUOTE_MAX)}…` : t}”`;
}

const SIGNALS: Record<string, string> = {
  SIGILL: 'an illegal instruction (SIGILL): the model lacks instructions the code uses',
  SIGSEGV: 'a segmentation fault (SIGSEGV)',
  SIGBUS: 'a bus error (SIGBUS)',
  SIGABRT: 'an abort (SIGABRT)',
};

/** Why a probe run does not make the model usable, or null when it does. */
function failure(r: Run, report: ProbeReport | null, timeoutMs: number): string | null {
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
  if (r.timedOut) return `the probe did not finish within ${Math.round(timeoutMs / 1000)} s`;
  if (r.signal) return `the probe stopped with ${SIGNALS[r.signal] ?? r.signal}`;
  if (r.code !== 0) {
    return `qemu refused it (exit ${r.code ?? '?'}): ${lines.length ? quote(lines[0]!) : 'no message'}`;
  }
  if (lines.length > 0) {
    return `qemu printed ${lines.length} warning${lines.length === 1 ? '' : 's'} as the probe started (${quote(lines[0]!)}${lines.length > 1 ? ', …' : ''}), and would at the start of every program in the container`;
  }
  if (!report)
    return `the probe printed no result: ${r.stdout.trim() ? quote(r.stdout) : 'nothing'}`;
  return null;
}

/** The probe run under qemu with QEMU_CPU=`value` (none for null): what it saw, or why not. */
async function probeWith(
  qemu: string,
  probe: string,
  value: string | null,
  qemuArch: string,
  limits: RunLimits,
): Promise<{ report: ProbeReport | null; reason: string | null }> {
  const result = await run(qemu, [probe], value ? { QEMU_CPU: value } : {}, limits);
  const report = parseProbeOutput(result.stdout);
  const reason = failure(result, report, limits.timeoutMs);
  const gives = report && cpuFeatures(qemuArch, report).isa;
  return {
    report,
    reason: reason !== null && gives ? `${reason} (it gives ${gives} all the same)` : reason,
  };
}

/** A model as offered: the table's words and what the probe saw it give. */
function modelOf(
  qemuArch: string,
  def: CpuModelDef,
  report: ProbeReport | null,
  suggested: string | null,
): CpuModel {
  const seen = report ? cpuFeatures(qemuArch, report) : { isa: null, features: [] };
  return {
    value: def.value,
    title: def.title,
    description: def.description,
    isa: seen.isa ?? def.isa ?? null,
    features: seen.features,
    hwcap: hexWord(report?.hwcap ?? null),
    hwcap2: hexWord(report?.hwcap2 ?? null),
    speed: def.speed ?? null,
    suggested: def.value !== null && def.value === suggested,
  };
}

const archKeyOf = (info: ArchInfo) => info.platform!.split('/')[1]!;

export class CpuModelsService {
  /** By qemu arch and the qemu file's identity: a changed file is checked again. */
  private readonly checks = new Map<string, Promise<Checked>>();
  private readonly aborted = new AbortController();
  /** This host's own CPU level per native arch, as the probe run natively saw it. */
  private readonly nativeIsa = new Map<string, string | null>();

  constructor(private readonly o: CpuCheckOptions) {}

  /** Checks every architecture with a table, one after the other (at start). */
  async checkAll(): Promise<void> {
    const state = await this.o.emulators.read();
    for (const qemuArch of CPU_TABLE_ARCHES) {
      if (this.aborted.signal.aborted) return;
      const info = archForQemu(qemuArch);
      if (info?.platform) await this.checked(info, state);
    }
  }

  close(): void {
    this.aborted.abort();
  }

  get closed(): boolean {
    return this.aborted.signal.aborted;
  }

  /** GET /api/emulators/:arch/cpus. */
  async list(archKey: string): Promise<CpuModels> {
    const info = archForPlatform(`linux/${archKey}`);
    if (!info?.platform) {
      const known = ARCHES.flatMap((a) => (a.platform ? [a.platform.split('/')[1]!] : []));
      throw badRequest(
        `Unknown architecture "${archKey}": use an OCI architecture such as ${known.join(', ')}.`,
      );
    }
    const state = await this.o.emulators.read();
    const c = await this.checked(info, state);
    const run = this.o.emulators.badgesFrom(state.entries)(info.platform).run;
    const suggested = c.models.find((m) => m.suggested)?.value ?? null;
    return {
      arch: archKeyOf(info),
      platform: info.platform,
      run,
      qemu: c.qemu,
      note: run === 'native' ? await this.nativeNote(info) : c.note,
      suggested,
      models: c.models,
      rejected: c.rejected,
      checkedAt: c.checkedAt,
    };
  }

  /**
   * The model a run asked for, if it may have it: only for a platform this host emulates, and
   * only a model that passed the check. Otherwise a 400 that lists the valid choices.
   */
  async choose(platform: string, cpu: string): Promise<{ value: string; title: string }> {
    const info = archForPlatform(platform);
    if (!info?.platform) {
      throw badRequest(`No CPU model applies to ${platform}: archdeck knows no emulator for it.`);
    }
    if (this.o.emulators.nativePlatforms.includes(info.platform)) {
      throw new AppError(
        400,
        'cpu_not_emulated',
        `${info.platform} runs natively on this host: its programs run on this host’s own CPU, which no setting changes, so a CPU model (“${cpu}”) cannot apply. Leave the CPU model at the default, or run the image as an emulated platform.`,
      );
    }
    const c = await this.checked(info, await this.o.emulators.read());
    const found = c.models.find((m) => m.value === cpu);
    if (found) return { value: cpu, title: found.title };
    const choices = c.models.flatMap((m) => (m.value === null ? [] : [m.value]));
    const why = c.rejected.find((r) => r.value === cpu)?.reason ?? c.note;
    throw new AppError(
      400,
      'invalid_cpu',
      `“${cpu}” is not a CPU model archdeck can use for ${info.platform}${why ? `: ${why}` : '.'} ` +
        (choices.length > 0
          ? `Choose one of ${choices.join(', ')}, or leave it out for qemu’s default.`
          : 'Only qemu’s default can be used here: leave it out.'),
      { choices },
    );
  }

  private async checked(info: ArchInfo, state: Emulators): Promise<Checked> {
    const qemu = await this.qemuFor(info, state);
    const key = `${info.qemuArch}\0${qemu?.identity ?? 'none'}`;
    let check = this.checks.get(key);
    if (!check) {
      check = this.check(info, qemu);
      this.checks.set(key, check);
      // A check cut short (the daemon closing, a crash) is not the answer next time.
      check.catch(() => this.checks.delete(key));
    }
    return check;
  }

  /**
   * The qemu that runs the platform's containers: the interpreter of its container-ready
   * handler, else the one installed (qemu-<arch>-static first). Resolved to the file itself:
   * Debian's -binfmt-P wrappers take their arguments the way the P flag passes them.
   */
  private async qemuFor(info: ArchInfo, state: Emulators) {
    const handler = state.entries.find(
      (e) => e.platform === info.platform && e.enabled && e.verdict === 'container-ready',
    );
    const installed = state.installations
      .filter((i) => i.qemuArch === info.qemuArch)
      .sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind])
      .map((i) => i.path);
    for (const path of [...(handler ? [handler.interpreter] : []), ...installed]) {
      const file = await realpath(path).catch(() => null);
      if (!file || !QEMU_NAME.test(basename(file))) continue;
      const s = await stat(file).catch(() => null);
      if (!s?.isFile()) continue;
      const { qemuVersion } = await interpreterHealth(file);
      return {
        path: file,
        version: qemuVersion,
        identity: `${file}:${s.ino}:${s.size}:${s.mtimeMs}`,
      };
    }
    return null;
  }

  private limits(): RunLimits {
    return { timeoutMs: this.o.timeoutMs ?? DEFAULT_TIMEOUT_MS, signal: this.aborted.signal };
  }

  private async check(
    info: ArchInfo,
    qemu: { path: string; version: string | null } | null,
  ): Promise<Checked> {
    const table = cpuTableFor(info.qemuArch);
    const unchecked = (note: string): Checked => ({
      qemu: qemu && { path: qemu.path, version: qemu.version },
      note,
      models: table.models
        .filter((d) => d.value === null)
        .map((d) => modelOf(info.qemuArch, d, null, null)),
      rejected: table.models.flatMap((d) =>
        d.value === null ? [] : [{ value: d.value, title: d.title, reason: note }],
      ),
      checkedAt: null,
    });
    if (!qemu) {
      return unchecked(
        `no qemu-${info.qemuArch} is installed, so no CPU model can be checked or chosen (apt-get install qemu-user-static)`,
      );
    }
    const probe = join(this.o.probesDir, `probe-${archKeyOf(info)}`);
    if (!(await stat(probe).catch(() => null))?.isFile()) {
      return unchecked(
        `there is no probe for ${info.platform} (${probe}) to check the models with`,
      );
    }
    const limits = this.limits();
    const help = await run(qemu.path, ['-cpu', 'help'], {}, limits);
    const known = parseCpuHelp(help.stdout);
    const name = basename(qemu.path);
    const label = `${name}${qemu.version ? ` ${qemu.version.split(' ')[0]}` : ''}`;
    const models: CpuModel[] = [];
    const rejected: CpuModelRejected[] = [];
    let note: string | null = null;
    for (const def of table.models) {
      if (limits.signal.aborted) throw new Error('the daemon is closing');
      const base = def.value?.split(',')[0];
      const { report, reason } =
        base !== undefined && !known.has(base.toLowerCase())
          ? { report: null, reason: `${label} has no CPU model named “${base}”` }
          : await probeWith(qemu.path, probe, def.value, info.qemuArch, limits);
      if (reason === null) {
        models.push(modelOf(info.qemuArch, def, report, table.suggested ?? null));
      } else if (def.value === null) {
        // The default is what runs without a setting: always there, but say it failed.
        note = `${name} failed the probe with its default model: ${reason}`;
        models.push(modelOf(info.qemuArch, def, null, null));
      } else {
        rejected.push({
          value: def.value,
          title: def.title,
          reason: def.trap ? `${reason}. ${def.trap}` : reason,
        });
      }
    }
    // A run cut short by the close is no verdict on its model.
    if (limits.signal.aborted) throw new Error('the daemon is closing');
    return {
      qemu: { path: qemu.path, version: qemu.version },
      note,
      models,
      rejected,
      checkedAt: new Date().toISOString(),
    };
  }

  /** For a platform this host runs itself: what its own CPU is, measured by the probe once. */
  private async nativeNote(info: ArchInfo): Promise<string> {
    let isa = this.nativeIsa.get(info.qemuArch);
    if (isa === undefined) {
      const probe = join(this.o.probesDir, `probe-${archKeyOf(info)}`);
      const own = parseProbeOutput((await run(probe, [], {}, this.limits())).stdout);
      isa = own ? cpuFeatures(info.qemuArch, own).isa : null;
      this.nativeIsa.set(info.qemuArch, isa);
    }
    return `${info.platform} runs natively on this host: its containers run on this host’s own CPU${isa ? ` (${isa})` : ''}, which no setting changes, so a run here takes no CPU model. The models below are what ${`qemu-${info.qemuArch}`} gives where ${info.platform} is emulated.`;
  }
}
