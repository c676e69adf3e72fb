import { useRef, type ComponentType } from 'react';
import clsx from 'clsx';
import {
  Boxes,
  Container,
  Cpu,
  Hammer,
  Layers,
  ListTree,
  Network,
  Server,
  Warehouse,
} from 'lucide-react';
import { NavLink, Outlet } from 'react-router';
import { PodmanBanner } from '@/features/host/components/podman-banner';
import { LiveEvents } from './live-events';

interface NavEntry {
  label: string;
  icon: ComponentType<{ className?: string; 'aria-hidden'?: boolean }>;
  /** Absent while the feature is not built yet: the entry is shown, disabled. */
  to?: string;
}

const nav: NavEntry[] = [
  { label: 'Host', icon: Server, to: '/' },
  { label: 'Emulators', icon: Cpu, to: '/emulators' },
  { label: 'Images', icon: Layers, to: '/images' },
  { label: 'Registries', icon: Warehouse, to: '/registries' },
  { label: 'Containers', icon: Container, to: '/containers' },
  { label: 'Build', icon: Hammer, to: '/build' },
  { label: 'Manifests', icon: ListTree, to: '/manifests' },
  { label: 'Hosts', icon: Network, to: '/hosts' },
];

const itemClass =
  'flex items-center gap-2.5 rounded-md px-2.5 py-1.5 text-sm font-medium whitespace-nowrap';

export function Layout() {
  const main = useRef<HTMLElement>(null);
  return (
    <div className="min-h-dvh md:flex">
      {/* The first stop for Tab, shown only then: past the navigation, into the page. */}
      <a
        href="#main"
        onClick={(event) => {
          event.preventDefault();
          main.current?.focus();
        }}
        className="sr-only rounded-md bg-surface text-sm font-medium shadow-lg ring-1 ring-line focus:not-sr-only focus:fixed focus:px-3 focus:py-2 focus:top-3 focus:left-3 focus:z-50 focus:outline-2 focus:outline-offset-2 focus:outline-zinc-500"
      >
        Skip to main content
      </a>
      <LiveEvents />
      <aside className="border-b border-line bg-surface md:sticky md:top-0 md:h-dvh md:w-56 md:shrink-0 md:border-r md:border-b-0">
        <div className="flex items-center gap-2 px-4 py-3 md:px-5 md:py-5">
          <Boxes aria-hidden className="size-5 text-emerald-600 dark:text-emerald-400" />
          <span className="font-semibold tracking-tight">archdeck</span>
        </div>
        <nav aria-label="Main" className="overflow-x-auto px-2 pb-2 md:px-3">
          <ul className="flex gap-1 md:flex-col">
            {nav.map(({ label, icon: Icon, to }) => (
              <li key={label}>
                {to ? (
                  <NavLink
                    to={to}
                    // Host is `/`, which every path starts with; the others stay lit on their
                    // sub-pages (a container's page is under Containers).
                    end={to === '/'}
                    className={({ isActive }) =>
                      clsx(
                        itemClass,
                        'focus-visible:outline-2 focus-visible:outline-zinc-500',
                        isActive
                          ? 'bg-sunken text-fg ring-1 ring-line'
                          : 'text-muted hover:bg-sunken hover:text-fg',
                      )
                    }
                    title={label}
                  >
                    {({ isActive }) => (
                      <>
                        <Icon aria-hidden className="size-4" />
                        {/* On a phone the row fits only as icons: the current one is named where
                            there is room for its name too (the page's heading names it anyway). */}
                        <span className={clsx(isActive ? 'max-[28rem]:sr-only' : 'max-sm:sr-only')}>
                          {label}
                        </span>
                      </>
                    )}
                  </NavLink>
                ) : (
                  <span
                    aria-disabled="true"
                    className={clsx(itemClass, 'cursor-default text-subtle/70')}
                  >
                    <Icon aria-hidden className="size-4" />
                    {label}
                    <span className="ml-auto rounded bg-sunken px-1.5 py-px text-[10px] font-semibold tracking-wide uppercase ring-1 ring-line">
                      soon
                    </span>
                  </span>
                )}
              </li>
            ))}
          </ul>
        </nav>
      </aside>
      <main
        id="main"
        ref={main}
        tabIndex={-1}
        className="min-w-0 flex-1 px-4 py-8 outline-none md:px-10 md:py-10"
      >
        <div className="mx-auto max-w-5xl">
          <PodmanBanner />
          <Outlet />
        </div>
      </main>
    </div>
  );
}
