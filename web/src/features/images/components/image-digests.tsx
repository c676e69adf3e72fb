import type { ReactNode } from 'react';
import type { ImageDetail } from '@archdeck/shared';
import { Copyable } from '@/components/copy-button';
import { Detail } from '@/components/detail-list';

/**
 * Digests, each with what it pins, or "not known" and why. `testId` names the row; its copy
 * buttons are `<testId>-copy`.
 */
function DigestValue({
  digests,
  label,
  purpose,
  unknown,
  testId,
}: {
  digests: string[];
  /** The copy button's accessible name. */
  label: string;
  purpose: ReactNode;
  unknown: string | null;
  testId: string;
}) {
  return (
    <div className="space-y-1" data-testid={testId}>
      {digests.length === 0 ? (
        <p className="text-subtle italic" data-testid={`${testId}-unknown`}>
          not known
        </p>
      ) : (
        <ul className="space-y-1">
          {digests.map((digest) => (
            <li key={digest}>
              <Copyable value={digest} label={label} testId={`${testId}-copy`} />
            </li>
          ))}
        </ul>
      )}
      <p className="text-xs text-muted">{digests.length === 0 ? unknown : purpose}</p>
    </div>
  );
}

/**
 * The index digest and the platform digest, told apart and labelled with what each pins, then
 * podman's references (name@digest) marked with which of the two they carry.
 */
export function DigestDetails({ image }: { image: ImageDetail }) {
  const { digests } = image;
  const several = digests.indexes.length > 1;
  const kind = (reference: string) => {
    const digest = reference.slice(reference.lastIndexOf('@') + 1);
    if (digest === digests.platform) return image.platform;
    return digests.indexes.includes(digest) ? 'index' : null;
  };
  return (
    <>
      <Detail term={several ? 'Index digests' : 'Index digest'}>
        <DigestValue
          digests={digests.indexes}
          label="Copy index digest"
          purpose={
            <>
              {several
                ? 'This image was pulled through several indexes (manifest lists); each'
                : 'The index (manifest list)'}{' '}
              pins every platform of the reference: pulling by it gets each machine the image for
              its own platform.
            </>
          }
          unknown={digests.indexUnknown}
          testId="image-detail-index-digest"
        />
      </Detail>
      <Detail term="Platform digest">
        <DigestValue
          digests={digests.platform === null ? [] : [digests.platform]}
          label="Copy platform digest"
          purpose={
            <>
              Pins this <span className="font-mono">{image.platform}</span> image only: a reference
              with this digest names exactly this image, whatever machine pulls it.
            </>
          }
          unknown={digests.platformUnknown}
          testId="image-detail-platform-digest"
        />
      </Detail>
      {image.repoDigests.length > 0 && (
        <Detail term="References">
          <ul className="space-y-1">
            {image.repoDigests.map((reference) => (
              <li key={reference} className="flex items-start gap-2">
                <span className="min-w-0 flex-1">
                  <Copyable value={reference} label={`Copy ${reference}`} />
                </span>
                {kind(reference) && (
                  <span className="shrink-0 pt-0.5 text-xs text-subtle">{kind(reference)}</span>
                )}
              </li>
            ))}
          </ul>
        </Detail>
      )}
    </>
  );
}
