import { useId, useState } from 'react';
import { DialogForm } from '@/components/dialog-form';
import clsx from 'clsx';
import type { Emulators, QemuInstallation } from '@archdeck/shared';
import { TriangleAlert } from 'lucide-react';
import { Badge } from '@/components/badge';
import { Checkbox } from '@/components/checkbox';
import { Dialog } from '@/components/dialog';
import { FieldLabel } from '@/components/field-label';
import { DialogFooter } from '@/components/dialog-footer';
import { monoInputClass, verbatimTextProps } from '@/components/form';
import { emulatorChanges, useEmulatorChange } from '../api/change-emulators';
import { ActionError } from './action-error';
import { FLAGS, platformStateBadge, type FlagLetter } from './labels';

const kindHint: Record<QemuInstallation['kind'], string> = {
  wrapper: 'Debian’s binfmt wrapper: understands P (preserve argv[0]).',
  static: 'Statically linked: with F it also works inside containers.',
  dynamic:
    'Dynamically linked: needs the host’s libraries, so it works on the host but not inside containers.',
};

/** The installation's default flags, with F on: F is what makes it usable in containers. */
function initialFlags(installation: QemuInstallation | undefined): Set<FlagLetter> {
  const letters = new Set<FlagLetter>(['F']);
  for (const letter of installation?.defaultFlags ?? '') {
    if (FLAGS.some((flag) => flag.letter === letter)) letters.add(letter as FlagLetter);
  }
  return letters;
}

