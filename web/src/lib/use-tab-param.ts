import { useSearchParams } from 'react-router';

/**
 * A page's chosen tab, kept in the address (`?tab=…`) so that a link or a reload opens the same
 * section. The first of `ids` is the default and leaves the address clean; anything unknown
 * falls back to it. Choosing replaces the history entry instead of adding one: arrow keys
 * choose tabs as they move over them.
 */
export function useTabParam(ids: readonly string[]): [string, (id: string) => void] {
  const [params, setParams] = useSearchParams();
  const asked = params.get('tab');
  const selected = asked !== null && ids.includes(asked) ? asked : ids[0]!;
  const select = (id: string) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (id === ids[0]) next.delete('tab');
        else next.set('tab', id);
        return next;
      },
      { replace: true },
    );
  return [selected, select];
}
