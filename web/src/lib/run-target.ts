import type { RemotePlatform } from '@archdeck/shared';

/**
 * A local image to run, handed from the Images page to the Run dialog (through the app, since
 * features do not import each other): a reference that names it, and its platform as the
 * dialog lists platforms. It runs as it is even when its registry cannot be asked.
 */
export interface LocalImage {
  reference: string;
  platform: RemotePlatform;
}

/** Whether two entries are one platform: arm64's `v8` is arm64 with no variant. */
export function samePlatform(a: RemotePlatform, b: RemotePlatform): boolean {
  const variant = (p: RemotePlatform) =>
    p.architecture === 'arm64' && p.variant === 'v8' ? null : p.variant;
  return a.os === b.os && a.architecture === b.architecture && variant(a) === variant(b);
}