export function RegisterDialog({
  emulators,
  onClose,
  onRegistered,
}: {
  emulators: Emulators;
  onClose: () => void;
  onRegistered: (name: string) => void;
}) {
  const register = useEmulatorChange(emulatorChanges.register);
  const candidates = emulators.platforms.filter((p) => p.state !== 'native');
  const installationsFor = (platform: string | null) =>
    emulators.installations.filter((i) => i.platform !== null && i.platform === platform);

  // A platform nothing runs yet is the likely reason to open this dialog.
  const firstChoice =
    candidates.find((p) => p.state === 'none' && installationsFor(p.platform).length > 0) ??
    candidates.find((p) => installationsFor(p.platform).length > 0);

  const [platform, setPlatform] = useState<string | null>(firstChoice?.platform ?? null);
  const [interpreter, setInterpreter] = useState<string | null>(
    installationsFor(firstChoice?.platform ?? null)[0]?.path ?? null,
  );
  const [flags, setFlags] = useState(() => initialFlags(installationsFor(platform)[0]));
  const [acknowledged, setAcknowledged] = useState(false);
  const [name, setName] = useState('');

  const ids = {
    platforms: useId(),
    interpreter: useId(),
    interpreterHint: useId(),
    name: useId(),
    nameHint: useId(),
  };

  const installations = installationsFor(platform);
  const installation = installations.find((i) => i.path === interpreter);
  const selected = candidates.find((p) => p.platform === platform);

  const choosePlatform = (next: string) => {
    const first = installationsFor(next)[0];
    setPlatform(next);
    setInterpreter(first?.path ?? null);
    setFlags(initialFlags(first));
  };
  const chooseInterpreter = (path: string) => {
    setInterpreter(path);
    setFlags(initialFlags(installations.find((i) => i.path === path)));
  };
  const toggleFlag = (letter: FlagLetter, on: boolean) => {
    const next = new Set(flags);
    if (on) next.add(letter);
    else next.delete(letter);
    setFlags(next);
    if (letter === 'C' && !on) setAcknowledged(false);
  };

  const flagString = FLAGS.map((f) => f.letter)
    .filter((letter) => flags.has(letter))
    .join('');
  const needsAck = flags.has('C') && !acknowledged;
  const blocked = !platform
    ? 'Choose a platform'
    : !interpreter
      ? 'No qemu-user interpreter for this platform is installed'
      : needsAck
        ? 'Confirm that you understand what C does'
        : null;

  const submit = () => {
    if (blocked || !platform || !interpreter) return;
    register.mutate(
      {
        platform,
        interpreter,
        flags: flagString,
        ...(flags.has('C') ? { acknowledgeCredentials: acknowledged } : {}),
        ...(name.trim() ? { name: name.trim() } : {}),
      },
      { onSuccess: (result) => onRegistered(result.name) },
    );
  };

  return (
    <Dialog
      title="Register an emulator"
      description="Tell the kernel to hand binaries of another architecture to a qemu-user interpreter installed on this host."
      onClose={onClose}
      data-testid="register-dialog"
    >
      <DialogForm onSubmit={submit}>
        <fieldset>
          <legend id={ids.platforms} className="text-sm font-medium">
            Platform
          </legend>
          {candidates.length === 0 ? (
            <p className="mt-1.5 text-sm text-muted">The daemon knows no foreign platforms.</p>
          ) : (
            <div className="mt-1.5 grid max-h-56 gap-1.5 overflow-y-auto rounded-lg border border-line bg-canvas p-1.5 sm:grid-cols-2">
              {candidates.map((p, index) => {
                const available = installationsFor(p.platform).length > 0;
                const state = platformStateBadge[p.state];
                return (
                  <label
                    key={p.platform}
                    className={clsx(
                      'flex items-center gap-2.5 rounded-md px-2.5 py-2 text-sm ring-1 ring-transparent',
                      available
                        ? 'cursor-pointer hover:bg-sunken'
                        : 'cursor-not-allowed opacity-55',
                      platform === p.platform && 'bg-surface ring-zinc-400 dark:ring-zinc-500',
                      'has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-zinc-500',
                    )}
                  >
                    <input
                      type="radio"
                      name="platform"
                      value={p.platform}
                      checked={platform === p.platform}
                      disabled={!available}
                      onChange={() => choosePlatform(p.platform)}
                      data-autofocus={
                        platform === p.platform || (!platform && index === 0) ? '' : undefined
                      }
                      data-testid={`register-platform-${p.platform}`}
                      className="accent-zinc-900 dark:accent-zinc-100"
                    />
                    <span className="min-w-0 flex-1">
                      <span className="block font-mono text-[13px]">{p.platform}</span>
                      <span className="block text-xs text-subtle">
                        {available ? `qemu-${p.qemuArch}` : 'no qemu-user installed'}
                      </span>
                    </span>
                    <Badge tone={state.tone}>{state.label}</Badge>
                  </label>
                );
              })}
            </div>
          )}
          {selected && selected.entries.length > 0 && (
            <p className="mt-2 flex gap-2 text-sm text-amber-800 dark:text-amber-300">
              <TriangleAlert aria-hidden className="mt-0.5 size-4 shrink-0" />
              <span>
                {selected.platform} already has a handler ({selected.entries.join(', ')}). The
                kernel uses only the first that matches, so a second one shadows or is shadowed.
              </span>
            </p>
          )}
        </fieldset>

        <div>
          <FieldLabel htmlFor={ids.interpreter}>Interpreter</FieldLabel>
          <select
            id={ids.interpreter}
            value={interpreter ?? ''}
            disabled={installations.length === 0}
            onChange={(event) => chooseInterpreter(event.target.value)}
            aria-describedby={ids.interpreterHint}
            data-testid="register-interpreter"
            className={monoInputClass}
          >
            {installations.length === 0 && <option value="">none installed</option>}
            {installations.map((i) => (
              <option key={i.path} value={i.path}>
                {i.path} ({i.kind})
              </option>
            ))}
          </select>
          <p id={ids.interpreterHint} className="mt-1.5 text-xs text-muted">
            {installation
              ? kindHint[installation.kind]
              : 'Install qemu-user-static (or qemu-user-binfmt) to get one.'}
          </p>
        </div>

        <fieldset>
          <legend className="text-sm font-medium">Flags</legend>
          <ul className="mt-1.5 grid overflow-hidden rounded-lg border border-line bg-line gap-px sm:grid-cols-2">
            {FLAGS.map((flag) => (
              <li key={flag.letter} className="bg-surface">
                <Checkbox
                  checked={flags.has(flag.letter)}
                  onChange={(on) => toggleFlag(flag.letter, on)}
                  label={
                    <>
                      <span className="font-mono font-semibold">{flag.letter}</span> {flag.name}
                    </>
                  }
                  hint={flag.meaning}
                  data-testid={`register-flag-${flag.letter}`}
                  className="h-full px-3 py-2.5 hover:bg-sunken"
                />
              </li>
            ))}
          </ul>
          {flags.has('C') && (
            <label className="mt-2 flex cursor-pointer gap-3 rounded-lg border border-amber-500/40 bg-amber-500/5 px-3 py-2.5 text-sm">
              <input
                type="checkbox"
                checked={acknowledged}
                onChange={(event) => setAcknowledged(event.target.checked)}
                data-testid="register-ack-credentials"
                className="mt-0.5 accent-amber-600"
              />
              <span className="font-medium text-amber-900 dark:text-amber-200">
                I understand C runs binaries with their setuid credentials
              </span>
            </label>
          )}
          {!flags.has('F') && (
            <p className="mt-2 text-xs text-amber-800 dark:text-amber-300">
              Without F the interpreter is looked up by path when a binary starts, which fails
              inside containers.
            </p>
          )}
        </fieldset>

        <div>
          <FieldLabel htmlFor={ids.name} optional>
            Name
          </FieldLabel>
          <input
            id={ids.name}
            value={name}
            onChange={(event) => setName(event.target.value)}
            placeholder={selected ? `qemu-${selected.qemuArch}` : undefined}
            maxLength={64}
            pattern="[A-Za-z0-9_][A-Za-z0-9_.+\-]*"
            {...verbatimTextProps}
            aria-describedby={ids.nameHint}
            data-testid="register-name"
            className={monoInputClass}
          />
          <p id={ids.nameHint} className="mt-1.5 text-xs text-muted">
            The file name under binfmt_misc. Letters, digits and <code>_ . + -</code>; leave empty
            for the usual name.
          </p>
        </div>

        {register.isError && (
          // The form is taller than most screens; the answer must not land out of sight.
          <div ref={(element) => element?.scrollIntoView({ block: 'nearest' })}>
            <ActionError
              title="Could not register"
              error={register.error}
              data-testid="register-error"
            />
          </div>
        )}

        <DialogFooter
          onCancel={onClose}
          busy={register.isPending}
          blocked={blocked}
          data-testid="register-submit"
        >
          Register{flagString && <span className="font-mono opacity-70">[{flagString}]</span>}
        </DialogFooter>
      </DialogForm>
    </Dialog>
  );
}
