import { useId, type ReactNode } from 'react';
import { Link } from 'react-router';
import { ApiRequestError } from '@/lib/api-client';
import { FieldLabel } from './field-label';
import type { ReferenceLookup } from '@/lib/use-reference-lookup';
import { ErrorNotice, messageOf } from './error-notice';
import { MessageText } from './message-text';
import { monoInputClass, submitOnEnter, verbatimTextProps } from './form';
import { PlatformPicker } from './platform-picker';
import { Spinner } from './spinner';

/**
 * The image reference field and, once it has been looked up, the platforms the registry offers
 * for it (or why the lookup failed). Test ids: `<prefix>-<input>`, `<prefix>-<error>` and
 * `<prefix>-platform-…` for the picker.
 */
export function ReferenceLookupFields({
  field,
  onSubmit,
  hint,
  unavailableNote,
  testIdPrefix,
  testIds,
}: {
  field: ReferenceLookup;
  onSubmit: () => void;
  hint: ReactNode;
  unavailableNote: (platform: string) => ReactNode;
  testIdPrefix: string;
  /** The suffixes of the reference field's and the failed lookup's test ids. */
  testIds: { input: string; error: string };
}) {
  const { lookup, remote, platforms } = field;
  const inputId = useId();
  const hintId = useId();
  return (
    <>
      <div>
        <FieldLabel htmlFor={inputId}>Image reference</FieldLabel>
        <input
          id={inputId}
          value={field.reference}
          onChange={(event) => field.setReference(event.target.value)}
          onKeyDown={submitOnEnter(onSubmit)}
          onBlur={field.lookUpNow}
          placeholder="e.g. busybox:1.36 or quay.io/podman/hello:latest"
          maxLength={512}
          {...verbatimTextProps}
          aria-describedby={hintId}
          data-autofocus
          autoFocus
          data-testid={`${testIdPrefix}-${testIds.input}`}
          className={monoInputClass}
        />
        <p id={hintId} className="mt-1.5 text-xs text-muted">
          {hint}
        </p>
      </div>

      {lookup !== '' &&
        (remote ? (
          <>
            <PlatformPicker
              remote={remote}
              selected={field.selected}
              onSelect={field.setChoice}
              onSubmit={onSubmit}
              stale={field.stale}
              idPrefix={`${testIdPrefix}-platform`}
              unavailableNote={unavailableNote}
              localPlatform={field.localPlatform}
              registryAnswered={!field.localOnly}
            />
            {field.localOnly === 'asking' && (
              <p role="status" className="flex items-center gap-2 text-sm text-muted">
                <Spinner label="Asking the registry" />
                Asking the registry which other platforms it has…
              </p>
            )}
            {field.localOnly === 'failed' && (
              <p
                data-testid={`${testIdPrefix}-registry-note`}
                className="text-sm text-muted [overflow-wrap:anywhere]"
              >
                This image is here and runs as it is; the registry could not be asked for its other
                platforms (<MessageText text={messageOf(platforms.error)} />
                ).
              </p>
            )}
          </>
        ) : platforms.isError ? (
          <div data-testid={`${testIdPrefix}-${testIds.error}`}>
            <ErrorNotice
              title={`Could not look up ${lookup}`}
              error={platforms.error}
              onRetry={() => void platforms.refetch()}
            >
              {platforms.error instanceof ApiRequestError &&
                platforms.error.body.code === 'registry_unauthorized' && (
                  <Link
                    to="/registries"
                    className="font-medium text-fg underline underline-offset-4"
                    data-testid={`${testIdPrefix}-login-link`}
                  >
                    Log in on the Registries page
                  </Link>
                )}
            </ErrorNotice>
          </div>
        ) : (
          <p role="status" className="flex items-center gap-2 text-sm text-muted">
            <Spinner label="Asking the registry" />
            Asking the registry which platforms <span className="font-mono">{lookup}</span> has…
          </p>
        ))}
    </>
  );
}
