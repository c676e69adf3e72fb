import { useId, useState } from 'react';
import { archLabel, type RunRequest } from '@archdeck/shared';
import { Play } from 'lucide-react';
import { Checkbox } from '@/components/checkbox';
import { DialogFooter } from '@/components/dialog-footer';
import { DialogForm } from '@/components/dialog-form';
import { Dialog } from '@/components/dialog';
import { FieldLabel } from '@/components/field-label';
import { monoInputClass, submitOnEnter, verbatimTextProps } from '@/components/form';
import { ReferenceLookupFields } from '@/components/reference-lookup-fields';
import type { LocalImage } from '@/lib/run-target';
import { useReferenceLookup } from '@/lib/use-reference-lookup';
import { splitCommand } from '../split-command';
import { CommandField } from './command-field';
import { CpuModelField, useCpuChoice } from './cpu-model-field';
import { LaunchStatus } from './launch-status';
import { useLaunch } from './use-launch';

const ENV_LINE = /^[A-Za-z_][A-Za-z0-9_]*=/;

/** KEY=VALUE lines; blank lines are skipped, and so are leading blanks of a line. */
function parseEnv(text: string): { env: string[]; bad: number[] } {
  const env: string[] = [];
  const bad: number[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/\r$/, '').trimStart();
    if (!line) return;
    env.push(line);
    if (!ENV_LINE.test(line)) bad.push(index + 1);
  });
  return { env, bad };
}

/**
 * Run an image as a container: a reference, one of the platforms the registry offers (this
 * host's own or one an emulator runs), the CPU model qemu emulates for it, and optionally a
 * command, environment and name. The image is pulled for that platform first, with progress;
 * then the container's page opens.
 * With `image`, a local image (Run on the Images page): its reference and platform are filled
 * in, and it runs as it is without a pull.
 */
export function RunDialog({ image, onClose }: { image?: LocalImage; onClose: () => void }) {
  const field = useReferenceLookup(image);
  const [command, setCommand] = useState('');
  const [envText, setEnvText] = useState('');
  const [name, setName] = useState('');
  const [tty, setTty] = useState(false);
  const [autoRemove, setAutoRemove] = useState(false);
  const launch = useLaunch();
  const cpu = useCpuChoice(field.selected && !field.stale ? field.selected : null);
  const ids = {
    env: useId(),
    envHint: useId(),
    name: useId(),
    nameHint: useId(),
  };

  const split = splitCommand(command);
  const env = parseEnv(envText);
  const qemuCpuInEnv = env.env.some((line) => line.startsWith('QEMU_CPU='));

  const blocked = field.blockedReason(split.ok ? cpu.blockedReason : split.error);

  const submit = () => {
    const target = field.resolve();
    if (!target || !split.ok || launch.busy) return;
    const request: RunRequest = { image: target.ref, platform: target.platform, tty, autoRemove };
    if (split.argv.length > 0) request.cmd = split.argv;
    if (env.env.length > 0) request.env = env.env;
    if (name.trim()) request.name = name.trim();
    if (cpu.value !== null && cpu.platform === target.platform) request.cpu = cpu.value;
    launch.launch(request);
  };
  const enterSubmits = submitOnEnter(submit);

  return (
    <Dialog
      title="Run a container"
      description="Pick the architecture to run it as: this host runs foreign ones through its qemu-user emulators."
      onClose={onClose}
      data-testid="run-dialog"
    >
      <DialogForm onSubmit={submit}>
        <ReferenceLookupFields
          field={field}
          onSubmit={submit}
          hint="It is pulled for the chosen platform first, unless that is already here."
          unavailableNote={(platform) =>
            `No container-ready emulator for ${platform} is registered: the container will fail with “exec format error” (register one on the Emulators page).`
          }
          testIdPrefix="run"
          testIds={{ input: 'image', error: 'error' }}
        />

        <CpuModelField cpu={cpu} />

        <CommandField
          value={command}
          onChange={setCommand}
          split={split}
          onKeyDown={enterSubmits}
          testIdPrefix="run"
        />

        <div>
          <FieldLabel htmlFor={ids.env} optional>
            Environment
          </FieldLabel>
          <textarea
            id={ids.env}
            value={envText}
            onChange={(event) => setEnvText(event.target.value)}
            rows={3}
            placeholder="KEY=value, one per line"
            {...verbatimTextProps}
            aria-describedby={ids.envHint}
            data-testid="run-env"
            className={monoInputClass}
          />
          <p
            id={ids.envHint}
            className={
              env.bad.length > 0 || qemuCpuInEnv
                ? 'mt-1.5 text-xs text-amber-800 dark:text-amber-300'
                : 'mt-1.5 text-xs text-muted'
            }
          >
            {env.bad.length > 0
              ? `Line${env.bad.length === 1 ? '' : 's'} ${env.bad.join(', ')} ${env.bad.length === 1 ? 'is' : 'are'} not KEY=VALUE (a letter or _ first, then letters, digits or _).`
              : qemuCpuInEnv
                ? 'QEMU_CPU comes from the CPU model above, which is checked against this host’s qemu: choose it there.'
                : `${env.env.length} variable${env.env.length === 1 ? '' : 's'}, added to the image’s own.`}
          </p>
        </div>

        <div>
          <FieldLabel htmlFor={ids.name} optional>
            Name
          </FieldLabel>
          <input
            id={ids.name}
            value={name}
            onChange={(event) => setName(event.target.value)}
            onKeyDown={enterSubmits}
            placeholder="podman picks one"
            maxLength={128}
            {...verbatimTextProps}
            aria-describedby={ids.nameHint}
            data-testid="run-name"
            className={monoInputClass}
          />
          <p id={ids.nameHint} className="mt-1.5 text-xs text-muted">
            Letters, digits, <span className="font-mono">_ . -</span>; unique among containers.
          </p>
        </div>

        <div className="grid gap-3 sm:grid-cols-2">
          <Checkbox
            checked={tty}
            onChange={setTty}
            label="TTY"
            hint="A terminal: output is one stream, and many programs colour it."
            data-testid="run-tty"
          />
          <Checkbox
            checked={autoRemove}
            onChange={setAutoRemove}
            label="Remove when it exits"
            hint="Its logs go with it."
            data-testid="run-auto-remove"
          />
        </div>

        <DialogFooter
          onCancel={onClose}
          cancelLabel={launch.busy ? 'Close' : 'Cancel'}
          icon={<Play aria-hidden />}
          busy={launch.busy}
          blocked={blocked}
          // In view however far the form is scrolled. One error at a time: a failed lookup
          // (in the form) hides an older failed run.
          status={
            launch.phase !== 'idle' &&
            !(field.lookup !== '' && !field.remote && field.platforms.isError) && (
              <LaunchStatus launch={launch} errorTestId="run-error" />
            )
          }
          note={
            launch.busy &&
            'Closing does not stop it: the daemon starts the container once its image is pulled.'
          }
          data-testid="run-submit"
        >
          Run
          {field.selected && !field.stale && (
            <span className="font-mono opacity-70">as {archLabel(field.selected)}</span>
          )}
        </DialogFooter>
      </DialogForm>
    </Dialog>
  );
}
