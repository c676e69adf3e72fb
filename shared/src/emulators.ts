import { Type, type Static } from 'typebox';
import { Nullable } from './nullable.js';

/** An OCI platform string, `os/arch[/variant]`, e.g. `linux/arm64`. */
export const PlatformString = Type.String({
  minLength: 3,
  maxLength: 64,
  pattern: '^[a-z0-9]+/[a-z0-9_]+(/[a-z0-9]+)?$',
});

/** One binfmt_misc flag letter decoded. */
export const FlagInfo = Type.Object({
  letter: Type.String(),
  name: Type.String(),
  meaning: Type.String(),
});
export type FlagInfo = Static<typeof FlagInfo>;

/** The ELF identity a magic/mask pair selects. */
export const ElfIdent = Type.Object({
  class: Type.Union([Type.Literal(32), Type.Literal(64)]),
  byteOrder: Type.Union([Type.Literal('little'), Type.Literal('big')]),
  /** `e_machine`, e.g. 183 for AArch64. */
  machine: Type.Integer(),
  machineName: Type.String(),
});
export type ElfIdent = Static<typeof ElfIdent>;

export const InterpreterHealth = Type.Object({
  path: Type.String(),
  exists: Type.Boolean(),
  regularFile: Type.Boolean(),
  /** Where a symlink (Debian's `…-binfmt-P` wrappers) finally points. */
  resolvedPath: Nullable(Type.String()),
  ownerUid: Nullable(Type.Integer()),
  executable: Type.Boolean(),
  /** static: no PT_INTERP segment (static-pie counts); dynamic: needs a loader. */
  linkage: Type.Union([
    Type.Literal('static'),
    Type.Literal('dynamic'),
    Type.Literal('not-elf'),
    Type.Literal('unknown'),
  ]),
  qemuVersion: Nullable(Type.String()),
});
export type InterpreterHealth = Static<typeof InterpreterHealth>;

export const Verdict = Type.Union([
  Type.Literal('container-ready'),
  Type.Literal('host-only'),
  Type.Literal('broken'),
  Type.Literal('shadowing'),
  Type.Literal('disabled'),
]);
export type Verdict = Static<typeof Verdict>;

export const Drift = Type.Union([
  Type.Literal('live-only'),
  Type.Literal('persisted-only'),
  Type.Literal('both'),
  Type.Literal('different'),
]);
export type Drift = Static<typeof Drift>;

export const EmulatorEntry = Type.Object({
  name: Type.String(),
  enabled: Type.Boolean(),
  type: Type.Union([Type.Literal('magic'), Type.Literal('extension')]),
  offset: Type.Integer(),
  /** Lower-case hex, as the kernel prints it. */
  magic: Nullable(Type.String()),
  mask: Nullable(Type.String()),
  extension: Nullable(Type.String()),
  interpreter: Type.String(),
  flags: Type.String(),
  flagInfo: Type.Array(FlagInfo),
  elf: Nullable(ElfIdent),
  /** OCI platform the entry handles, null when it is not an OCI architecture or unknown. */
  platform: Nullable(Type.String()),
  interpreterHealth: InterpreterHealth,
  verdict: Verdict,
  /** One sentence: why this verdict, and what to do about it. */
  verdictReason: Type.String(),
  drift: Drift,
  /** The binfmt.d file that persists it, if any. */
  persistedIn: Nullable(Type.String()),
});
export type EmulatorEntry = Static<typeof EmulatorEntry>;

/** A binfmt.d line that is not registered in the kernel. */
export const PersistedOnlyEntry = Type.Object({
  name: Type.String(),
  file: Type.String(),
  interpreter: Type.String(),
  flags: Type.String(),
  platform: Nullable(Type.String()),
});
export type PersistedOnlyEntry = Static<typeof PersistedOnlyEntry>;

/** A qemu-user interpreter found on this host. */
export const QemuInstallation = Type.Object({
  path: Type.String(),
  qemuArch: Type.String(),
  platform: Nullable(Type.String()),
  /** wrapper: Debian's `/usr/libexec/qemu-binfmt/<arch>-binfmt-P`, which understands the P flag. */
  kind: Type.Union([Type.Literal('wrapper'), Type.Literal('static'), Type.Literal('dynamic')]),
  /** The flags to register it with when the user does not choose. */
  defaultFlags: Type.String(),
});
export type QemuInstallation = Static<typeof QemuInstallation>;

export const PlatformState = Type.Union([
  Type.Literal('native'),
  Type.Literal('container-ready'),
  Type.Literal('host-only'),
  Type.Literal('broken'),
  Type.Literal('disabled'),
  Type.Literal('none'),
]);
export type PlatformState = Static<typeof PlatformState>;

