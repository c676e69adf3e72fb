import type { ContainerState, ContainerSummary } from '@archdeck/shared';
import type { Tone } from '@/components/badge';

/** Green runs, red exited with an error, amber is on its way somewhere; grey is at rest. */
export function stateTone(container: Pick<ContainerSummary, 'state' | 'exitCode'>): Tone {
  const tones: Record<ContainerState, Tone> = {
    running: 'ok',
    created: 'neutral',
    exited: container.exitCode !== null && container.exitCode !== 0 ? 'error' : 'neutral',
    paused: 'warning',
    restarting: 'warning',
    stopping: 'warning',
    removing: 'warning',
    unknown: 'neutral',
  };
  return tones[container.state];
}

/**
 * The architecture part of a platform, as people say it: `linux/arm64` → `arm64`,
 * `linux/arm/v7` → `arm/v7`; other operating systems keep their name.
 */
export function archLabel(platform: string): string {
  return platform.startsWith('linux/') ? platform.slice('linux/'.length) : platform;
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
