import { useEffect, useState } from 'react';
import { defaultPlatform } from '@/components/platform-picker';
import { useRemotePlatforms } from './remote-platforms';

/** Long enough not to ask the registry about every prefix typed; short enough to feel live. */
const LOOKUP_DELAY_MS = 400;

/**
 * What the Pull and Run dialogs begin with: an image reference as typed, the registry's
 * platforms for it once typing pauses, and the platform chosen among them (this host's own
 * by default). Render it with `ReferenceLookupFields`.
 */
export function useReferenceLookup() {
  const [reference, setReference] = useState('');
  const [lookup, setLookup] = useState('');
  const [choice, setChoice] = useState<string | null>(null);
  const platforms = useRemotePlatforms(lookup);

  const typed = reference.trim();
  // The registry is asked once typing pauses; Enter and leaving the field ask at once.
  useEffect(() => {
    if (typed === lookup) return;
    const timer = setTimeout(() => setLookup(typed), LOOKUP_DELAY_MS);
    return () => clearTimeout(timer);
  }, [typed, lookup]);

  const stale = typed !== lookup;
  const remote = platforms.data;
  const selected =
    remote && remote.platforms.some((p) => p.platform === choice)
      ? choice
      : remote
        ? defaultPlatform(remote.platforms)
        : null;

  /** Why submitting cannot go ahead yet; `then` is the caller's own reason, checked last. */
  const blockedReason = (then: string | null = null) =>
    !typed
      ? 'Type an image reference first'
      : stale
        ? null // submitting looks it up
        : platforms.isFetching && !remote
          ? 'Asking the registry for its platforms…'
          : platforms.isError
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
    if (platforms.isError) {
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
    selected,
    setChoice,
    blockedReason,
    resolve,
  };
}

export type ReferenceLookup = ReturnType<typeof useReferenceLookup>;
