import { Fragment } from 'react';

/**
 * An image reference that wraps after a slash (`docker.io/library/` | `busybox:1.36-arm64`)
 * rather than in the middle of its tag; a single overlong part still breaks where it must.
 */
export function ReferenceText({ value }: { value: string }) {
  return (
    <span className="[overflow-wrap:anywhere]">
      {value.split('/').map((part, index) => (
        <Fragment key={index}>
          {index > 0 && (
            <>
              /<wbr />
            </>
          )}
          {part}
        </Fragment>
      ))}
    </span>
  );
}