export const PlatformSummary = Type.Object({
  platform: Type.String(),
  qemuArch: Type.String(),
  state: PlatformState,
  /** Entries that handle it (more than one enabled is a duplicate). */
  entries: Type.Array(Type.String()),
  duplicate: Type.Boolean(),
  installations: Type.Array(Type.String()),
});
export type PlatformSummary = Static<typeof PlatformSummary>;

/** One smoke test: the probe run FROM scratch as a platform (POST /api/emulators/:arch/test). */
export const SmokeTestResult = Type.Object({
  /** The OCI architecture, e.g. `arm64`. */
  arch: Type.String(),
  platform: Type.String(),
  passed: Type.Boolean(),
  /** From creating the probe's container to its exit. */
  durationMs: Type.Integer({ minimum: 0 }),
  /** What the probe (or the kernel, on its behalf) printed, stdout and stderr together. */
  output: Type.String(),
  /** Why it failed, in plain language with the fix; null when it passed. */
  failure: Nullable(Type.String()),
  /** ISO 8601. */
  testedAt: Type.String(),
});
export type SmokeTestResult = Static<typeof SmokeTestResult>;

export const SmokeTests = Type.Object({
  /** Architectures with a probe in the daemon's probes directory; only these can be tested. */
  probes: Type.Array(Type.String()),
  /** The last result per architecture, kept in memory until its next test or a restart. */
  results: Type.Record(Type.String(), SmokeTestResult),
});
export type SmokeTests = Static<typeof SmokeTests>;

/** `:arch` of the per-architecture routes (smoke tests, CPU models). */
export const ArchParams = Type.Object({
  /** An OCI architecture (`arm64`, `ppc64le`, ...), not a whole platform string. */
  arch: Type.String({ minLength: 1, maxLength: 16, pattern: '^[a-z0-9_]+$' }),
});
export const SmokeTestParams = ArchParams;
export type SmokeTestParams = Static<typeof SmokeTestParams>;

export const Emulators = Type.Object({
  root: Type.String(),
  mounted: Type.Boolean(),
  globallyEnabled: Nullable(Type.Boolean()),
  /** Changes need the daemon to run as root. */
  canChange: Type.Boolean(),
  hostPlatform: Type.String(),
  entries: Type.Array(EmulatorEntry),
  persistedOnly: Type.Array(PersistedOnlyEntry),
  platforms: Type.Array(PlatformSummary),
  installations: Type.Array(QemuInstallation),
  summary: Type.Object({
    native: Type.Array(Type.String()),
    containers: Type.Array(Type.String()),
    hostOnly: Type.Array(Type.String()),
    none: Type.Array(Type.String()),
  }),
  /** Probes available and the last smoke test per architecture. */
  smokeTests: Type.Optional(SmokeTests),
});
export type Emulators = Static<typeof Emulators>;

/** A binfmt_misc entry's name; `status` and `register` are the control files beside them. */
export const EntryName = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: '^(?!(status|register)$)[A-Za-z0-9_][A-Za-z0-9_.+-]*$',
});

export const EntryParams = Type.Object({ name: EntryName });
export type EntryParams = Static<typeof EntryParams>;

export const RegisterRequest = Type.Object(
  {
    platform: PlatformString,
    interpreter: Type.String({ minLength: 1, maxLength: 255 }),
    /** Letters from P, O, C, F; F (fix binary) is what makes it work inside containers. */
    flags: Type.String({ maxLength: 4, pattern: '^[POCF]*$' }),
    /** C runs the binary with its own setuid credentials: a privilege-escalation risk. */
    acknowledgeCredentials: Type.Optional(Type.Boolean()),
    name: Type.Optional(EntryName),
  },
  { additionalProperties: false },
);
export type RegisterRequest = Static<typeof RegisterRequest>;

export const RegisterAllRequest = Type.Object({}, { additionalProperties: false });

export const RegisterAllResult = Type.Object({
  registered: Type.Array(Type.String()),
  skipped: Type.Array(Type.Object({ platform: Type.String(), reason: Type.String() })),
});
export type RegisterAllResult = Static<typeof RegisterAllResult>;

/**
 * What kind of ELF file it is, told apart as file(1) does: by e_type, PT_INTERP and the PIE
 * flag (DT_FLAGS_1) of an ET_DYN file.
 * static: a program that needs no loader; static-pie: the same, position-independent (ET_DYN
 * with DF_1_PIE, no PT_INTERP); dynamic: a program the kernel starts through the loader its
 * PT_INTERP names; shared-library: ET_DYN without DF_1_PIE, which programs load (some, like
 * glibc's libc.so.6, name a loader too); relocatable: a `.o` (ET_REL) still to be linked;
 * core: a crashed process's memory (ET_CORE).
 */
