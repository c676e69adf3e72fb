/**
 * The Emulators feature's logic: reads binfmt_misc fresh on every call (it changes behind our
 * back), judges each handler, and makes the few changes we allow — always from our own table
 * of magic/mask bytes and from interpreters we found, never from a client's raw line.
 */
import { readFile, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  BinfmtHealth,
  Drift,
  ElfReport,
  EmulatorEntry,
  Emulators,
  PersistedOnlyEntry,
  PlatformSummary,
  QemuInstallation,
  RegisterAllResult,
  RegisterRequest,
  RunBadge,
  Verdict,
} from '@archdeck/shared';
import { AppError, badRequest, notFound } from '../lib/errors.js';
import { needsRoot, type BinfmtFs, type EntryControl } from './binfmt-fs.js';
import {
  decodeFlags,
  identFromMagic,
  inKernelOrder,
  matchesBinary,
  parseEntry,
  type ParsedEntry,
} from './entry.js';
import { ARCHES, archForIdent, archForPlatform, machineName, type ArchInfo } from './platforms.js';
import {
  entryRegisterLine,
  formatRegisterLine,
  parseConfFile,
  sameRegistration,
  type RegisterLine,
} from './binfmt-conf.js';
import { discoverInstallations, type DiscoveryDirs, DEFAULT_DISCOVERY } from './installations.js';
import { interpreterHealth } from './interpreter.js';
import { parseElf } from './elf.js';
import { describeElf } from './elf-report.js';

export interface EmulatorsOptions {
  fs: BinfmtFs;
  /** systemd-binfmt directories by precedence; the first is where we persist. */
  confDirs: string[];
  hostArch: string;
  isRoot: boolean;
  discovery?: DiscoveryDirs;
}

interface LiveEntry {
  name: string;
  parsed: ParsedEntry;
}

interface Persisted {
  file: string;
  line: RegisterLine;
}

const hex = (b: Buffer | null) => (b ? b.toString('hex') : null);

/** How long a read of binfmt_misc for the badges or the health is reused (see reuse). */
const READ_TTL_MS = 1000;

export class EmulatorsService {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly reads = new Map<'badges' | 'health', { at: number; value: Promise<unknown> }>();
  /** The last badge function and what it was made from: the same entries give the same one. */
  private lastBadges: { key: string; fn: (platform: string) => RunBadge } | null = null;

  constructor(private readonly o: EmulatorsOptions) {}

  /** Platforms this host runs without emulation; a handler for one of them shadows it. */
  get nativePlatforms(): string[] {
    const own = `linux/${this.o.hostArch}`;
    return this.o.hostArch === 'amd64' ? [own, 'linux/386'] : [own];
  }

  async read(): Promise<Emulators> {
    const fs = this.o.fs;
    const [mounted, globallyEnabled, persisted, installations] = await Promise.all([
      fs.isMounted(),
      fs.globallyEnabled(),
      this.persisted(),
      discoverInstallations(this.o.discovery ?? DEFAULT_DISCOVERY),
    ]);
    const entries = await this.describeLive(persisted);
    const liveNames = new Set(entries.map((e) => e.name));
    const persistedOnly: PersistedOnlyEntry[] = [...persisted.entries()]
      .filter(([name]) => !liveNames.has(name))
      .map(([name, p]) => ({
        name,
        file: p.file,
        interpreter: p.line.interpreter,
        flags: p.line.flags,
        platform:
          p.line.type === 'M'
            ? (this.archOf(p.line.magic, p.line.mask, p.line.offset)?.platform ?? null)
            : null,
      }));
    const platforms = this.platforms(entries, installations);
    const pick = (...states: PlatformSummary['state'][]) =>
      platforms.filter((p) => states.includes(p.state)).map((p) => p.platform);
    return {
      root: fs.root,
      mounted,
      globallyEnabled,
      canChange: this.o.isRoot,
      hostPlatform: `linux/${this.o.hostArch}`,
      entries,
      persistedOnly,
      platforms,
      installations,
      summary: {
        native: this.nativePlatforms,
        containers: pick('container-ready'),
        hostOnly: pick('host-only'),
        none: pick('none', 'broken', 'disabled'),
      },
    };
  }

