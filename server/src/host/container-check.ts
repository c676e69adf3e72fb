/**
 * Can podman start a container here? Asked of podman itself after every (re)connect, by
 * running the daemon's native smoke-test probe (FROM scratch, built locally: no registry is
 * involved). The configuration that podman was given can look right and still fail at the
 * first start (rlimits above the service's own, a runtime the cgroup setup refuses); the
 * Host page shows this verdict first, with podman's words and the fix.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { ContainerCheck, PodmanHealth } from '@archdeck/shared';
import type { Engine } from '../engine/engine.js';
import type { EngineEvents } from '../engine/events.js';
import type { SmokeTestService } from '../emulators/smoke-test.js';

const UNKNOWN: ContainerCheck = { canStart: 'unknown', error: null, fix: null, checkedAt: null };

/** What to change, for the failures a host's configuration causes. */
export function fixFor(error: string, podman: Pick<PodmanHealth, 'mode' | 'socket'>): string {
  const managed = podman.mode === 'managed';
  if (/error setting rlimit/i.test(error)) {
    return managed
      ? 'archdeck generated this service\'s containers.conf to fit its limits, yet runc could not apply them: see `cat /proc/$(pgrep -f "podman system service")/limits` and report it.'
      : `The podman service at ${podman.socket} gives containers higher rlimits than it may (it lacks CAP_SYS_RESOURCE). Set default_ulimits in /etc/containers/containers.conf under [containers] to at most its own hard limits (cat /proc/$(pgrep -f "podman system service")/limits), e.g. default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"], and restart the service; or stop it, and archdeck starts its own podman that fits.`;
  }
  if (/hybrid mode|cgroups.*not supported/i.test(error)) {
    return 'crun (podman\'s default runtime) refuses hybrid cgroups: apt-get install -y runc, and set runtime = "runc" under [engine] in /etc/containers/containers.conf; then restart the podman service.';
  }
  if (
    /executable file not found|no such file or directory.*(runc|crun)|runtime.*not found/i.test(
      error,
    )
  ) {
    return 'podman cannot find its OCI runtime: apt-get install -y runc (or crun).';
  }
  return "Try one by hand to see podman's whole error: podman run --rm --arch amd64 <an image you have> true";
}

export class ContainerChecker {
  private verdict: ContainerCheck = UNKNOWN;
  private running: Promise<void> | null = null;

  constructor(
    private readonly o: {
      engine: Engine;
      smokeTests: SmokeTestService;
      events: EngineEvents;
      /** The host's OCI architecture: the probe runs natively. */
      arch: string;
      log: FastifyBaseLogger;
    },
  ) {
    o.engine.onState((reachable) => {
      if (reachable) void this.check();
      else this.set(UNKNOWN);
    });
  }

  get current(): ContainerCheck {
    return this.verdict;
  }

  /** Resolves when no check is running. */
  async idle(): Promise<void> {
    await this.running;
  }

  /** Runs the probe once (a check in flight is joined). */
  check(): Promise<void> {
    this.running ??= this.run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async run(): Promise<void> {
    this.set({ ...this.verdict, canStart: 'checking' });
    const checkedAt = () => new Date().toISOString();
    try {
      const result = await this.o.smokeTests.test(this.o.arch);
      if (result.passed) {
        this.set({ canStart: 'yes', error: null, fix: null, checkedAt: checkedAt() });
        return;
      }
      await this.fail(result.failure ?? result.output, checkedAt());
    } catch (err) {
      await this.fail((err as Error).message, checkedAt());
    }
  }

  /** A failure while podman went away says nothing about containers: unknown, not no. */
  private async fail(error: string, checkedAt: string): Promise<void> {
    const podman = await this.o.engine.health();
    if (!podman.reachable) return this.set(UNKNOWN);
    this.o.log.warn({ error }, 'podman could not start a container');
    this.set({ canStart: 'no', error, fix: fixFor(error, podman), checkedAt });
  }

  private set(verdict: ContainerCheck): void {
    this.verdict = verdict;
    this.o.events.publish({ kind: 'host', action: verdict.canStart, id: null });
  }
}
