import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import clsx from 'clsx';
import type { BuildJob, BuildPlatformPlan } from '@archdeck/shared';
import { FileUp, FolderUp, Hammer, TriangleAlert } from 'lucide-react';
import { Badge } from '@/components/badge';
import { Button } from '@/components/button';
import { Checkbox } from '@/components/checkbox';
import { ErrorNotice } from '@/components/error-notice';
import { FieldLabel } from '@/components/field-label';
import { monoInputClass, verbatimTextProps } from '@/components/form';
import { Skeleton } from '@/components/spinner';
import { ApiRequestError } from '@/lib/api-client';
import { formatBytes } from '@/lib/format';
import { useBuildPlatforms } from '../api/get-build-platforms';
import { useCreateBuild } from '../api/create-build';
import {
  CONTEXT_LIMIT,
  containerfileOf,
  filesContext,
  folderContext,
  packContext,
  type BuildContext,
} from '../context-files';

const runTone = { native: 'ok', emulated: 'ok', unavailable: 'error' } as const;

function runWord(plan: BuildPlatformPlan): string {
  if (plan.run === 'emulated') return `emulated via ${plan.emulatedBy ?? 'qemu-user'}`;
  return plan.run;
}

/** KEY=VALUE lines as an object; the lines that are not, by number. */
function parseBuildArgs(text: string): { args: Record<string, string>; bad: number[] } {
  const args: Record<string, string> = {};
  const bad: number[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (!line) return;
    const eq = line.indexOf('=');
    const key = eq === -1 ? line : line.slice(0, eq);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) bad.push(index + 1);
    else args[key] = eq === -1 ? '' : line.slice(eq + 1);
  });
  return { args, bad };
}

/** A tag from a folder's name: lower case, what a repository name may hold. */
const suggestedTag = (label: string) => {
  const name = label
    .replace(/\/$/, '')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  return name ? `localhost/${name}:latest` : '';
};

/** Platforms as checkboxes, each with how its RUN steps would run (and why not, if not). */
function PlatformChoices({
  plans,
  platforms,
  onToggle,
}: {
  plans: BuildPlatformPlan[];
  platforms: string[];
  onToggle: (platform: string, on: boolean) => void;
}) {
  return (
    <div className="grid gap-1 rounded-lg border border-line bg-canvas p-1.5 sm:grid-cols-2">
      {plans.map((plan) => (
        <Checkbox
          key={plan.platform}
          checked={platforms.includes(plan.platform)}
          onChange={(on) => onToggle(plan.platform, on)}
          data-testid={`build-platform-${plan.platform.replaceAll('/', '-')}`}
          className={clsx(
            'rounded-md px-2.5 py-2 hover:bg-sunken',
            platforms.includes(plan.platform) && 'bg-surface ring-1 ring-line',
          )}
          label={
            <span className="flex flex-wrap items-center gap-2">
              <span className="font-mono text-[13px]">{plan.platform}</span>
              <Badge tone={runTone[plan.run]} title={plan.reason}>
                {runWord(plan)}
              </Badge>
            </span>
          }
          hint={plan.run === 'unavailable' ? plan.reason : null}
        />
      ))}
    </div>
  );
}

/** Why the daemon refused some platforms: its reason for each, under its message. */
function RefusedPlatforms({ error }: { error: unknown }) {
  const plans =
    error instanceof ApiRequestError && error.body.code === 'platform_unavailable'
      ? ((error.body.detail?.platforms as BuildPlatformPlan[] | undefined) ?? [])
      : [];
  const refused = plans.filter((p) => p.run === 'unavailable');
  if (refused.length === 0) return null;
  return (
    <ul className="space-y-1 text-sm" data-testid="build-refused">
      {refused.map((p) => (
        <li key={p.platform}>
          <span className="font-mono">{p.platform}</span>: {p.reason}
        </li>
      ))}
    </ul>
  );
}

/**
 * A new build: a context (a folder, or a Containerfile and its files) packed as a tar in the
 * browser, a tag, the platforms with how each would run its RUN steps, and podman's options.
 */
