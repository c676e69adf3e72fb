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