  /** How this host would run each platform now: natively, through a handler, or not at all. */
  /**
   * The badge function for the live entries (no binfmt.d, no installation discovery), read at
   * most every READ_TTL_MS: the image and container lists ask on every request. While the
   * entries stay the same, so does the function: the image list is summarised (and
   * serialised) again only when it changes.
   */
  runBadges(): Promise<(platform: string) => RunBadge> {
    return this.reuse('badges', () =>
      this.describeLive(new Map()).then((entries) => {
        const key = entries.map((e) => `${e.name} ${e.platform} ${e.verdict}`).join('\n');
        if (this.lastBadges?.key !== key) this.lastBadges = { key, fn: this.badgesFrom(entries) };
        return this.lastBadges.fn;
      }),
    );
  }

  /**
   * `read`'s answer, shared by every caller within READ_TTL_MS of it (a burst of requests
   * reads binfmt_misc once). archdeck's own changes show at once (they forget every read);
   * one made by hand, within that. A failed read is not kept.
   */
  private reuse<T>(what: 'badges' | 'health', read: () => Promise<T>): Promise<T> {
    const kept = this.reads.get(what);
    if (kept && Date.now() - kept.at < READ_TTL_MS) return kept.value as Promise<T>;
    const value = read();
    const entry = { at: Date.now(), value };
    this.reads.set(what, entry);
    value.catch(() => {
      if (this.reads.get(what) === entry) this.reads.delete(what);
    });
    return value;
  }

  /** The badge function for entries already read (e.g. from read()). */
  badgesFrom(entries: EmulatorEntry[]): (platform: string) => RunBadge {
    return (platform) => {
      const arch = archForPlatform(platform);
      const p = arch?.platform ?? platform;
      if (this.nativePlatforms.includes(p)) return { run: 'native', emulatedBy: null };
      const ready = entries.find((e) => e.platform === p && e.verdict === 'container-ready');
      return ready
        ? { run: 'emulated', emulatedBy: ready.name }
        : { run: 'unavailable', emulatedBy: null };
    };
  }

  async register(req: RegisterRequest): Promise<{ name: string }> {
    return this.registerWith(
      req,
      await discoverInstallations(this.o.discovery ?? DEFAULT_DISCOVERY),
    );
  }

  /** register() with the installations already discovered (registerAll scans once). */
  private async registerWith(
    req: RegisterRequest,
    discovered: QemuInstallation[],
  ): Promise<{ name: string }> {
    const arch = archForPlatform(req.platform);
    if (!arch?.platform)
      throw badRequest(
        `Unknown platform ${req.platform}. Known: ${this.ociPlatforms().join(', ')}.`,
      );
    if (this.nativePlatforms.includes(arch.platform)) {
      throw badRequest(
        `${arch.platform} is this host's own architecture: a handler for it would send every native binary through qemu.`,
      );
    }
    const installations = discovered.filter((i) => i.platform === arch.platform);
    const inst = installations.find((i) => i.path === req.interpreter);
    if (!inst) {
      throw badRequest(
        installations.length
          ? `${req.interpreter} is not a qemu interpreter for ${arch.platform} found on this host. Found: ${installations.map((i) => i.path).join(', ')}.`
          : `No qemu interpreter for ${arch.platform} is installed: apt-get install -y qemu-user-static`,
      );
    }
    const flags = this.checkFlags(req.flags, inst, req.acknowledgeCredentials === true);
    const name = req.name ?? `qemu-${arch.qemuArch}`;
    const line = formatRegisterLine({
      name,
      type: 'M',
      offset: 0,
      magic: arch.magic,
      mask: arch.mask,
      interpreter: inst.path,
      flags,
    });
    return this.exclusive(async () => {
      const existing = (await this.liveEntries()).find((e) => e.name === name);
      if (existing) {
        throw new AppError(
          409,
          'exists',
          `A handler named ${name} already exists (interpreter ${existing.parsed.interpreter}). Remove it first or choose another name.`,
          {
            interpreter: existing.parsed.interpreter,
          },
        );
      }
      if (!this.o.isRoot) throw needsRoot(this.o.fs.registerCommand(line));
      await this.o.fs.register(line);
      return { name };
    });
  }