export function BuildForm({ onStarted }: { onStarted: (job: BuildJob) => void }) {
  const plans = useBuildPlatforms();
  const create = useCreateBuild();
  const [context, setContext] = useState<BuildContext | null>(null);
  const [tag, setTag] = useState('');
  const [chosen, setChosen] = useState<string[] | null>(null);
  const [file, setFile] = useState('');
  const [argsText, setArgsText] = useState('');
  const [target, setTarget] = useState('');
  const [pullAlways, setPullAlways] = useState(false);
  const [noCache, setNoCache] = useState(false);
  const [touched, setTouched] = useState(false);
  const folderInput = useRef<HTMLInputElement>(null);
  const ids = {
    tag: useId(),
    tagHint: useId(),
    file: useId(),
    args: useId(),
    argsHint: useId(),
    target: useId(),
    contextHint: useId(),
  };

  // `webkitdirectory` is not in React's attribute types; every current browser supports it.
  useEffect(() => {
    folderInput.current?.setAttribute('webkitdirectory', '');
  }, []);

  // The host's own platform is chosen until the user chooses.
  const native = plans.data?.filter((p) => p.run === 'native').map((p) => p.platform) ?? [];
  const platforms = chosen ?? native.slice(0, 1);
  const toggle = (platform: string, on: boolean) =>
    setChosen(on ? [...platforms, platform] : platforms.filter((p) => p !== platform));

  const pick = (next: BuildContext | null) => {
    setContext(next);
    if (next && !tag) setTag(suggestedTag(next.label));
  };

  const unavailable = plans.data?.filter((p) => p.run === 'unavailable') ?? [];
  const containerfile = context ? containerfileOf(context, file) : null;
  const buildArgs = parseBuildArgs(argsText);
  const blocked = !context
    ? 'Choose a folder or files first'
    : context.entries.length === 0
      ? 'The folder is empty'
      : context.size > CONTEXT_LIMIT
        ? `The context is larger than ${formatBytes(CONTEXT_LIMIT)}`
        : !containerfile
          ? file.trim()
            ? `The context has no ${file.trim()}`
            : 'The context has no Containerfile or Dockerfile at its top'
          : !tag.trim()
            ? 'Name the image (a tag)'
            : platforms.length === 0
              ? 'Choose at least one platform'
              : buildArgs.bad.length > 0
                ? `Build argument line ${buildArgs.bad.join(', ')} is not KEY=VALUE`
                : null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (blocked || !context || create.isPending) return;
    create.mutate(
      {
        query: {
          tag: tag.trim(),
          platforms: platforms.join(','),
          ...(file.trim() ? { file: file.trim() } : {}),
          ...(Object.keys(buildArgs.args).length
            ? { buildArgs: JSON.stringify(buildArgs.args) }
            : {}),
          ...(target.trim() ? { target: target.trim() } : {}),
          ...(pullAlways ? { pull: 'always' as const } : {}),
          ...(noCache ? { noCache: true } : {}),
        },
        context: packContext(context),
      },
      { onSuccess: onStarted },
    );
  };

  const chooseButton =
    'inline-flex cursor-pointer items-center gap-1.5 rounded-md border border-line bg-surface px-3 py-1.5 text-sm font-medium shadow-xs hover:bg-sunken has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-offset-2 has-[:focus-visible]:outline-zinc-500';

  return (
    <form onSubmit={submit} className="space-y-6" data-testid="build-form" noValidate>
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium">Build context</legend>
        <div className="flex flex-wrap items-center gap-2">
          <label className={chooseButton}>
            <FolderUp aria-hidden className="size-4" />
            Choose a folder
            <input
              ref={folderInput}
              type="file"
              multiple
              className="sr-only"
              aria-describedby={ids.contextHint}
              data-testid="build-folder"
              onChange={(e) => pick(e.target.files?.length ? folderContext(e.target.files) : null)}
            />
          </label>
          <label className={chooseButton}>
            <FileUp aria-hidden className="size-4" />
            Choose files
            <input
              type="file"
              multiple
              className="sr-only"
              aria-describedby={ids.contextHint}
              data-testid="build-files"
              onChange={(e) => pick(e.target.files?.length ? filesContext(e.target.files) : null)}
            />
          </label>
          {context && (
            <span className="text-sm" data-testid="build-context-summary">
              <span className="font-mono">{context.label}</span>{' '}
              <span className="text-muted">
                · {context.entries.length} file{context.entries.length === 1 ? '' : 's'},{' '}
                {formatBytes(context.size)}
                {containerfile && (
                  <>
                    {' '}
                    · uses <span className="font-mono text-fg">{containerfile}</span>
                  </>
                )}
              </span>
            </span>
          )}
        </div>
        <p id={ids.contextHint} className="text-xs text-muted">
          A folder is sent whole (leave out what the build does not need): its top holds the
          Containerfile or Dockerfile. Or pick a Containerfile and the files it copies. Browsers do
          not tell file permissions, so every file arrives executable (0755), as with Docker on
          Windows.
        </p>
        {context && !containerfile && (
          <p className="flex gap-2 text-sm text-amber-800 dark:text-amber-300">
            <TriangleAlert aria-hidden className="mt-0.5 size-4 shrink-0" />
            {file.trim()
              ? `There is no ${file.trim()} in the context.`
              : 'There is no Containerfile or Dockerfile at the top of the context: name yours under Options.'}
          </p>
        )}
      </fieldset>

      <div>
        <FieldLabel htmlFor={ids.tag}>Image name</FieldLabel>
        <input
          id={ids.tag}
          value={tag}
          onChange={(e) => setTag(e.target.value)}
          placeholder="localhost/app:1.0"
          aria-describedby={ids.tagHint}
          data-testid="build-tag"
          className={monoInputClass}
          {...verbatimTextProps}
        />
        <p id={ids.tagHint} className="mt-1.5 text-xs text-muted">
          Each platform’s image is tagged <span className="font-mono">{'<name>:<tag>-<arch>'}</span>{' '}
          (e.g. <span className="font-mono">app:1.0-arm64</span>), so every architecture stays
          listed; a single-platform build also gets the name itself.
        </p>
      </div>

      <fieldset className="space-y-2">
        <legend className="text-sm font-medium">Platforms</legend>
        <p className="text-xs text-muted">
          RUN steps run as the target platform: natively, or through its qemu-user emulator
          (slower). Stages that start{' '}
          <span className="font-mono">FROM --platform=$BUILDPLATFORM</span> run natively whatever
          the target: put compile steps there and copy the result into the target stage.
        </p>
        {plans.isPending ? (
          <Skeleton className="h-32" />
        ) : !plans.data ? (
          <ErrorNotice
            title="Could not read which platforms can build"
            error={plans.error}
            onRetry={() => void plans.refetch()}
          />
        ) : (
          <>
            <PlatformChoices
              plans={plans.data.filter((p) => p.run !== 'unavailable')}
              platforms={platforms}
              onToggle={toggle}
            />
            {unavailable.length > 0 && (
              <details
                className="group"
                open={unavailable.some((p) => platforms.includes(p.platform))}
              >
                <summary className="cursor-pointer text-sm text-muted select-none hover:text-fg focus-visible:outline-2 focus-visible:outline-zinc-500">
                  {unavailable.length} more without an emulator: a build for one works only if no
                  RUN step runs as it
                </summary>
                <div className="mt-2">
                  <PlatformChoices plans={unavailable} platforms={platforms} onToggle={toggle} />
                </div>
              </details>
            )}
          </>
        )}
      </fieldset>

      <details className="group rounded-lg border border-line px-4 py-3">
        <summary className="cursor-pointer text-sm font-medium select-none focus-visible:outline-2 focus-visible:outline-zinc-500">
          Options
        </summary>
        <div className="mt-4 grid gap-4 sm:grid-cols-2">
          <div>
            <FieldLabel htmlFor={ids.file} optional>
              Containerfile
            </FieldLabel>
            <input
              id={ids.file}
              value={file}
              onChange={(e) => setFile(e.target.value)}
              placeholder="Containerfile, then Dockerfile"
              data-testid="build-file"
              className={monoInputClass}
              {...verbatimTextProps}
            />
          </div>
          <div>
            <FieldLabel htmlFor={ids.target} optional>
              Target stage
            </FieldLabel>
            <input
              id={ids.target}
              value={target}
              onChange={(e) => setTarget(e.target.value)}
              placeholder="the last stage"
              data-testid="build-target"
              className={monoInputClass}
              {...verbatimTextProps}
            />
          </div>
          <div className="sm:col-span-2">
            <FieldLabel htmlFor={ids.args} optional>
              Build arguments
            </FieldLabel>
            <textarea
              id={ids.args}
              value={argsText}
              onChange={(e) => setArgsText(e.target.value)}
              rows={3}
              placeholder={'VERSION=1.2\nCHANNEL=stable'}
              aria-describedby={ids.argsHint}
              aria-invalid={buildArgs.bad.length > 0 || undefined}
              data-testid="build-args"
              className={monoInputClass}
              {...verbatimTextProps}
            />
            <p id={ids.argsHint} className="mt-1.5 text-xs text-muted">
              One KEY=VALUE per line, for the Containerfile’s ARG lines. TARGETARCH, TARGETPLATFORM
              and BUILDPLATFORM are set for you.
            </p>
          </div>
          <Checkbox
            checked={pullAlways}
            onChange={setPullAlways}
            label="Always pull base images"
            hint="Ask the registry for each FROM image even when it is local for the platform."
          />
          <Checkbox
            checked={noCache}
            onChange={setNoCache}
            label="No cache"
            hint="Build every step again instead of reusing layers."
            data-testid="build-no-cache"
          />
        </div>
      </details>

      {create.isError && (
        <ErrorNotice title="Could not start the build" error={create.error}>
          <RefusedPlatforms error={create.error} />
        </ErrorNotice>
      )}

      <div className="flex flex-wrap items-center gap-3">
        <Button
          type="submit"
          variant="primary"
          icon={<Hammer aria-hidden />}
          busy={create.isPending}
          disabledReason={touched || context ? blocked : null}
          data-testid="build-submit"
        >
          {platforms.length > 1 ? `Build for ${platforms.length} platforms` : 'Build'}
        </Button>
        {create.isPending && (
          <span role="status" className="text-sm text-muted">
            Sending the context…
          </span>
        )}
        {blocked && (touched || context) && !create.isPending && (
          <span className="text-sm text-muted" data-testid="build-blocked">
            {blocked}
          </span>
        )}
      </div>
    </form>
  );
}
