import { useEffect, useLayoutEffect, useRef, type FocusEvent, type RefObject } from 'react';
import { useNavigationType } from 'react-router';

/** Whether keyboard focus was lost: the element that had it went away, leaving the body. */
const focusIsLost = () =>
  document.activeElement === null || document.activeElement === document.body;

/**
 * Gives a page's heading (`tabIndex={-1}`) focus when the page is reached from within the app
 * and focus was lost on the way, as when the Run dialog or a Remove button that led here went
 * away: keyboard and screen reader users then carry on from the top of the new page. A page
 * loaded afresh, or through Back, is left alone; focus starts at the skip link there.
 */
export function useArrivalFocus(heading: RefObject<HTMLElement | null>) {
  const navigation = useNavigationType();
  useEffect(() => {
    if (navigation !== 'POP' && focusIsLost()) heading.current?.focus();
  }, [navigation, heading]);
}

/**
 * Keeps keyboard focus in a list whose rows can go away under it (removed with their own
 * button, or by anyone): when the row that had focus goes, focus moves to the row now in its
 * place (the one before, if it was last), or to `fallback`, the list's heading, once no row is
 * left, rather than dropping to the page body. Spread `listProps` on an element around the
 * rows, and mark each row's elements with `data-row-id`; its first link or button takes focus.
 */
export function useFocusAfterRemoval(
  ids: readonly string[],
  fallback: RefObject<HTMLElement | null>,
) {
  const list = useRef<HTMLDivElement>(null);
  const focusedRow = useRef<string | null>(null);
  const shown = useRef(ids);

  useLayoutEffect(() => {
    const before = shown.current;
    shown.current = ids;
    const gone = focusedRow.current;
    if (gone === null || ids.includes(gone)) return;
    focusedRow.current = null;
    if (!focusIsLost()) return;
    const at = before.indexOf(gone);
    const stays = (id: string) => ids.includes(id);
    const next =
      before.slice(at + 1).find(stays) ?? before.slice(0, Math.max(at, 0)).reverse().find(stays);
    const row =
      next === undefined
        ? null
        : list.current?.querySelector(`[data-row-id="${CSS.escape(next)}"]`);
    (row?.querySelector<HTMLElement>('a[href], button') ?? fallback.current)?.focus();
  }, [ids, fallback]);

  return {
    ref: list,
    onFocus: (event: FocusEvent<HTMLElement>) => {
      focusedRow.current =
        (event.target as Element).closest<HTMLElement>('[data-row-id]')?.dataset.rowId ?? null;
    },
    // Focus moved on elsewhere; a removed element's blur has no next target.
    onBlur: (event: FocusEvent<HTMLElement>) => {
      if (event.relatedTarget && !event.currentTarget.contains(event.relatedTarget)) {
        focusedRow.current = null;
      }
    },
  };
}

export type RowFocus = ReturnType<typeof useFocusAfterRemoval>;