  /**
   * binfmt_misc's state for /api/health, and how many qemu interpreters are installed: what
   * decides whether "no handlers" is fixed by registering them or by installing qemu first.
   * The installed ones are only looked for when it matters (nothing registered). Read at most
   * every READ_TTL_MS (see reuse): a health read under load must not cost five syscalls.
   */
  health(): Promise<BinfmtHealth> {
    return this.reuse('health', async () => {
      const fs = await this.o.fs.health();
      const interpreters =
        fs.entries === 0
          ? (await discoverInstallations(this.o.discovery ?? DEFAULT_DISCOVERY)).length
          : null;
      return { ...fs, interpreters };
    });
  }

  /** Registers every OCI platform that has no handler yet but has an interpreter here. */
  async registerAll(): Promise<RegisterAllResult> {
    const state = await this.read();
    const result: RegisterAllResult = { registered: [], skipped: [] };
    for (const p of state.platforms) {
      if (p.state === 'native') continue;
      if (p.entries.length > 0) {
        result.skipped.push({
          platform: p.platform,
          reason: `already handled by ${p.entries.join(', ')}`,
        });
        continue;
      }
      const inst = state.installations.find((i) => i.platform === p.platform);
      if (!inst) {
        result.skipped.push({
          platform: p.platform,
          reason: 'no qemu interpreter installed for it',
        });
        continue;
      }
      const { name } = await this.registerWith(
        { platform: p.platform, interpreter: inst.path, flags: inst.defaultFlags },
        state.installations,
      );
      result.registered.push(name);
    }
    return result;
  }

  async control(name: string, value: EntryControl): Promise<void> {
    await this.exclusive(async () => {
      if (!(await this.liveEntries()).some((e) => e.name === name))
        throw notFound(`There is no binfmt_misc entry named ${name}.`);
      if (!this.o.isRoot) throw needsRoot(this.o.fs.controlCommand(name, value));
      await this.o.fs.control(name, value);
    });
  }

  async persist(name: string): Promise<void> {
    const entry = (await this.liveEntries()).find((e) => e.name === name);
    if (!entry) throw notFound(`There is no binfmt_misc entry named ${name}.`);
    const line = entryRegisterLine(name, entry.parsed);
    if (!line) throw badRequest('Only magic (M) handlers can be persisted by archdeck.');
    const dir = this.o.confDirs[0]!;
    const file = join(dir, `${name}.conf`);
    if (!this.o.isRoot) throw needsRoot(`printf '%s\\n' '${line}' | sudo tee ${file}`);
    await mkdir(dir, { recursive: true });
    await writeFile(
      file,
      `# Persisted by archdeck: systemd-binfmt registers this at boot.\n${line}\n`,
      { mode: 0o644 },
    );
  }

  async unpersist(name: string): Promise<void> {
    const persisted = (await this.persisted()).get(name);
    const ours = join(this.o.confDirs[0]!, `${name}.conf`);
    if (!persisted) throw notFound(`${name} is not persisted in ${this.o.confDirs.join(', ')}.`);
    if (persisted.file !== ours) {
      throw new AppError(
        409,
        'persisted_elsewhere',
        `${name} is persisted by ${persisted.file}, which archdeck does not own (a package's file). To keep it from being registered at boot, mask it: sudo ln -s /dev/null ${join(this.o.confDirs[0]!, persisted.file.split('/').pop()!)}`,
      );
    }
    if (!this.o.isRoot) throw needsRoot(`sudo rm ${ours}`);
    await rm(ours);
  }

  async mount(): Promise<void> {
    if (await this.o.fs.isMounted()) return;
    if (!this.o.isRoot) throw needsRoot(`sudo mount -t binfmt_misc binfmt_misc ${this.o.fs.root}`);
    await this.o.fs.mount();
    this.reads.clear();
  }

