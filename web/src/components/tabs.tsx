import { useId, useRef, type KeyboardEvent, type ReactNode } from 'react';
import clsx from 'clsx';
import { Count } from './badge';

export interface Tab {
  /** Stable and URL-safe: it is what `useTabParam` puts in the address. */
  id: string;
  label: string;
  icon?: ReactNode;
  /** How many the section holds, after the label. */
  count?: ReactNode;
  panel: ReactNode;
}

/**
 * Sections of a page as tabs, per the WAI-ARIA tabs pattern: Tab reaches the chosen tab only,
 * arrow keys (Home, End) move to another and choose it, and Tab again goes on into its panel.
 * Every panel stays mounted, only hidden, so a section keeps what was done in it (a file
 * inspected, a test's result) while another one is shown.
 */
export function Tabs({
  label,
  tabs,
  selected,
  onSelect,
}: {
  /** The tab list's accessible name. */
  label: string;
  tabs: Tab[];
  selected: string;
  onSelect: (id: string) => void;
}) {
  const baseId = useId();
  const tabRefs = useRef(new Map<string, HTMLButtonElement>());
  const tabId = (id: string) => `${baseId}-tab-${id}`;
  const panelId = (id: string) => `${baseId}-panel-${id}`;

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    // From the tab the key was pressed on, not from `selected`: the choice reaches the address
    // and comes back as `selected` a render later, and a second key can come first (seen in CI).
    const index = tabs.findIndex((tab) => tabRefs.current.get(tab.id) === event.target);
    const next = {
      ArrowRight: (index + 1) % tabs.length,
      ArrowLeft: (index - 1 + tabs.length) % tabs.length,
      Home: 0,
      End: tabs.length - 1,
    }[event.key];
    if (next === undefined || index === -1) return;
    event.preventDefault();
    const id = tabs[next]!.id;
    onSelect(id);
    tabRefs.current.get(id)?.focus();
  };

  return (
    <div className="@container">
      <div
        role="tablist"
        aria-label={label}
        onKeyDown={onKeyDown}
        className="flex gap-1 overflow-x-auto border-b border-line"
      >
        {tabs.map((tab) => {
          const active = tab.id === selected;
          return (
            <button
              key={tab.id}
              ref={(element) => {
                if (element) tabRefs.current.set(tab.id, element);
                else tabRefs.current.delete(tab.id);
              }}
              type="button"
              role="tab"
              id={tabId(tab.id)}
              aria-selected={active}
              aria-controls={panelId(tab.id)}
              tabIndex={active ? 0 : -1}
              onClick={() => onSelect(tab.id)}
              className={clsx(
                '-mb-px inline-flex shrink-0 items-center gap-2 rounded-t-md border-b-2 px-3 py-2.5 text-sm font-medium whitespace-nowrap',
                'focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-zinc-500',
                active
                  ? 'border-fg text-fg'
                  : 'border-transparent text-muted hover:border-line hover:text-fg',
              )}
            >
              {tab.icon && (
                // Left out where they would push the last tab out of sight.
                <span aria-hidden className="hidden text-subtle @2xl:inline [&>svg]:size-4">
                  {tab.icon}
                </span>
              )}
              {tab.label}
              {tab.count !== undefined && <Count>{tab.count}</Count>}
            </button>
          );
        })}
      </div>
      {tabs.map((tab) => (
        <div
          key={tab.id}
          role="tabpanel"
          id={panelId(tab.id)}
          aria-labelledby={tabId(tab.id)}
          hidden={tab.id !== selected}
          // Reachable itself, for a panel that starts with text rather than a control.
          tabIndex={0}
          className="rounded-md pt-6 focus-visible:outline-2 focus-visible:outline-offset-4 focus-visible:outline-zinc-500"
        >
          {tab.panel}
        </div>
      ))}
    </div>
  );
}
