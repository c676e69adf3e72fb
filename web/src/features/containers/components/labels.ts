import {
  archLabel,
  type ContainerState,
  type ContainerSummary,
  type StopOutcome,
} from '@archdeck/shared';
import type { Tone } from '@/components/badge';

/**
 * An exit with an error: not 0, and not how a stop asked for through archdeck ended it (137 or
 * 143 then is what was asked for).
 */
export const failedExit = (container: Pick<ContainerSummary, 'exitCode' | 'stop'>) =>
  container.exitCode !== null && container.exitCode !== 0 && !container.stop;

/** Green runs, red exited with an error, amber is on its way somewhere; grey is at rest. */
export function stateTone(container: Pick<ContainerSummary, 'state' | 'exitCode' | 'stop'>): Tone {
  const tones: Record<ContainerState, Tone> = {
    running: 'ok',
    created: 'neutral',
    exited: failedExit(container) ? 'error' : 'neutral',
    paused: 'warning',
    restarting: 'warning',
    stopping: 'warning',
    removing: 'warning',
    unknown: 'neutral',
  };
  return tones[container.state];
}

/** `arm/v7` → `arm-v7`, for test ids. */
export const archId = (platform: string) => archLabel(platform).replaceAll('/', '-');

/** What a person calls the container: its name, else its short id. */
export const containerName = (container: Pick<ContainerSummary, 'name' | 'shortId'>) =>
  container.name || container.shortId;

/** The command as a readable line: arguments with blanks or quotes are quoted. */
export function commandLine(argv: string[]): string {
  return argv
    .map((arg) =>
      arg === '' || /[\s'"\\$`]/.test(arg) ? `'${arg.replaceAll("'", `'\\''`)}'` : arg,
    )
    .join(' ');
}

/** Why a stop ended in SIGKILL, for the list; the container page explains it at length. */
export const stopNote = (stop: StopOutcome) =>
  stop.timeout === 0
    ? 'killed at once: the stop timeout was 0 s'
    : `killed after the ${stop.timeout} s stop timeout: it did not exit on SIGTERM`;