  /** What the kernel would do with a binary whose first bytes are `head`. */
  async inspectElf(head: Buffer): Promise<ElfReport> {
    const elf = parseElf(head);
    const arch = archForIdent(elf.ident, elf.eFlags);
    const platform = arch?.platform ?? null;
    const live = (await this.o.fs.globallyEnabled()) ? await this.liveEntries() : [];
    // binfmt_misc is consulted before the native ELF loader, so a match wins even for native binaries.
    const matching = live
      .filter((e) => e.parsed.enabled && matchesBinary(e.parsed, head))
      .map((e) => e.name);
    // fs/binfmt_elf.c loads ET_EXEC and ET_DYN files only; anything else no handler takes is refused.
    const loadable = elf.type === 'EXEC' || elf.type === 'DYN';
    const native = loadable && platform !== null && this.nativePlatforms.includes(platform);
    const what = describeElf(elf, head.length, platform);
    let runs: ElfReport['runs'];
    let explanation: string;
    if (matching.length > 0) {
      runs = 'handler';
      explanation = `${what} The kernel hands it to binfmt_misc handler ${matching[0]}${native ? ' even though this host could run it natively (the handler shadows the native loader)' : ''}.`;
    } else if (native) {
      runs = 'native';
      explanation = `${what} This host runs it natively.`;
    } else {
      runs = 'none';
      explanation = loadable
        ? `${what} No enabled handler matches it: running it fails with "exec format error". Register an emulator for ${platform ?? elf.ident.machineName}.`
        : `${what} The kernel executes only EXEC and DYN files: executing it fails with "exec format error".`;
    }
    return {
      ident: elf.ident,
      platform,
      type: elf.type,
      linkage: elf.linkage,
      loader: elf.loader,
      unread: elf.unread,
      runs,
      handler: matching[0] ?? null,
      alsoMatching: matching.slice(1),
      explanation,
    };
  }

  /** Mutations run one at a time, so a name check and its write cannot interleave. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn).finally(() => this.reads.clear());
    this.queue = next.catch(() => undefined);
    return next;
  }

  private checkFlags(flags: string, inst: QemuInstallation, acknowledged: boolean): string {
    if (new Set(flags).size !== flags.length) throw badRequest(`Flags "${flags}" repeat a letter.`);
    if (flags.includes('P') && inst.kind !== 'wrapper') {
      throw badRequest(
        `The P flag passes an extra argv[0] that only Debian's …-binfmt-P wrappers understand; ${inst.path} would misread it.`,
      );
    }
    if (flags.includes('C') && !acknowledged) {
      throw badRequest(
        'The C flag runs binaries with their own setuid credentials through the emulator, a privilege-escalation risk: set acknowledgeCredentials to confirm.',
      );
    }
    // The kernel's own canonical order, so the entry file reads back the same.
    return inKernelOrder(flags).join('');
  }

  private ociPlatforms(): string[] {
    return ARCHES.flatMap((a) => (a.platform ? [a.platform] : []));
  }

  private archOf(magic: Buffer | null, mask: Buffer | null, offset: number): ArchInfo | null {
    if (!magic) return null;
    const found = identFromMagic(magic, mask, offset);
    return found ? archForIdent(found.ident, found.eFlags) : null;
  }

  private async liveEntries(): Promise<LiveEntry[]> {
    const out: LiveEntry[] = [];
    for (const name of await this.o.fs.entryNames()) {
      const text = await this.o.fs.readEntry(name);
      if (text === null) continue;
      try {
        out.push({ name, parsed: parseEntry(text) });
      } catch {
        // An entry format we do not understand is left out rather than misreported.
      }
    }
    return out;
  }

  /** binfmt.d lines by entry name, with systemd-binfmt's precedence (first directory wins per file name). */
  private async persisted(): Promise<Map<string, Persisted>> {
    const seenFiles = new Set<string>();
    const byName = new Map<string, Persisted>();
    for (const dir of this.o.confDirs) {
      const files = (await readdir(dir).catch(() => [] as string[]))
        .filter((f) => f.endsWith('.conf'))
        .sort();
      for (const f of files) {
        if (seenFiles.has(f)) continue;
        seenFiles.add(f);
        const file = join(dir, f);
        const text = await readFile(file, 'utf8').catch(() => '');
        for (const line of parseConfFile(text).lines) {
          if (!byName.has(line.name)) byName.set(line.name, { file, line });
        }
      }
    }
    return byName;
  }

