import clsx from 'clsx';

/** An OCI platform string (or an entry name), set in mono so `linux/arm/v7` reads as one token. */
export function PlatformChip({ platform, muted = false }: { platform: string; muted?: boolean }) {
  return (
    <span
      className={clsx(
        'inline-flex items-center rounded-md px-1.5 py-0.5 font-mono text-xs ring-1 ring-line ring-inset',
        muted ? 'text-subtle' : 'bg-sunken text-fg',
      )}
    >
      {platform}
    </span>
  );
}

export function PlatformChips({
  platforms,
  muted,
  empty = 'none',
}: {
  platforms: string[];
  muted?: boolean;
  empty?: string;
}) {
  if (platforms.length === 0) return <span className="text-sm text-subtle italic">{empty}</span>;
  return (
    <ul className="flex flex-wrap gap-1.5">
      {platforms.map((platform) => (
        <li key={platform}>
          <PlatformChip platform={platform} muted={muted} />
        </li>
      ))}
    </ul>
  );
}
