/**
 * Explains why a container on a foreign architecture failed, from what we can see: its exit
 * code, its last log lines, its image's architecture and the emulator state. Each class
 * matches the words the kernel, runc, qemu or glibc really print (see the tests).
 */
import { archSuffix, type Diagnosis, type RunBadge, type StopOutcome } from '@archdeck/shared';

export interface DiagnosisInput {
  exitCode: number | null;
  /** The last lines of stdout and stderr together. */
  lastLines: string[];
  /** os/arch[/variant] from the image config. */
  imagePlatform: string;
  /** The platform the container was asked to run as (our label), when known. */
  requestedPlatform: string | null;
  /** How this host runs the image's platform now. */
  badge: RunBadge;
  /** Handlers for the image's platform that lack the F flag. */
  handlersWithoutF: string[];
  /** binfmt_misc itself: not mounted, or switched off as a whole, no handler is used. */
  binfmt: { root: string; mounted: boolean; enabled: boolean | null };
  /** The emulated CPU model it was run with (our label); null for qemu's default. */
  cpu: string | null;
}

const LOADER = /Could not open '([^']+)': No such file or directory/;
const ISA_LEVEL = /CPU (?:ISA level is lower than required|does not support (x86-64-v\d))/;
const QEMU_SIGNAL = /qemu: uncaught target signal (\d+) \(([^)]+)\)/;
const EXEC_FORMAT = /exec format error/i;
const NO_SUCH_FILE_EXEC = /exec [^:]+: no such file or directory/i;

export function diagnose(d: DiagnosisInput): Diagnosis | null {
  const text = d.lastLines.join('\n');
  const platform = d.imagePlatform;

  if (d.requestedPlatform && archSuffix(d.requestedPlatform) !== archSuffix(platform)) {
    return {
      kind: 'arch-mismatch',
      title: 'The image is not for the platform asked for',
      cause: `The container was asked to run as ${d.requestedPlatform}, but its image's config says ${platform}.`,
      fix: `Pull the ${d.requestedPlatform} variant of the image, or run it as ${platform}.`,
    };
  }
  const loader = LOADER.exec(text);
  if (loader) {
    return {
      kind: 'missing-loader',
      title: 'A dynamic binary without its loader',
      cause: `The program is dynamically linked and needs the loader ${loader[1]}, which the image does not contain (typical for a FROM scratch image).`,
      fix: `Build the program statically (e.g. gcc -static, CGO_ENABLED=0), or use a base image for ${platform} that ships ${loader[1]} (debian, ubuntu, alpine with gcompat).`,
    };
  }
  const isa = ISA_LEVEL.exec(text);
  if (isa) return cpuLevel(isa[1] ?? null, d);
  const signal = QEMU_SIGNAL.exec(text);
  if (signal) {
    return {
      kind: 'qemu-crash',
      title: 'The program crashed under emulation',
      cause: `qemu reported an uncaught signal ${signal[1]} (${signal[2]}) in the emulated program. This is often an emulator limitation or bug rather than a bug in the image.`,
      fix: `Try a native ${platform} host (or a CI runner of that architecture), a newer qemu-user-static, or another base image.`,
    };
  }
  const foreign = EXEC_FORMAT.test(text) || (d.badge.run === 'unavailable' && d.exitCode !== 0);
  if (foreign && (!d.binfmt.mounted || d.binfmt.enabled === false)) {
    return {
      kind: 'binfmt-off',
      title: d.binfmt.mounted ? 'binfmt_misc is switched off' : 'binfmt_misc is not mounted',
      cause: d.binfmt.mounted
        ? `Every handler is ignored while binfmt_misc is globally disabled (${d.binfmt.root}/status says disabled), so the kernel cannot run ${platform} binaries ("exec format error").`
        : `binfmt_misc is not mounted at ${d.binfmt.root}, so the kernel knows no emulator and cannot run ${platform} binaries ("exec format error").`,
      fix: d.binfmt.mounted
        ? `Enable it again: echo 1 | sudo tee ${d.binfmt.root}/status (or on the Host page), then run the container again.`
        : `Mount it: sudo mount -t binfmt_misc binfmt_misc ${d.binfmt.root} (or on the Host page), then run the container again.`,
      link: '/',
    };
  }
  if ((NO_SUCH_FILE_EXEC.test(text) || EXEC_FORMAT.test(text)) && d.handlersWithoutF.length > 0) {
    return {
      kind: 'handler-without-f',
      title: 'The emulator is not visible inside containers',
      cause: `The handler ${d.handlersWithoutF.join(', ')} for ${platform} is registered without the F flag, so the kernel looks for its interpreter inside the container, where it does not exist.`,
      fix: 'Re-register the handler with the F (fix binary) flag on the Emulators page.',
      link: '/emulators',
    };
  }
  if (foreign) {
    return {
      kind: 'no-handler',
      title: `No emulator for ${platform}`,
      cause: `The kernel does not know how to run ${platform} binaries: no enabled binfmt_misc handler matches them ("exec format error").`,
      fix: `Register an emulator for ${platform} on the Emulators page (needs qemu-user-static), then run the container again.`,
      link: '/emulators',
    };
  }
  return null;
}

