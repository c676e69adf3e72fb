import type { ReactNode } from 'react';
import clsx from 'clsx';
import type { RemotePlatform, RemotePlatforms } from '@archdeck/shared';
import { Layers3, TriangleAlert } from 'lucide-react';
import { shortDigest } from '@/lib/format';
import { submitOnEnter } from './form';
import { Badge } from './badge';
import { ComparePlatformsButton } from './platform-compare';
import { RunBadge } from './run-badge';

/** What to preselect: this host's own platform, else one an emulator runs, else the first. */
export function defaultPlatform(platforms: RemotePlatform[]): string | null {
  const pick =
    platforms.find((p) => p.run === 'native') ??
    platforms.find((p) => p.run === 'emulated') ??
    platforms[0];
  return pick?.platform ?? null;
}

/**
 * `<prefix>-linux-arm64`; the variant is added only when two entries share os and arch
 * (linux/arm/v6 and linux/arm/v7), so the common ids stay short and stable.
 */
function testIdFor(prefix: string, platform: RemotePlatform, all: RemotePlatform[]): string {
  const base = `${prefix}-${platform.os}-${platform.architecture}`;
  const shared = all.filter(
    (p) => p.os === platform.os && p.architecture === platform.architecture,
  ).length;
  return shared > 1 && platform.variant ? `${base}-${platform.variant}` : base;
}

/**
 * How the name looked up came to be, when it is not what was typed: the short name and the
 * alias or search registry that qualified it; and the mirror or rewritten location it was
 * read from, when not the registry it names. podman pulls it the same way.
 */
function WhereFrom({ remote, idPrefix }: { remote: RemotePlatforms; idPrefix: string }) {
  const { resolution, source } = remote;
  if (!resolution && source.reference === remote.reference) return null;
  return (
    <div className="space-y-0.5 text-xs text-muted">
      {resolution && (
        <p data-testid={`${idPrefix}-resolution`} className="break-words">
          <span className="font-mono text-fg">{resolution.input}</span> is a short name:{' '}
          {resolution.rationale === 'alias'
            ? 'its alias'
            : `the search registries (${resolution.candidates.length} tried in order)`}
          {resolution.source && (
            <>
              {' '}
              in <span className="font-mono break-all">{resolution.source}</span>
            </>
          )}{' '}
          made it this name.
        </p>
      )}
      {source.reference !== remote.reference && (
        <p data-testid={`${idPrefix}-source`} className="break-words">
          Read from {source.mirror ? 'the mirror' : 'the location registries.conf gives it,'}{' '}
          <span className="font-mono break-all text-fg">{source.reference}</span>
        </p>
      )}
    </div>
  );
}

/**
 * The platforms a reference offers, as radio buttons (arrow keys move between them, Enter
 * submits). Ones this host cannot run stay selectable; `unavailableNote` says what choosing
 * one means where the picker is used (pulled to inspect, or a container that will not start).
 */
export function PlatformPicker({
  remote,
  selected,
  onSelect,
  onSubmit,
  stale,
  idPrefix,
  unavailableNote,
  localPlatform = null,
  registryAnswered = true,
}: {
  remote: RemotePlatforms;
  selected: string | null;
  onSelect: (platform: string) => void;
  /** Enter on an option: native radios do not submit their form in every browser. */
  onSubmit: () => void;
  /** The reference was edited since: these are the previous reference's platforms. */
  stale: boolean;
  /** The radio group's name and the start of each test id: `pull-platform-linux-arm64`. */
  idPrefix: string;
  unavailableNote: (platform: string) => ReactNode;
  /** The platform of a local image the reference names, marked "here". */
  localPlatform?: string | null;
  /** False while the list is only the local image's (the registry has not answered). */
  registryAnswered?: boolean;
}) {
  const chosen = remote.platforms.find((p) => p.platform === selected);
  return (
    <fieldset className={clsx('space-y-2 transition-opacity', stale && 'opacity-50')}>
      <legend className="text-sm font-medium">Platform</legend>
      <p className="flex flex-wrap items-center gap-x-2 gap-y-1 text-xs text-muted">
        <Layers3 aria-hidden className="size-3.5" />
        <span className="font-mono break-all text-fg">{remote.reference}</span>
        {registryAnswered ? (
          <>
            <span>
              {remote.multiArch
                ? `multi-arch, ${remote.platforms.length} platform${remote.platforms.length === 1 ? '' : 's'}`
                : 'single platform'}
            </span>
            <span className="font-mono" title={remote.digest}>
              {shortDigest(remote.digest)}
            </span>
          </>
        ) : (
          <span>the local image</span>
        )}
        {registryAnswered && remote.platforms.length > 1 && !stale && (
          <span className="ml-auto">
            <ComparePlatformsButton reference={remote.reference} />
          </span>
        )}
      </p>
      <WhereFrom remote={remote} idPrefix={idPrefix} />
      {remote.platforms.length === 0 ? (
        <p className="text-sm text-muted">The registry lists no platforms for this reference.</p>
      ) : (
        <div
          onKeyDown={submitOnEnter(onSubmit)}
          className="grid max-h-72 gap-1 overflow-y-auto rounded-lg border border-line bg-canvas p-1.5"
        >
          {remote.platforms.map((p) => (
            <label
              key={p.platform}
              className={clsx(
                'flex cursor-pointer items-center gap-2.5 rounded-md px-2.5 py-2 text-sm ring-1 ring-transparent hover:bg-sunken',
                selected === p.platform && 'bg-surface ring-zinc-400 dark:ring-zinc-500',
                'has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-zinc-500',
              )}
            >
              <input
                type="radio"
                name={idPrefix}
                value={p.platform}
                checked={selected === p.platform}
                onChange={() => onSelect(p.platform)}
                data-testid={testIdFor(idPrefix, p, remote.platforms)}
                className="accent-zinc-900 dark:accent-zinc-100"
              />
              <span className="min-w-0 flex-1">
                <span className="block font-mono text-[13px]">{p.platform}</span>
                {/* `size` is the manifest's, not the image's: the digest says more. */}
                {p.digest && (
                  <span className="block font-mono text-xs text-subtle" title={p.digest}>
                    {shortDigest(p.digest)}
                  </span>
                )}
              </span>
              {p.platform === localPlatform && (
                <Badge tone="neutral" title="This image is in podman’s storage: it runs as it is.">
                  here
                </Badge>
              )}
              <RunBadge badge={p} platform={p.platform} />
            </label>
          ))}
        </div>
      )}
      {chosen?.run === 'unavailable' && (
        <p
          data-testid={`${idPrefix}-warning`}
          className="flex gap-2 text-sm text-amber-800 dark:text-amber-300"
        >
          <TriangleAlert aria-hidden className="mt-0.5 size-4 shrink-0" />
          <span>{unavailableNote(chosen.platform)}</span>
        </p>
      )}
    </fieldset>
  );
}