  private async describeLive(persisted: Map<string, Persisted>): Promise<EmulatorEntry[]> {
    const live = await this.liveEntries();
    return Promise.all(live.map((e) => this.describe(e, persisted.get(e.name) ?? null)));
  }

  private async describe(e: LiveEntry, persisted: Persisted | null): Promise<EmulatorEntry> {
    const p = e.parsed;
    const found = p.magic ? identFromMagic(p.magic, p.mask, p.offset) : null;
    const arch = found ? archForIdent(found.ident, found.eFlags) : null;
    const health = await interpreterHealth(p.interpreter);
    const platform = arch?.platform ?? null;
    const { verdict, reason } = this.judge(p, platform, health, arch);
    let drift: Drift = 'live-only';
    if (persisted) drift = sameRegistration(persisted.line, p) ? 'both' : 'different';
    return {
      name: e.name,
      enabled: p.enabled,
      type: p.type,
      offset: p.offset,
      magic: hex(p.magic),
      mask: hex(p.mask),
      extension: p.extension,
      interpreter: p.interpreter,
      flags: p.flags,
      flagInfo: decodeFlags(p.flags),
      elf: found ? { ...found.ident, machineName: machineName(found.ident.machine) } : null,
      platform,
      interpreterHealth: health,
      verdict,
      verdictReason: reason,
      drift,
      persistedIn: persisted?.file ?? null,
    };
  }

  private judge(
    p: ParsedEntry,
    platform: string | null,
    h: EmulatorEntry['interpreterHealth'],
    arch: ArchInfo | null,
  ): { verdict: Verdict; reason: string } {
    const target = platform ?? arch?.qemuArch ?? 'matching';
    if (!p.enabled)
      return {
        verdict: 'disabled',
        reason: `Disabled: ${target} binaries are not handed to ${p.interpreter}. Enable it to use it.`,
      };
    if (platform && this.nativePlatforms.includes(platform)) {
      return {
        verdict: 'shadowing',
        reason: `Handles ${platform}, which this host runs natively: every native binary goes through ${p.interpreter}. Remove or disable it.`,
      };
    }
    if (!h.exists || !h.executable) {
      return {
        verdict: 'broken',
        reason: `The interpreter ${p.interpreter} is ${h.exists ? 'not executable' : 'missing'}${p.flags.includes('F') ? '; the kernel still holds the file it opened at registration, but a re-registration will fail' : ''}. Reinstall qemu-user-static or remove this handler.`,
      };
    }
    if (!p.flags.includes('F')) {
      return {
        verdict: 'host-only',
        reason: `Works on the host, but without the F flag the kernel looks for ${p.interpreter} inside each container, where it is missing. Re-register with F.`,
      };
    }
    if (h.linkage === 'dynamic') {
      return {
        verdict: 'host-only',
        reason: `${p.interpreter} is dynamically linked, so inside a container its own loader and libraries are missing. Register the static build (qemu-user-static) instead.`,
      };
    }
    return {
      verdict: 'container-ready',
      reason: `Runs ${target} binaries on the host and inside containers (F flag, static interpreter).`,
    };
  }

  private platforms(
    entries: EmulatorEntry[],
    installations: QemuInstallation[],
  ): PlatformSummary[] {
    // The best handler decides a platform's state; shadowing handlers only exist for native ones.
    const order: PlatformSummary['state'][] = [
      'container-ready',
      'host-only',
      'broken',
      'disabled',
    ];
    const result: PlatformSummary[] = [];
    for (const arch of ARCHES) {
      if (!arch.platform || result.some((r) => r.platform === arch.platform)) continue;
      const handling = entries.filter((e) => e.platform === arch.platform);
      const verdicts = handling.map((e) => e.verdict);
      const state: PlatformSummary['state'] = this.nativePlatforms.includes(arch.platform)
        ? 'native'
        : (order.find((v) => (verdicts as string[]).includes(v)) ?? 'none');
      result.push({
        platform: arch.platform,
        qemuArch: arch.qemuArch,
        state,
        entries: handling.map((e) => e.name),
        duplicate: handling.filter((e) => e.enabled).length > 1,
        installations: installations.filter((i) => i.platform === arch.platform).map((i) => i.path),
      });
    }
    return result;
  }
}
