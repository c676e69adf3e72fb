import { useState } from 'react';
import type { Preset } from '@archdeck/shared';
import { Play, Rocket } from 'lucide-react';
import { Button } from '@/components/button';
import { Card } from '@/components/card';
import { ErrorNotice } from '@/components/error-notice';
import { runLabel } from '@/components/run-badge';
import { Skeleton } from '@/components/spinner';
import { usePresets } from '../api/get-presets';
import { LaunchStatus } from './launch-status';
import { archId, archLabel } from './labels';
import { useLaunch } from './use-launch';

function PresetItem({
  preset,
  launch,
  launching,
  onLaunch,
}: {
  preset: Preset;
  launch: ReturnType<typeof useLaunch>;
  /** The platform of this preset being launched, if it is the one. */
  launching: string | null;
  onLaunch: (platform: string) => void;
}) {
  return (
    <li data-testid={`preset-${preset.id}`} className="space-y-2.5 py-3.5 first:pt-0 last:pb-0">
      <div>
        <p className="flex flex-wrap items-baseline gap-x-2 gap-y-0.5">
          <span className="text-sm font-medium">{preset.title}</span>
          <span className="font-mono text-xs text-subtle">{preset.image}</span>
        </p>
        <p className="mt-0.5 text-sm text-muted">{preset.description}</p>
      </div>
      {preset.platforms.length === 0 ? (
        <p className="text-sm text-muted italic">
          This host can run none of its platforms: register an emulator on the Emulators page.
        </p>
      ) : (
        <ul className="flex flex-wrap gap-2">
          {preset.platforms.map((p) => {
            const how = runLabel(p, p.platform);
            const mine = launching === p.platform;
            return (
              <li key={p.platform}>
                <Button
                  size="sm"
                  variant={p.run === 'native' ? 'secondary' : 'primary'}
                  icon={<Play aria-hidden />}
                  busy={mine && launch.busy}
                  disabledReason={launch.busy && !mine ? 'Another container is starting' : null}
                  title={`${how.label}: ${how.explanation}`}
                  onClick={() => onLaunch(p.platform)}
                  data-testid={`preset-${preset.id}-${archId(p.platform)}`}
                >
                  Run {preset.title} as {archLabel(p.platform)}
                </Button>
              </li>
            );
          })}
        </ul>
      )}
      {launching !== null && (
        <LaunchStatus launch={launch} errorTestId={`preset-error-${preset.id}`} />
      )}
    </li>
  );
}

/**
 * Ready-made containers, one button per architecture this host can run them as: one click
 * pulls the image for it (with progress), runs it, and opens its logs.
 */
export function PresetsPanel() {
  const presets = usePresets();
  const launch = useLaunch();
  const [launching, setLaunching] = useState<{ id: string; platform: string } | null>(null);

  const start = (preset: Preset, platform: string) => {
    setLaunching({ id: preset.id, platform });
    launch.launch({
      image: preset.image,
      platform,
      cmd: preset.cmd ?? undefined,
      tty: preset.tty,
    });
  };

  if (presets.isPending) {
    return <Skeleton className="h-32" />;
  }
  if (!presets.data) {
    return (
      <ErrorNotice
        title="Could not load the presets"
        error={presets.error}
        onRetry={() => void presets.refetch()}
      />
    );
  }
  if (presets.data.length === 0) return null;

  return (
    <Card
      title="Try one"
      icon={<Rocket />}
      data-testid="presets"
      aside={<span className="text-xs text-muted">pulls, runs, opens its logs</span>}
    >
      <ul className="divide-y divide-line">
        {presets.data.map((preset) => (
          <PresetItem
            key={preset.id}
            preset={preset}
            launch={launch}
            launching={launching?.id === preset.id ? launching.platform : null}
            onLaunch={(platform) => start(preset, platform)}
          />
        ))}
      </ul>
    </Card>
  );
}