export const ElfLinkage = Type.Union([
  Type.Literal('static'),
  Type.Literal('static-pie'),
  Type.Literal('dynamic'),
  Type.Literal('shared-library'),
  Type.Literal('relocatable'),
  Type.Literal('core'),
]);
export type ElfLinkage = Static<typeof ElfLinkage>;

/** Parts of an ELF file that lie past the bytes sent, so the inspector could not read them. */
export const ElfUnread = Type.Union([
  /** Whether it needs a loader is unknown, and so is its kind. */
  Type.Literal('program-headers'),
  /** It has a PT_INTERP, so it needs a loader, but the path is unknown. */
  Type.Literal('loader'),
  /** The DT_FLAGS_1 that tells a PIE program from a shared library is unknown. */
  Type.Literal('dynamic-section'),
]);
export type ElfUnread = Static<typeof ElfUnread>;

/** What the ELF inspector learned from the start of a file. */
export const ElfReport = Type.Object({
  ident: ElfIdent,
  platform: Nullable(Type.String()),
  /** e_type: EXEC, DYN, REL, CORE, NONE or `unknown (n)`. */
  type: Type.String(),
  /**
   * One kind when the bytes sent decide it; every kind they leave possible when what decides
   * lies past them (`unread` says what); none for an e_type that is none of these kinds.
   */
  linkage: Type.Array(ElfLinkage),
  /** The loader it asks for (PT_INTERP), e.g. /lib/ld-linux-aarch64.so.1; null when it has none or its path is unread. */
  loader: Nullable(Type.String()),
  unread: Type.Array(ElfUnread),
  /** native: the kernel runs it itself; handler: binfmt_misc hands it to `entry`; none: exec format error. */
  runs: Type.Union([Type.Literal('native'), Type.Literal('handler'), Type.Literal('none')]),
  handler: Nullable(Type.String()),
  /** Other enabled entries that also match (the kernel uses only the first). */
  alsoMatching: Type.Array(Type.String()),
  /** Plain sentences: what the file is, what running it under emulation takes, what the kernel does with it. */
  explanation: Type.String(),
});
export type ElfReport = Static<typeof ElfReport>;

/** One emulated CPU model offered for an architecture (GET /api/emulators/:arch/cpus). */
export const CpuModel = Type.Object({
  /** What to send as RunRequest.cpu (the container's QEMU_CPU); null is qemu's default: send none. */
  value: Nullable(Type.String()),
  title: Type.String(),
  /** What it is and what to choose it for, in plain words. */
  description: Type.String(),
  /** The instruction-set level it presents, e.g. x86-64-v3 or Power ISA 3.0 (POWER9). */
  isa: Nullable(Type.String()),
  /** Notable features the probe saw, by their /proc/cpuinfo names (atomics, sve, paca, avx2…). */
  features: Type.Array(Type.String()),
  /** AT_HWCAP and AT_HWCAP2 as the probe read them (hex), when it could run. */
  hwcap: Nullable(Type.String()),
  hwcap2: Nullable(Type.String()),
  speed: Nullable(Type.String()),
  /** The one to preselect: qemu's default is a poor choice here. */
  suggested: Type.Boolean(),
});
export type CpuModel = Static<typeof CpuModel>;

/** A model archdeck knows of but does not offer here, with why. */
export const CpuModelRejected = Type.Object({
  value: Type.String(),
  title: Type.String(),
  reason: Type.String(),
});
export type CpuModelRejected = Static<typeof CpuModelRejected>;

/**
 * The CPU models for one architecture, each checked against the installed qemu with a probe
 * run (at start, and again when that qemu changes).
 */
export const CpuModels = Type.Object({
  /** The OCI architecture, e.g. `arm64`. */
  arch: Type.String(),
  platform: Type.String(),
  /** How this host runs the platform: a CPU model applies only to emulated runs. */
  run: Type.Union([Type.Literal('native'), Type.Literal('emulated'), Type.Literal('unavailable')]),
  /** The qemu the models were checked with; null when none is installed. */
  qemu: Nullable(Type.Object({ path: Type.String(), version: Nullable(Type.String()) })),
  /** What to know before choosing (runs natively here, qemu missing); null when nothing. */
  note: Nullable(Type.String()),
  /** The value the run dialog preselects; null: qemu's default. */
  suggested: Nullable(Type.String()),
  /** Qemu's default first; every model here passed the check. */
  models: Type.Array(CpuModel),
  rejected: Type.Array(CpuModelRejected),
  /** ISO 8601; null when nothing could be checked. */
  checkedAt: Nullable(Type.String()),
});
export type CpuModels = Static<typeof CpuModels>;
