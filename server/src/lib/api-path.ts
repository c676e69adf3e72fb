import { posix } from 'node:path';

/** How many rounds of percent-decoding to undo: `%2561` is `%61` is `a`. */
const DECODE_ROUNDS = 4;

/**
 * Whether a path, however it is spelled, names something under /api: percent escapes (nested
 * ones too) decoded, case folded, duplicate slashes, dot segments and `;params` removed. The
 * router matches only exact spellings, so a path like `/API/containers` or `//api/containers`
 * falls through to the UI's catch-all; it must get an API answer (401/404), never index.html.
 */
export function isApiPath(url: string): boolean {
  let path = url.split('?', 1)[0]!;
  for (let i = 0; i < DECODE_ROUNDS && path.includes('%'); i++) {
    try {
      path = decodeURIComponent(path);
    } catch {
      // A malformed escape: what it would decode to is anyone's guess, so treat it as the API.
      return true;
    }
  }
  path = path.replace(/\\/g, '/').replace(/;[^/]*/g, '');
  return /^\/api(\/|$)/i.test(posix.normalize(`/${path}`));
}
