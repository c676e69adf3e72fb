import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';

/**
 * Whether this page was opened from a tokened link whose token the daemon did not take: it
 * redirects those to the same page with `auth=rejected` (and never the token). The flag is
 * read once and taken out of the address, so a reload or a bookmark does not repeat it.
 */
export function useRejectedLink(): boolean {
  const [params, setParams] = useSearchParams();
  const [rejected] = useState(() => params.get('auth') === 'rejected');
  useEffect(() => {
    if (!params.has('auth')) return;
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        next.delete('auth');
        return next;
      },
      { replace: true },
    );
  }, [params, setParams]);
  return rejected;
}
