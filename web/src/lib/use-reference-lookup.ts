import { useEffect, useState } from 'react';
import { samePlatform, type RemotePlatforms } from '@archdeck/shared';
import { defaultPlatform } from '@/components/platform-picker';
import { useRemotePlatforms } from './remote-platforms';
import type { LocalImage } from './run-target';

/** Long enough not to ask the registry about every prefix typed; short enough to feel live. */
const LOOKUP_DELAY_MS = 400;

/**
 * The platforms to pick from for a local image's reference: the registry's, with the local
 * image's own among them (added when the registry does not list it, or has not answered, or
 * cannot be asked: the image is here, and runs as it is).
 */
function withLocal(local: LocalImage, remote: RemotePlatforms | undefined): RemotePlatforms {
  if (!remote) {
    return {
      reference: local.reference,
      resolution: null,
      // Read nowhere: nothing to say about where it came from.
      source: { reference: local.reference, mirror: false },
      mediaType: '',
      digest: '',
      multiArch: false,
      platforms: [local.platform],
    };
  }
  if (remote.platforms.some((p) => samePlatform(p.platform, local.platform.platform)))
    return remote;
  return { ...remote, platforms: [...remote.platforms, local.platform] };
}

/**
 * What the Pull and Run dialogs begin with: an image reference as typed, the registry's
 * platforms for it once typing pauses, and the platform chosen among them (this host's own
 * by default). With `local`, a local image to run: its reference is filled in, asked about at
 * once, and its platform chosen; it stays offered while the reference is unchanged. Render it
 * with `ReferenceLookupFields`.
 */
export function useReferenceLookup(local?: LocalImage) {
  const [reference, setReference] = useState(local?.reference ?? '');
  const [lookup, setLookup] = useState(local?.reference ?? '');
  const [choice, setChoice] = useState<string | null>(local?.platform.platform ?? null);
  const platforms = useRemotePlatforms(lookup);

  const typed = reference.trim();
  // The registry is asked once typing pauses; Enter and leaving the field ask at once.
  useEffect(() => {
    if (typed === lookup) return;
    const timer = setTimeout(() => setLookup(typed), LOOKUP_DELAY_MS);
    return () => clearTimeout(timer);
  }, [typed, lookup]);

  const stale = typed !== lookup;
  const isLocal = local !== undefined && lookup === local.reference;
  const remote = isLocal ? withLocal(local, platforms.data) : platforms.data;
  // The local image's entry, however the registry spells its platform (arm64 or arm64/v8).
  const localPlatform = isLocal
    ? (remote?.platforms.find((p) => samePlatform(p.platform, local.platform.platform))?.platform ??
      null)
    : null;
  const chosen = isLocal && choice === local.platform.platform ? localPlatform : choice;
  const selected =
    remote && remote.platforms.some((p) => p.platform === chosen)
      ? chosen
      : remote
        ? defaultPlatform(remote.platforms)
        : null;
  /** Without the registry's answer the local image is all there is: asking, or it failed. */
  const localOnly = isLocal && !platforms.data ? (platforms.isError ? 'failed' : 'asking') : null;

  /** Why submitting cannot go ahead yet; `then` is the caller's own reason, checked last. */
  const blockedReason = (then: string | null = null) =>
    !typed
      ? 'Type an image reference first'
      : stale
        ? null // submitting looks it up
        : platforms.isFetching && !remote
          ? 'Asking the registry for its platforms…'
          : platforms.isError && !localOnly
            ? 'The registry lookup failed; press Enter in the reference to ask again'
            : !selected
              ? 'Choose a platform'
              : then;

  /**
   * On submit: looks an edited reference up, or asks again after a failed lookup, and gives
   * the reference and platform to act on only once both are settled.
   */
  const resolve = (): { ref: string; platform: string } | null => {
    if (!typed) return null;
    if (stale) {
      setLookup(typed);
      return null;
    }
    if (platforms.isError && !localOnly) {
      void platforms.refetch();
      return null;
    }
    if (!remote || !selected) return null;
    // The name the daemon resolved (a short name's alias or search registry): what is pulled.
    return { ref: remote.reference, platform: selected };
  };

  return {
    reference,
    setReference,
    /** Ask the registry now rather than when typing pauses. */
    lookUpNow: () => {
      if (typed) setLookup(typed);
    },
    lookup,
    stale,
    platforms,
    remote,
    /** The local image's platform, marked in the list, while the reference is the local image's. */
    localPlatform,
    localOnly,
    selected,
    setChoice,
    blockedReason,
    resolve,
  };
}

export type ReferenceLookup = ReturnType<typeof useReferenceLookup>;
