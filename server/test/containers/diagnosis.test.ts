import { describe, expect, it } from 'vitest';
import { diagnose, stopDiagnosis, type DiagnosisInput } from '../../src/containers/diagnosis.js';

/** What these failures really print on Debian 12 with qemu-user-static 7.2 and runc. */
const REAL = {
  execFormat: 'exec /app: exec format error',
  loader:
    "aarch64-binfmt-P: Could not open '/lib/ld-linux-aarch64.so.1': No such file or directory",
  qemuSegv: 'qemu: uncaught target signal 11 (Segmentation fault) - core dumped',
  noSuchFile: 'exec /app: no such file or directory',
  // glibc 2.36's loader on a CPU without the level a binary's GNU property note asks for.
  isaLevel: './app: CPU ISA level is lower than required',
  isaLevelStatic: 'Fatal glibc error: CPU does not support x86-64-v2',
  isaLevelV4: 'Fatal glibc error: CPU does not support x86-64-v4',
};

const base: DiagnosisInput = {
  exitCode: 1,
  lastLines: [],
  imagePlatform: 'linux/arm64',
  requestedPlatform: 'linux/arm64',
  badge: { run: 'emulated', emulatedBy: 'qemu-aarch64' },
  handlersWithoutF: [],
  binfmt: { root: '/proc/sys/fs/binfmt_misc', mounted: true, enabled: true },
  cpu: null,
};

describe('diagnose', () => {
  it('blames binfmt_misc switched off or unmounted before any handler', () => {
    const off = diagnose({
      ...base,
      lastLines: [REAL.execFormat],
      binfmt: { ...base.binfmt, enabled: false },
    });
    expect(off).toMatchObject({ kind: 'binfmt-off', title: 'binfmt_misc is switched off' });
    expect(off!.fix).toContain('echo 1 | sudo tee /proc/sys/fs/binfmt_misc/status');
    const unmounted = diagnose({
      ...base,
      lastLines: [REAL.execFormat],
      binfmt: { ...base.binfmt, mounted: false, enabled: null },
    });
    expect(unmounted).toMatchObject({ kind: 'binfmt-off', title: 'binfmt_misc is not mounted' });
    expect(unmounted!.fix).toMatch(/mount -t binfmt_misc/);
  });

  it('names the missing loader of a dynamic binary', () => {
    const d = diagnose({ ...base, exitCode: 255, lastLines: ['hello', REAL.loader] });
    expect(d).toMatchObject({ kind: 'missing-loader' });
    expect(d!.cause).toContain('/lib/ld-linux-aarch64.so.1');
    expect(d!.fix).toMatch(/static/);
  });

  it('sends an exec format error to the Emulators page', () => {
    const d = diagnose({
      ...base,
      imagePlatform: 'linux/riscv64',
      requestedPlatform: 'linux/riscv64',
      badge: { run: 'unavailable', emulatedBy: null },
      lastLines: [REAL.execFormat],
    });
    expect(d).toMatchObject({ kind: 'no-handler', link: '/emulators' });
    expect(d!.title).toContain('linux/riscv64');
  });

  it('blames a handler without F for a missing interpreter inside the container', () => {
    const d = diagnose({
      ...base,
      lastLines: [REAL.noSuchFile],
      handlersWithoutF: ['qemu-aarch64'],
    });
    expect(d).toMatchObject({ kind: 'handler-without-f' });
    expect(d!.fix).toMatch(/F/);
  });

  describe('an x86-64 level the CPU lacks', () => {
    const amd64: DiagnosisInput = {
      ...base,
      imagePlatform: 'linux/amd64',
      requestedPlatform: 'linux/amd64',
      badge: { run: 'emulated', emulatedBy: 'qemu-x86_64' },
      lastLines: [REAL.isaLevel],
    };

    it('with qemu’s default model: something lowered it; max, never Haswell', () => {
      const d = diagnose(amd64);
      expect(d).toMatchObject({ kind: 'cpu-level' });
      expect(d!.cause).toContain('default CPU model gives x86-64-v3');
      expect(d!.fix).toContain('CPU model max');
      expect(d!.fix).not.toMatch(/QEMU_CPU=|such as Haswell\)/);
      const named = diagnose({ ...amd64, lastLines: [REAL.isaLevelStatic] });
      expect(named!.cause).toContain('x86-64-v2');
    });

    it('with a lower model chosen: run it again with the default', () => {
      const d = diagnose({ ...amd64, lastLines: [REAL.isaLevelStatic], cpu: 'qemu64' });
      expect(d!.cause).toContain('CPU model qemu64');
      expect(d!.fix).toMatch(/default CPU model, which gives x86-64-v3 \(or Nehalem/);
    });

    it('v4: no model helps, as qemu has no AVX-512', () => {
      const d = diagnose({ ...amd64, lastLines: [REAL.isaLevelV4] });
      expect(d).toMatchObject({ kind: 'cpu-level', title: 'The binary needs x86-64-v4 (AVX-512)' });
      expect(d!.cause).toContain('qemu cannot emulate AVX-512');
      expect(d!.fix).toContain('No CPU model helps');
    });

    it('natively: the host’s own CPU, which no model changes', () => {
      const d = diagnose({ ...amd64, badge: { run: 'native', emulatedBy: null } });
      expect(d!.cause).toContain('this host’s own CPU');
      expect(d!.fix).toContain('No CPU model setting applies to a native run');
    });
  });

  it('calls an uncaught target signal an emulator problem', () => {
    const d = diagnose({ ...base, exitCode: 139, lastLines: [REAL.qemuSegv] });
    expect(d).toMatchObject({ kind: 'qemu-crash' });
    expect(d!.cause).toContain('11 (Segmentation fault)');
  });

  it('flags an image whose config arch is not the one asked for', () => {
    const d = diagnose({ ...base, imagePlatform: 'linux/s390x', requestedPlatform: 'linux/arm64' });
    expect(d).toMatchObject({ kind: 'arch-mismatch' });
  });

  it('says nothing about an ordinary failure', () => {
    expect(diagnose({ ...base, lastLines: ['grep: no match'] })).toBeNull();
  });
});

describe('stopDiagnosis', () => {
  it('explains a kill at the stop timeout, naming the shell when there is a TTY', () => {
    const shell = stopDiagnosis({ timeout: 10, killed: true }, true);
    expect(shell).toMatchObject({
      kind: 'stop-timeout',
      title: 'Killed after the 10 s stop timeout: it did not exit on SIGTERM',
    });
    expect(shell!.cause).toMatch(/10 s timeout.*SIGTERM.*SIGKILL.*137.*interactive shell/s);
    expect(shell!.fix).toMatch(/shorter timeout.*type exit/s);
    const program = stopDiagnosis({ timeout: 3, killed: true }, false);
    expect(program!.cause).not.toMatch(/shell/);
    expect(program!.fix).not.toMatch(/exit in its terminal/);
    expect(stopDiagnosis({ timeout: 0, killed: true }, true)!.title).toBe(
      'Killed at once: the stop timeout was 0 s',
    );
  });

  it('says nothing about a stop that SIGTERM ended', () => {
    expect(stopDiagnosis({ timeout: 10, killed: false }, true)).toBeNull();
  });
});
