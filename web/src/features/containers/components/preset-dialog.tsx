import { useId, useState, type ReactNode } from 'react';
import {
  PRESET_ID_PATTERN,
  PRESET_ID_RULE,
  type Preset,
  type PresetChange,
} from '@archdeck/shared';
import clsx from 'clsx';
import { Save } from 'lucide-react';
import { Checkbox } from '@/components/checkbox';
import { Dialog } from '@/components/dialog';
import { DialogFooter } from '@/components/dialog-footer';
import { DialogForm } from '@/components/dialog-form';
import { ErrorNotice } from '@/components/error-notice';
import { FieldLabel } from '@/components/field-label';
import {
  monoInputClass,
  submitOnEnter,
  textInputClass,
  verbatimTextProps,
} from '@/components/form';
import { presetChanges, usePresetChange } from '../api/change-presets';
import { splitCommand } from '../split-command';
import { CommandField } from './command-field';
import { commandLine } from './labels';

const ID = new RegExp(PRESET_ID_PATTERN);

/** An id from a title: `BusyBox 1.36 (arm)` → `busybox-1-36-arm`, unique among `taken`. */
function idFor(title: string, taken: ReadonlySet<string>): string {
  const base =
    title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60)
      .replace(/-+$/, '') || 'preset';
  let id = base;
  for (let n = 2; taken.has(id); n += 1) id = `${base}-${n}`;
  return id;
}

/**
 * A one-line text field with its label and a line under it: a hint, or what is wrong. `mono`
 * for text taken verbatim (a reference, an id); Enter submits the form.
 */
function TextField({
  label,
  optional,
  hint,
  problem = null,
  mono = false,
  onChange,
  onEnter,
  ...input
}: {
  label: string;
  optional?: boolean;
  hint?: ReactNode;
  problem?: string | null;
  mono?: boolean;
  value: string;
  onChange: (value: string) => void;
  onEnter: () => void;
  placeholder?: string;
  maxLength: number;
  readOnly?: boolean;
  autoFocus?: boolean;
  'data-testid': string;
}) {
  const id = useId();
  const described = useId();
  return (
    <div>
      <FieldLabel htmlFor={id} optional={optional}>
        {label}
      </FieldLabel>
      <input
        {...input}
        {...(mono ? verbatimTextProps : {})}
        id={id}
        onChange={(event) => onChange(event.target.value)}
        onKeyDown={submitOnEnter(onEnter)}
        data-autofocus={input.autoFocus || undefined}
        aria-describedby={problem || hint ? described : undefined}
        aria-invalid={Boolean(problem) || undefined}
        className={clsx(mono ? monoInputClass : textInputClass, input.readOnly && 'text-muted')}
      />
      {(problem || hint) && (
        <p
          id={described}
          className={clsx(
            'mt-1.5 text-xs',
            problem ? 'text-red-700 dark:text-red-400' : 'text-muted',
          )}
        >
          {problem ?? hint}
        </p>
      )}
    </div>
  );
}

/**
 * Adds a preset, or edits one (`preset`): what to run (an image reference, a command, a TTY)
 * and how it is shown (a title and a description). Its id names it in the API and cannot
 * change once it is made; it follows the title until it is typed in.
 */
export function PresetDialog({
  preset,
  taken,
  onClose,
}: {
  /** The preset to edit; none to add one. */
  preset?: Preset;
  /** The ids of the presets there are. */
  taken: ReadonlySet<string>;
  onClose: () => void;
}) {
  const [title, setTitle] = useState(preset?.title ?? '');
  const [typedId, setTypedId] = useState<string | null>(null);
  const [image, setImage] = useState(preset?.image ?? '');
  const [command, setCommand] = useState(preset?.cmd ? commandLine(preset.cmd) : '');
  const [description, setDescription] = useState(preset?.description ?? '');
  const [tty, setTty] = useState(preset?.tty ?? false);
  const create = usePresetChange(presetChanges.create);
  const update = usePresetChange(presetChanges.update);
  const save = preset ? update : create;

  const id = preset?.id ?? typedId ?? idFor(title, taken);
  const split = splitCommand(command);
  const idProblem = preset
    ? null
    : !ID.test(id)
      ? `An id is ${PRESET_ID_RULE}.`
      : taken.has(id)
        ? `There is a preset “${id}” already: pick another id.`
        : null;
  const blocked = !title.trim()
    ? 'Give it a title'
    : idProblem
      ? 'Correct its id'
      : !image.trim()
        ? 'Type an image reference'
        : !split.ok
          ? split.error
          : null;

  const submit = () => {
    if (blocked || !split.ok || save.isPending) return;
    const change: PresetChange = {
      title: title.trim(),
      image: image.trim(),
      description: description.trim(),
      cmd: split.argv.length > 0 ? split.argv : null,
      tty,
    };
    const done = { onSuccess: onClose };
    if (preset) update.mutate({ id: preset.id, change }, done);
    else create.mutate({ id, ...change }, done);
  };
  const enterSubmits = submitOnEnter(submit);

  return (
    <Dialog
      title={preset ? `Edit ${preset.title}` : 'Add a preset'}
      description="An image to run in one click, offered as each platform its index lists that this host runs."
      onClose={onClose}
      data-testid="preset-dialog"
    >
      <DialogForm onSubmit={submit}>
        <div className="grid gap-5 sm:grid-cols-2">
          <TextField
            label="Title"
            hint="What the Run buttons say: “Run BusyBox as arm64”."
            value={title}
            onChange={setTitle}
            onEnter={submit}
            placeholder="e.g. BusyBox"
            maxLength={80}
            autoFocus
            data-testid="preset-title"
          />
          <TextField
            label="ID"
            hint={preset ? 'Names it in the API; it cannot change.' : `${PRESET_ID_RULE}.`}
            problem={idProblem}
            mono
            value={id}
            onChange={setTypedId}
            onEnter={submit}
            readOnly={Boolean(preset)}
            maxLength={64}
            data-testid="preset-id"
          />
        </div>

        <TextField
          label="Image reference"
          hint="Pulled for the platform chosen when it runs; the platforms offered are the ones its index lists."
          mono
          value={image}
          onChange={setImage}
          onEnter={submit}
          placeholder="e.g. busybox:1.36 or quay.io/podman/hello:latest"
          maxLength={512}
          data-testid="preset-image"
        />

        <CommandField
          value={command}
          onChange={setCommand}
          split={split}
          onKeyDown={enterSubmits}
          testIdPrefix="preset"
        />

        <TextField
          label="Description"
          optional
          value={description}
          onChange={setDescription}
          onEnter={submit}
          placeholder="e.g. one static binary, many tools"
          maxLength={500}
          data-testid="preset-description"
        />

        <Checkbox
          checked={tty}
          onChange={setTty}
          label="TTY"
          hint="A terminal: the container opens in it, for a shell."
          data-testid="preset-tty"
        />

        {save.isError && (
          <div data-testid="preset-error">
            <ErrorNotice
              title={preset ? 'Could not save the preset' : 'Could not add the preset'}
              error={save.error}
            />
          </div>
        )}

        <DialogFooter
          onCancel={onClose}
          icon={<Save aria-hidden />}
          busy={save.isPending}
          blocked={blocked}
          data-testid="preset-submit"
        >
          {preset ? 'Save' : 'Add preset'}
        </DialogFooter>
      </DialogForm>
    </Dialog>
  );
}
