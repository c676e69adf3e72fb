import type { ReactNode } from 'react';
import type { Emulators } from '@archdeck/shared';
import { Cpu, FileSearch, FlaskConical, Save } from 'lucide-react';
import { EmptyState } from '@/components/empty-state';
import { Tabs, type Tab } from '@/components/tabs';
import { useTabParam } from '@/lib/use-tab-param';
import { ElfInspector } from './elf-inspector';
import { EmulatorCard } from './emulator-card';
import { FlagLegend } from './flag-chips';
import { PersistedOnlyList } from './persisted-only-list';
import { SmokeTests } from './smoke-tests';

/**
 * The Emulators page below its summary, a tab each (the chosen one in the address): one host
 * can have dozens of handlers, and the inspector and the tests were pages further down.
 */
export function EmulatorSections({
  emulators: data,
  lockReason: locked,
  registerAllButton,
}: {
  emulators: Emulators;
  lockReason: string | null;
  registerAllButton: ReactNode;
}) {
  const tabs: Tab[] = [
    {
      id: 'handlers',
      label: 'Handlers',
      icon: <Cpu />,
      count: data.entries.length,
      panel:
        data.entries.length === 0 ? (
          <EmptyState icon={<Cpu />} title="No emulators registered">
            <p>
              {data.mounted
                ? 'The kernel has no handler for foreign binaries, so containers for other architectures fail with “exec format error”. Register the qemu-user interpreters installed on this host to run them.'
                : 'Mount binfmt_misc first; then register the qemu-user interpreters installed on this host.'}
            </p>
            <div className="mt-4 flex justify-center">{registerAllButton}</div>
          </EmptyState>
        ) : (
          <div className="space-y-4">
            <p className="text-sm text-muted">
              Registered in the kernel now: each handler hands the binaries its magic bytes match to
              its interpreter.
            </p>
            <FlagLegend />
            <ul aria-label="Registered handlers" className="space-y-3">
              {data.entries.map((entry) => (
                <li key={entry.name}>
                  <EmulatorCard entry={entry} lockReason={locked} />
                </li>
              ))}
            </ul>
          </div>
        ),
    },
  ];
  if (data.smokeTests) {
    tabs.push({
      id: 'smoke-tests',
      label: 'Smoke tests',
      icon: <FlaskConical />,
      panel: <SmokeTests emulators={data} />,
    });
  }
  tabs.push(
    {
      id: 'elf-inspector',
      label: 'ELF inspector',
      icon: <FileSearch />,
      panel: <ElfInspector entries={data.entries} />,
    },
    {
      id: 'persisted',
      label: 'Persisted',
      icon: <Save />,
      count: data.persistedOnly.length,
      panel:
        data.persistedOnly.length > 0 ? (
          <div className="space-y-6">
            <PersistedOnlyList entries={data.persistedOnly} />
            <FlagLegend />
          </div>
        ) : (
          <EmptyState icon={<Save />} title="Nothing waits for a reboot">
            <p>Every handler in binfmt.d is registered in the kernel now.</p>
          </EmptyState>
        ),
    },
  );
  const [selected, select] = useTabParam(tabs.map((tab) => tab.id));
  return <Tabs label="Emulator sections" tabs={tabs} selected={selected} onSelect={select} />;
}