/**
 * An x86-64 binary that needs a higher micro-architecture level than its CPU has. Measured
 * with qemu-user-static 7.2 (server/src/emulators/cpu-models.ts): its default model already
 * gives x86-64-v3, qemu64 v1 and Nehalem v2; no model gives v4, as qemu implements no AVX-512;
 * named models such as Haswell warn at every program start and give no more than the default.
 */
function cpuLevel(level: string | null, d: DiagnosisInput): Diagnosis {
  const needs = level ?? 'a higher x86-64 micro-architecture level';
  const native = d.badge.run === 'native';
  if (level === 'x86-64-v4') {
    return {
      kind: 'cpu-level',
      title: 'The binary needs x86-64-v4 (AVX-512)',
      cause: native
        ? 'The binary needs x86-64-v4, that is AVX-512, and this host’s own CPU, which runs it natively, has none.'
        : 'The binary needs x86-64-v4, that is AVX-512, and qemu cannot emulate AVX-512: no CPU model gives it.',
      fix: 'No CPU model helps. Run it on a machine whose CPU has AVX-512, or use an image built for x86-64-v3 or lower.',
    };
  }
  if (native) {
    return {
      kind: 'cpu-level',
      title: 'The CPU is too old for this binary',
      cause: `The binary needs ${needs}. ${d.imagePlatform} runs natively here, so the program sees this host’s own CPU, or that of an emulator the image starts itself, and it lacks that level.`,
      fix: 'No CPU model setting applies to a native run. Run it on a newer CPU or use an image built for a lower level; if the image starts qemu itself, leave qemu at its default model or give it -cpu max.',
    };
  }
  // max is what the last case suggests; one that lacks the level is an older qemu's.
  if (d.cpu && !/^max(,|$)/.test(d.cpu)) {
    return {
      kind: 'cpu-level',
      title: 'The emulated CPU model is too old for this binary',
      cause: `The binary needs ${needs}, and the container was run with the CPU model ${d.cpu}, which lacks it.`,
      fix: `Run it again with the default CPU model, which gives x86-64-v3${level === 'x86-64-v2' ? ' (or Nehalem, which gives exactly x86-64-v2)' : ''}.`,
    };
  }
  return {
    kind: 'cpu-level',
    title: 'The emulated CPU is too old for this binary',
    cause: `The binary needs ${needs}. qemu-user-static 7.2’s default CPU model gives x86-64-v3, so something lowered it: a QEMU_CPU in the image’s environment, an older qemu-user-static whose default is qemu64 (x86-64-v1), or another emulator.`,
    fix: 'Run it with the CPU model max (CPU model in the Run dialog), or upgrade qemu-user-static. A named model such as Haswell gives no more, and makes qemu warn at every program start.',
  };
}

/**
 * Why a container that archdeck stopped ended with SIGKILL; null when it exited on SIGTERM
 * (that exit is what was asked for). An interactive shell on a TTY ignores SIGTERM, which is
 * why a shell container always ends this way (seen with busybox sh and bash).
 */
export function stopDiagnosis(stop: StopOutcome, tty: boolean): Diagnosis | null {
  if (!stop.killed) return null;
  const seconds = `${stop.timeout} s`;
  const sigkill = 'podman sent SIGKILL (exit code 137 is 128 + 9, killed by signal 9)';
  if (stop.timeout === 0) {
    return {
      kind: 'stop-timeout',
      title: 'Killed at once: the stop timeout was 0 s',
      cause: `It was stopped from archdeck with a 0 s timeout, so ${sigkill} without waiting.`,
      fix: 'Nothing is broken. To give it a chance to shut down cleanly, stop it with a longer timeout.',
    };
  }
  return {
    kind: 'stop-timeout',
    title: `Killed after the ${seconds} stop timeout: it did not exit on SIGTERM`,
    cause:
      `It was stopped from archdeck with a ${seconds} timeout: podman sent SIGTERM, the process had not exited ${seconds} later, so ${sigkill}. ` +
      (tty
        ? 'An interactive shell on a TTY ignores SIGTERM, so a shell container always ends this way.'
        : 'The process ignores SIGTERM, or takes longer than that to shut down.'),
    fix:
      'Nothing is broken. To stop it sooner, choose a shorter timeout when you stop it (0 kills at once)' +
      (tty ? ', or type exit in its terminal.' : '.') +
      ' A program that should shut down cleanly must exit on SIGTERM.',
  };
}
