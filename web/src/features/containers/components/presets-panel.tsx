import { useRef, useState } from 'react';
import type { Preset } from '@archdeck/shared';
import { Plus, Rocket } from 'lucide-react';
import { Button } from '@/components/button';
import { Card } from '@/components/card';
import { ErrorNotice } from '@/components/error-notice';
import { Skeleton } from '@/components/spinner';
import { useFocusAfterRemoval } from '@/lib/focus';
import { usePresets } from '../api/get-presets';
import { PresetDialog } from './preset-dialog';
import { PresetFixes } from './preset-fixes';
import { PresetItem } from './preset-item';
import { useLaunch } from './use-launch';

/**
 * The user's presets, one Run button per platform each is offered as: one click pulls the image
 * for it (with progress), runs it, and opens its logs. Presets are added, edited and removed
 * here; the daemon keeps them.
 */
export function PresetsPanel() {
  const presets = usePresets();
  const launch = useLaunch();
  const [launching, setLaunching] = useState<{ id: string; platform: string } | null>(null);
  const [editing, setEditing] = useState<Preset | 'new' | null>(null);
  const addButton = useRef<HTMLButtonElement>(null);
  const all = presets.data;
  const rowFocus = useFocusAfterRemoval(all?.map((p) => p.id) ?? [], addButton);

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
  if (!all) {
    return (
      <ErrorNotice
        title="Could not load the presets"
        error={presets.error}
        onRetry={() => void presets.refetch()}
      />
    );
  }

  return (
    <Card
      title="Presets"
      icon={<Rocket />}
      data-testid="presets"
      aside={
        <div className="flex items-center gap-3">
          <span className="hidden text-xs text-muted sm:inline">pulls, runs, opens its logs</span>
          <Button
            ref={addButton}
            size="sm"
            icon={<Plus aria-hidden />}
            onClick={() => setEditing('new')}
            aria-haspopup="dialog"
            data-testid="preset-add"
          >
            Add preset
          </Button>
        </div>
      }
    >
      {presets.isError && (
        <div className="mb-4">
          <ErrorNotice
            title="Could not refresh; showing the last known presets"
            error={presets.error}
            onRetry={() => void presets.refetch()}
          />
        </div>
      )}
      <PresetFixes presets={all} />
      {all.length === 0 ? (
        <p data-testid="presets-empty" className="text-sm text-muted">
          No presets. Add an image you run often: it is offered as each platform its index lists
          that this host runs, one click each.
        </p>
      ) : (
        <div {...rowFocus}>
          <ul className="divide-y divide-line">
            {all.map((preset) => (
              <PresetItem
                key={preset.id}
                preset={preset}
                launch={launch}
                launching={launching?.id === preset.id ? launching.platform : null}
                onLaunch={(platform) => start(preset, platform)}
                onEdit={() => setEditing(preset)}
              />
            ))}
          </ul>
        </div>
      )}
      {editing && (
        <PresetDialog
          preset={editing === 'new' ? undefined : editing}
          taken={new Set(all.map((p) => p.id))}
          onClose={() => setEditing(null)}
        />
      )}
    </Card>
  );
}
