/**
 * Reads an image's manifest straight from its registry over the OCI distribution API, to learn
 * which platforms an image offers before anything is pulled. Why not ask podman: libpod's
 * manifest-inspect endpoint (`GET /libpod/manifests/{name}/json` on a remote name) has no
 * timeout and no size limit, so one slow or hostile registry ties up a request for as long as
 * it likes, and it flattens every failure into a 500 with a Go error string, so "tag does not
 * exist", "needs a login", "registry is down" and "speaks plain HTTP" cannot be told apart.
 * Here every request shares one deadline, every body is size-capped while it streams, and each
 * failure becomes a RegistryError whose kind and message say what happened and what to do.
 * Only anonymous (public) access is implemented: the Bearer token flow that Docker Hub, quay.io
 * and ghcr.io use for public images, no stored credentials.
 */
import { createHash } from 'node:crypto';
import { parse as parseToml } from 'smol-toml';
import { formatReference, type ImageReference } from './reference.js';
import { canonicalVariant, formatPlatform } from './platform.js';

export interface RemotePlatformEntry {
  os: string;
  architecture: string;
  /** 'v7' for arm/v7; null when there is none (arm64's implicit 'v8' is dropped). */
  variant: string | null;
  /** The platform's own manifest. */
  digest: string;
  size: number;
  mediaType: string;
}

export interface RemoteImage {
  /** Canonical reference, 'docker.io/library/busybox:latest'. */
  reference: string;
  mediaType: string;
  /** Digest of the top manifest (index, list or single manifest). */
  digest: string;
  multiArch: boolean;
  platforms: RemotePlatformEntry[];
}

export type RegistryErrorKind =
  'not_found' | 'unauthorized' | 'unreachable' | 'tls' | 'timeout' | 'bad_response' | 'too_large';

export class RegistryError extends Error {
  override readonly name = 'RegistryError';

  constructor(
    readonly kind: RegistryErrorKind,
    message: string,
    /** The registry's own words, from its JSON `errors[].message`, when it sent any. */
    readonly registryMessage?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface RegistryOptions {
  /** host[:port] (or registries.conf prefixes) that are reached over plain HTTP. */
  insecureRegistries: string[];
  /** Deadline for the whole inspection: token, manifest and config blob together. */
  timeoutMs?: number;
  /** Cap on each manifest and config blob, checked on Content-Length and while streaming. */
  maxManifestBytes?: number;
}

export const MEDIA_TYPES = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
} as const;

const ACCEPT = [
  MEDIA_TYPES.ociIndex,
  MEDIA_TYPES.dockerList,
  MEDIA_TYPES.ociManifest,
  MEDIA_TYPES.dockerManifest,
].join(', ');
const INDEX_TYPES = new Set<string>([MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerList]);
const MANIFEST_TYPES = new Set<string>([MEDIA_TYPES.ociManifest, MEDIA_TYPES.dockerManifest]);
const CONFIG_TYPES = new Set<string>([MEDIA_TYPES.ociConfig, MEDIA_TYPES.dockerConfig]);
const SCHEMA1_PREFIX = 'application/vnd.docker.distribution.manifest.v1';

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
/** Error bodies and tokens are small; anything longer is cut, never an error of its own. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;
const MAX_TOKEN_BYTES = 1024 * 1024;
const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const NOT_FOUND_CODES = new Set(['MANIFEST_UNKNOWN', 'NAME_UNKNOWN', 'BLOB_UNKNOWN']);
const DIGEST = /^(sha256:[a-f0-9]{64}|sha384:[a-f0-9]{96}|sha512:[a-f0-9]{128})$/;

/** Docker Hub's registry API is not served at the name references use. */
const DOCKER_HUB = 'docker.io';
const DOCKER_HUB_ENDPOINT = 'registry-1.docker.io';

// --- registries.conf -----------------------------------------------------------------------

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function trimSlashes(s: string): string {
  let end = s.length;
  while (end > 0 && s[end - 1] === '/') end--;
  return s.slice(0, end);
}

/**
 * The registries containers-registries.conf(5) marks insecure: v2 `[[registry]]` tables with
 * `insecure = true` (their `location`, or their `prefix` when the location is empty, as with
 * wildcard prefixes) and the v1 `[registries.insecure] registries = [...]` list.
 * Throws when the text is not TOML, as podman itself refuses such a file.
 */
export function readInsecureRegistries(registriesConfText: string): string[] {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(registriesConfText);
  } catch (err) {
    throw new Error(`registries.conf is not valid TOML: ${(err as Error).message}`, { cause: err });
  }
  const found = new Set<string>();
  const add = (value: unknown) => {
    if (typeof value !== 'string') return;
    const entry = trimSlashes(value.trim());
    if (entry !== '') found.add(entry);
  };

  const v2 = doc.registry;
  if (Array.isArray(v2)) {
    for (const table of v2) {
      if (!isRecord(table) || table.insecure !== true) continue;
      const location = typeof table.location === 'string' ? table.location.trim() : '';
      add(location !== '' ? location : table.prefix);
    }
  }

  const v1 = isRecord(doc.registries) ? doc.registries.insecure : undefined;
  if (isRecord(v1) && Array.isArray(v1.registries)) v1.registries.forEach(add);
  return [...found];
}

/** Host without port, for wildcard ('*.example.com') matches; IPv6 keeps its brackets. */
function hostOf(registry: string): string {
  if (registry.startsWith('[')) return registry.slice(0, registry.indexOf(']') + 1);
  const colon = registry.indexOf(':');
  return colon === -1 ? registry : registry.slice(0, colon);
}

function isInsecure(ref: ImageReference, endpoint: string, entries: string[]): boolean {
  const registry = ref.registry.toLowerCase();
  const name = `${registry}/${ref.repository}`;
  const host = hostOf(registry);
  return entries.some((raw) => {
    const entry = trimSlashes(raw.trim().toLowerCase());
    if (entry.startsWith('*.')) return host.endsWith(entry.slice(1));
    return (
      entry === registry || entry === endpoint || name === entry || name.startsWith(`${entry}/`)
    );
  });
}

// --- WWW-Authenticate ------------------------------------------------------------------------

export interface AuthChallenge {
  /** Lowercased: 'bearer', 'basic'. */
  scheme: string;
  /** Parameter names lowercased; quoted values unescaped. */
  params: Record<string, string>;
}

const TCHAR = /^[!#$%&'*+.^_`|~0-9A-Za-z-]$/;

/**
 * RFC 9110 challenges: `Bearer realm="…",service="…",scope="repository:a/b:pull,push"`.
 * Values may be quoted strings holding commas, '=' and escaped quotes; several challenges
 * may share one header (fetch joins repeated headers with ", "). One pass, no regex over the
 * whole header.
 */
export function parseWwwAuthenticate(header: string): AuthChallenge[] {
  const n = header.length;
  let i = 0;
  const skipSpace = () => {
    while (i < n && (header[i] === ' ' || header[i] === '\t')) i++;
  };
  const token = () => {
    const start = i;
    while (i < n && TCHAR.test(header[i]!)) i++;
    return header.slice(start, i);
  };
  const quoted = () => {
    i++; // opening quote
    let value = '';
    let start = i;
    while (i < n && header[i] !== '"') {
      if (header[i] === '\\' && i + 1 < n) {
        value += header.slice(start, i);
        i++;
        start = i;
      }
      i++;
    }
    value += header.slice(start, i);
    i++; // closing quote
    return value;
  };

  const challenges: AuthChallenge[] = [];
  while (i < n) {
    skipSpace();
    const scheme = token();
    if (scheme === '') {
      i++; // a stray ',' or junk between challenges
      continue;
    }
    const challenge: AuthChallenge = { scheme: scheme.toLowerCase(), params: {} };
    challenges.push(challenge);
    for (;;) {
      skipSpace();
      const start = i;
      const name = token();
      skipSpace();
      if (name === '' || header[i] !== '=') {
        // The next challenge's scheme (or a token68, which registries do not send).
        i = name === '' ? i : start;
        break;
      }
      i++;
      skipSpace();
      challenge.params[name.toLowerCase()] = header[i] === '"' ? quoted() : token();
      skipSpace();
      if (header[i] !== ',') break;
      // Empty list elements ("a, , b") are allowed and skipped.
      while (header[i] === ',' || header[i] === ' ' || header[i] === '\t') i++;
    }
  }
  return challenges;
}

// --- transport -------------------------------------------------------------------------------

interface Session {
  ref: ImageReference;
  /** Canonical reference, for messages. */
  display: string;
  origin: string;
  insecure: boolean;
  signal: AbortSignal;
  timeoutMs: number;
  maxBytes: number;
  /** 'Bearer …' once a token was fetched; reused for the config blob. */
  authorization: string | null;
}

const CONNECTION_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'refused the connection',
  ECONNRESET: 'reset the connection',
  ENOTFOUND: 'does not resolve to an address',
  EAI_AGAIN: 'could not be looked up (DNS failed)',
  EHOSTUNREACH: 'is unreachable (no route to host)',
  ENETUNREACH: 'is unreachable (no route to network)',
  ETIMEDOUT: 'did not accept the connection in time',
  EPIPE: 'closed the connection',
  UND_ERR_SOCKET: 'closed the connection',
};
const CERTIFICATE_ERRORS = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** undici wraps the socket error: TypeError('fetch failed') → cause (→ AggregateError.errors). */
function rootCause(err: unknown): { code: string | undefined; message: string } {
  let current: unknown = err;
  for (let depth = 0; depth < 8; depth++) {
    if (!isRecord(current) && !(current instanceof Error)) break;
    const e = current as { code?: unknown; cause?: unknown; errors?: unknown; message?: unknown };
    if (typeof e.code === 'string') return { code: e.code, message: String(e.message) };
    if (Array.isArray(e.errors) && e.errors.length > 0) current = e.errors[0];
    else if (e.cause !== undefined) current = e.cause;
    else return { code: undefined, message: String(e.message) };
  }
  return { code: undefined, message: String(err) };
}

const isTimeout = (err: unknown, signal: AbortSignal) =>
  (err instanceof Error && err.name === 'TimeoutError') ||
  (signal.aborted && (signal.reason as Error | undefined)?.name === 'TimeoutError');

function insecureHint(registry: string): string {
  return (
    `If ${registry} is a local registry that speaks plain HTTP, mark it insecure in registries.conf: ` +
    `[[registry]] location = "${registry}" insecure = true`
  );
}

/** 'wrong version number' out of OpenSSL's '…:error:0A00010B:SSL routines:<function>:<reason>:<file>:<line>:'. */
const opensslReason = (message: string) => /routines:[^:]*:([^:]+)/.exec(message)?.[1];

function transportError(s: Session, url: URL, err: unknown): RegistryError {
  if (err instanceof RegistryError) return err;
  const host = url.host;
  if (isTimeout(err, s.signal)) {
    return new RegistryError(
      'timeout',
      `${host} did not answer within ${s.timeoutMs} ms while reading ${s.display}: the registry may be overloaded or unreachable from this network; try again later`,
      undefined,
      { cause: err },
    );
  }
  const { code, message } = rootCause(err);
  if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT') {
    return new RegistryError(
      'timeout',
      `${host} did not answer in time while reading ${s.display}: try again later`,
      undefined,
      { cause: err },
    );
  }
  if (code !== undefined && CERTIFICATE_ERRORS.has(code)) {
    return new RegistryError(
      'tls',
      `the TLS certificate of ${host} is not trusted (${code}: ${message.trim()}). Add the CA that signed it ` +
        `to the trust store (NODE_EXTRA_CA_CERTS for archdeck); a registry that speaks plain HTTP can instead be marked ` +
        `insecure in registries.conf`,
      undefined,
      { cause: err },
    );
  }
  if (
    code !== undefined &&
    (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || code === 'EPROTO')
  ) {
    return new RegistryError(
      'tls',
      `the TLS handshake with ${host} failed (${opensslReason(message) ?? code}). ` +
        insecureHint(s.ref.registry),
      undefined,
      { cause: err },
    );
  }
  if (code !== undefined && code in CONNECTION_ERRORS) {
    return new RegistryError(
      'unreachable',
      `cannot reach ${host}: it ${CONNECTION_ERRORS[code]}. The registry may be offline, or the name ` +
        `"${s.ref.registry}" may be wrong`,
      undefined,
      { cause: err },
    );
  }
  if (message === 'bad port') {
    // HACK: undici applies the WHATWG fetch "bad port" list (1, 6000, 6665-6669, 10080, …)
    // even to server-side requests: https://fetch.spec.whatwg.org/#port-blocking
    return new RegistryError(
      'unreachable',
      `cannot reach ${host}: port ${url.port} is on the fetch standard's list of blocked ports; run the registry on another port`,
      undefined,
      { cause: err },
    );
  }
  return new RegistryError(
    'unreachable',
    `cannot reach ${host} (${code ?? message}). The registry may be offline, or the name "${s.ref.registry}" may be wrong`,
    undefined,
    { cause: err },
  );
}

/**
 * GET with redirects followed by hand, so that they are limited, never go from HTTPS to plain
 * HTTP, and drop the Authorization header when they leave the registry (blob downloads are
 * commonly redirected to a CDN or object store).
 */
async function send(
  s: Session,
  url: URL,
  headers: Record<string, string>,
  authorization: string | null,
): Promise<Response> {
  let current = url;
  for (let hops = 0; ; hops++) {
    const sent = { ...headers };
    if (authorization !== null && current.origin === url.origin) sent.authorization = authorization;
    let res: Response;
    try {
      res = await fetch(current, { headers: sent, redirect: 'manual', signal: s.signal });
    } catch (err) {
      throw transportError(s, current, err);
    }
    if (!REDIRECT_STATUSES.has(res.status)) return res;
    await discard(res);
    const location = res.headers.get('location');
    if (hops >= MAX_REDIRECTS || location === null) {
      throw new RegistryError(
        'bad_response',
        location === null
          ? `${current.host} answered HTTP ${res.status} without a Location to go to`
          : `${url.host} redirected more than ${MAX_REDIRECTS} times for ${s.display}`,
      );
    }
    const next = new URL(location, current);
    if (next.protocol !== 'https:' && next.protocol !== 'http:') {
      throw new RegistryError('bad_response', `${current.host} redirected to ${next.protocol} URL`);
    }
    if (current.protocol === 'https:' && next.protocol === 'http:') {
      throw new RegistryError(
        'bad_response',
        `${current.host} redirected from HTTPS to plain HTTP (${next.host}); refusing the downgrade`,
      );
    }
    current = next;
  }
}

async function discard(res: Response): Promise<void> {
  await res.body?.cancel().catch(() => undefined);
}

/** The body, refusing anything over `max` bytes: by Content-Length first, then as it streams. */
async function readCapped(s: Session, res: Response, max: number, what: string): Promise<Buffer> {
  const declared = res.headers.get('content-length');
  if (declared !== null && Number(declared) > max) {
    await discard(res);
    throw new RegistryError(
      'too_large',
      `${what} is ${declared} bytes, over the ${max}-byte limit; refusing to read it`,
    );
  }
  if (res.body === null) return Buffer.alloc(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > max) {
        await reader.cancel().catch(() => undefined);
        throw new RegistryError(
          'too_large',
          `${what} is larger than the ${max}-byte limit; stopped reading it`,
        );
      }
      chunks.push(value);
    }
  } catch (err) {
    throw transportError(s, new URL(res.url || s.origin), err);
  }
  return Buffer.concat(chunks);
}

/** An error body, cut at MAX_ERROR_BODY_BYTES; a body that cannot be read is treated as empty. */
async function readErrorBody(s: Session, res: Response): Promise<string> {
  const reader = res.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    while (total < MAX_ERROR_BODY_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      total += value.byteLength;
    }
  } catch (err) {
    if (isTimeout(err, s.signal)) throw transportError(s, new URL(s.origin), err);
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, MAX_ERROR_BODY_BYTES).toString('utf8');
}

/** The distribution spec's error body: {"errors":[{"code":"MANIFEST_UNKNOWN","message":"…"}]}. */
function parseRegistryErrors(text: string): { codes: string[]; message: string | undefined } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { codes: [], message: undefined };
  }
  if (!isRecord(doc)) return { codes: [], message: undefined };
  const codes: string[] = [];
  const messages: string[] = [];
  if (Array.isArray(doc.errors)) {
    for (const e of doc.errors) {
      if (!isRecord(e)) continue;
      if (typeof e.code === 'string') codes.push(e.code);
      if (typeof e.message === 'string' && e.message !== '') messages.push(e.message);
    }
  }
  // Token servers answer in OAuth style or with Docker Hub's {"details": "…"}.
  for (const key of ['details', 'error_description', 'error']) {
    if (messages.length === 0 && typeof doc[key] === 'string' && doc[key] !== '') {
      messages.push(doc[key]);
    }
  }
  return { codes, message: messages.length > 0 ? messages.join('; ') : undefined };
}

async function statusError(s: Session, res: Response, what: string): Promise<RegistryError> {
  const text = await readErrorBody(s, res);
  const { codes, message } = parseRegistryErrors(text);
  const host = new URL(res.url || s.origin).host;
  const said = message === undefined ? `HTTP ${res.status}` : message;
  if (res.status === 404 || codes.some((c) => NOT_FOUND_CODES.has(c))) {
    return new RegistryError(
      'not_found',
      `${what} was not found in ${s.ref.registry}: ${said}. Check the repository name and the tag or digest`,
      message,
    );
  }
  if (res.status === 401 || res.status === 403) {
    return new RegistryError(
      'unauthorized',
      `${s.ref.registry} refused anonymous access to ${what} (HTTP ${res.status}: ${message ?? res.statusText}). ` +
        `The repository may be private, or may not exist: Docker Hub answers 401 for both. ` +
        `Only public images can be inspected`,
      message,
    );
  }
  if (res.status === 429) {
    return new RegistryError(
      'bad_response',
      `${s.ref.registry} is rate-limiting requests (HTTP 429${message ? `: ${message}` : ''}); try again later`,
      message,
    );
  }
  if (res.status >= 500) {
    return new RegistryError(
      'bad_response',
      `${host} failed with HTTP ${res.status} while serving ${what}${message ? ` (${message})` : ''}; try again later`,
      message,
    );
  }
  const hint =
    s.insecure && res.status === 400 && /https/i.test(text)
      ? `: it seems to speak HTTPS; remove ${s.ref.registry} from the insecure registries in registries.conf`
      : '';
  return new RegistryError(
    'bad_response',
    `${host} answered HTTP ${res.status} ${res.statusText} for ${what}${message ? ` (${message})` : ''}${hint}`,
    message,
  );
}

// --- authentication --------------------------------------------------------------------------

async function fetchToken(s: Session, challenge: AuthChallenge, what: string): Promise<string> {
  const { realm, service, scope } = challenge.params;
  let url: URL;
  try {
    url = new URL(realm ?? '');
  } catch {
    throw new RegistryError(
      'bad_response',
      `${s.ref.registry} asked for a Bearer token without a usable realm URL (${JSON.stringify(realm ?? null)})`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new RegistryError(
      'bad_response',
      `${s.ref.registry} named a ${url.protocol} token realm`,
    );
  }
  if (service !== undefined) url.searchParams.set('service', service);
  url.searchParams.set('scope', scope ?? `repository:${s.ref.repository}:pull`);

  const res = await send(s, url, { accept: 'application/json' }, null);
  if (!res.ok) {
    const error = await statusError(s, res, `a token for ${what}`);
    const said = error.registryMessage ? `: ${error.registryMessage}` : '';
    if (error.kind === 'unauthorized') {
      throw new RegistryError(
        'unauthorized',
        `the token service of ${s.ref.registry} (${url.host}) refused an anonymous token for ${what}` +
          `${said}. Only public images can be inspected`,
        error.registryMessage,
      );
    }
    throw new RegistryError(
      'bad_response',
      `the token service of ${s.ref.registry} (${url.host}) answered HTTP ${res.status}${said}; try again later`,
      error.registryMessage,
    );
  }
  const doc = parseJson(
    await readCapped(s, res, MAX_TOKEN_BYTES, `the token from ${url.host}`),
    `the token from ${url.host}`,
  );
  const token = isRecord(doc) ? (doc.token ?? doc.access_token) : undefined;
  if (typeof token !== 'string' || token === '') {
    throw new RegistryError(
      'bad_response',
      `the token service ${url.host} answered without a token`,
    );
  }
  return token;
}

/** GET a registry path; on a Bearer challenge fetch an anonymous token and retry once. */
async function get(s: Session, path: string, accept: string, max: number, what: string) {
  const url = new URL(path, s.origin);
  const headers = { accept };
  let res = await send(s, url, headers, s.authorization);
  if (res.status === 401 && s.authorization === null) {
    const header = res.headers.get('www-authenticate') ?? '';
    const bearer = parseWwwAuthenticate(header).find((c) => c.scheme === 'bearer');
    if (bearer === undefined) throw await statusError(s, res, what);
    await discard(res);
    s.authorization = `Bearer ${await fetchToken(s, bearer, what)}`;
    res = await send(s, url, headers, s.authorization);
  }
  if (!res.ok) throw await statusError(s, res, what);
  const bytes = await readCapped(s, res, max, what);
  return { bytes, headers: res.headers };
}

// --- manifests -------------------------------------------------------------------------------

function parseJson(bytes: Buffer, what: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new RegistryError('bad_response', `${what} is not valid JSON`);
  }
}

function digestOf(bytes: Buffer, algorithm = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}

function contentType(headers: Headers): string {
  return (headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
}

const stringOr = (v: unknown, fallback: string) => (typeof v === 'string' ? v : fallback);

const variantOf = (architecture: string, variant: unknown) =>
  canonicalVariant(architecture, typeof variant === 'string' ? variant : null);

function platformsOfIndex(doc: Record<string, unknown>, what: string): RemotePlatformEntry[] {
  if (!Array.isArray(doc.manifests)) {
    throw new RegistryError('bad_response', `${what} is an index without a "manifests" list`);
  }
  const platforms: RemotePlatformEntry[] = [];
  for (const m of doc.manifests) {
    if (!isRecord(m) || typeof m.digest !== 'string' || !DIGEST.test(m.digest)) {
      throw new RegistryError('bad_response', `${what} lists a manifest without a valid digest`);
    }
    // Entries without a platform are artifacts (signatures, SBOMs), not runnable images.
    if (!isRecord(m.platform)) continue;
    const os = stringOr(m.platform.os, '');
    const architecture = stringOr(m.platform.architecture, '');
    const annotations = isRecord(m.annotations) ? m.annotations : {};
    // BuildKit's provenance/SBOM attestations: unknown/unknown, tagged by an annotation.
    if (os === 'unknown' || architecture === 'unknown' || os === '' || architecture === '')
      continue;
    if (annotations['vnd.docker.reference.type'] === 'attestation-manifest') continue;
    platforms.push({
      os,
      architecture,
      variant: variantOf(architecture, m.platform.variant),
      digest: m.digest,
      size: typeof m.size === 'number' && Number.isSafeInteger(m.size) ? m.size : 0,
      mediaType: stringOr(m.mediaType, ''),
    });
  }
  return platforms;
}

async function platformOfManifest(
  s: Session,
  doc: Record<string, unknown>,
  manifest: { digest: string; size: number; mediaType: string },
  what: string,
): Promise<RemotePlatformEntry> {
  const config = doc.config;
  if (!isRecord(config) || typeof config.digest !== 'string' || !DIGEST.test(config.digest)) {
    throw new RegistryError('bad_response', `${what} has no valid config descriptor`);
  }
  const configType = stringOr(config.mediaType, '');
  if (!CONFIG_TYPES.has(configType)) {
    throw new RegistryError(
      'bad_response',
      `${what} is not a container image: its config is "${configType}" (an OCI artifact such as a Helm chart or signature)`,
    );
  }
  const configWhat = `the config blob ${config.digest} of ${s.display}`;
  if (typeof config.size === 'number' && config.size > s.maxBytes) {
    throw new RegistryError(
      'too_large',
      `${configWhat} is ${config.size} bytes, over the ${s.maxBytes}-byte limit; refusing to read it`,
    );
  }
  const path = `/v2/${s.ref.repository}/blobs/${config.digest}`;
  const { bytes } = await get(
    s,
    path,
    `${configType}, application/json, */*`,
    s.maxBytes,
    configWhat,
  );
  const algorithm = config.digest.slice(0, config.digest.indexOf(':'));
  if (digestOf(bytes, algorithm) !== config.digest) {
    throw new RegistryError('bad_response', `${configWhat} does not match its digest`);
  }
  const image = parseJson(bytes, configWhat);
  if (!isRecord(image) || typeof image.os !== 'string' || typeof image.architecture !== 'string') {
    throw new RegistryError('bad_response', `${configWhat} names no os and architecture`);
  }
  return {
    os: image.os,
    architecture: image.architecture,
    variant: variantOf(image.architecture, image.variant),
    ...manifest,
  };
}

function openSession(ref: ImageReference, opts: RegistryOptions): Session {
  const endpoint = ref.registry === DOCKER_HUB ? DOCKER_HUB_ENDPOINT : ref.registry;
  const insecure = isInsecure(ref, endpoint, opts.insecureRegistries);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return {
    ref,
    display: formatReference(ref),
    origin: `${insecure ? 'http' : 'https'}://${endpoint}`,
    insecure,
    signal: AbortSignal.timeout(timeoutMs),
    timeoutMs,
    maxBytes: opts.maxManifestBytes ?? DEFAULT_MAX_MANIFEST_BYTES,
    authorization: null,
  };
}

/**
 * The platforms an image offers, read from its registry: one entry per image in an index or
 * manifest list (attestations dropped), or the single platform of a plain manifest (from its
 * config blob). Fails with a RegistryError whose kind and message say what went wrong.
 */
export async function inspectRemote(
  ref: ImageReference,
  opts: RegistryOptions,
): Promise<RemoteImage> {
  const s = openSession(ref, opts);
  const target = ref.digest ?? ref.tag ?? 'latest';
  const what = `"${ref.repository}${ref.digest ? `@${ref.digest}` : `:${target}`}"`;
  const { bytes, headers } = await get(
    s,
    `/v2/${ref.repository}/manifests/${target}`,
    ACCEPT,
    s.maxBytes,
    `the manifest ${what}`,
  );

  let digest: string;
  if (ref.digest !== null) {
    // Content addressing is the point of a digest reference: check what came back.
    const algorithm = ref.digest.slice(0, ref.digest.indexOf(':'));
    if (digestOf(bytes, algorithm) !== ref.digest) {
      throw new RegistryError(
        'bad_response',
        `${ref.registry} sent a manifest that does not match ${ref.digest}`,
      );
    }
    digest = ref.digest;
  } else {
    const header = headers.get('docker-content-digest');
    digest = header !== null && DIGEST.test(header) ? header : digestOf(bytes);
  }

  const doc = parseJson(bytes, `the manifest ${what}`);
  if (!isRecord(doc))
    throw new RegistryError('bad_response', `the manifest ${what} is not a JSON object`);
  const declared = contentType(headers);
  const mediaType =
    [declared, stringOr(doc.mediaType, '')].find(
      (t) => INDEX_TYPES.has(t) || MANIFEST_TYPES.has(t) || t.startsWith(SCHEMA1_PREFIX),
    ) ??
    (Array.isArray(doc.manifests)
      ? MEDIA_TYPES.ociIndex
      : isRecord(doc.config)
        ? MEDIA_TYPES.ociManifest
        : declared);

  if (mediaType.startsWith(SCHEMA1_PREFIX) || doc.schemaVersion === 1) {
    throw new RegistryError(
      'bad_response',
      `${s.display} is stored in the deprecated Docker schema 1 manifest format, which archdeck does not read; ` +
        `re-push the image with a current docker, podman or skopeo`,
    );
  }
  if (INDEX_TYPES.has(mediaType)) {
    return {
      reference: s.display,
      mediaType,
      digest,
      multiArch: true,
      platforms: platformsOfIndex(doc, `the manifest ${what}`),
    };
  }
  if (!MANIFEST_TYPES.has(mediaType)) {
    throw new RegistryError(
      'bad_response',
      `${ref.registry} answered with an unsupported manifest type "${mediaType || 'none'}" for ${what}`,
    );
  }
  const platform = await platformOfManifest(
    s,
    doc,
    { digest, size: bytes.length, mediaType },
    `the manifest ${what}`,
  );
  return { reference: s.display, mediaType, digest, multiArch: false, platforms: [platform] };
}

// --- image configs, per platform -------------------------------------------------------------

export interface RemoteImageConfig {
  /** The platform and its manifest, as the index lists it (a single image: as inspectRemote). */
  entry: RemotePlatformEntry;
  /** The config blob, parsed: the OCI image config (os, architecture, config, rootfs, history). */
  config: Record<string, unknown>;
  /** Each layer's size as its manifest lists it (compressed, as pulled). */
  layerSizes: number[];
}

export interface RemoteImageConfigs {
  image: RemoteImage;
  configs: RemoteImageConfig[];
  /** Platforms listed but not read: more than MAX_CONFIGS. */
  skipped: number;
}

/** Enough for every platform a real index lists (Docker Hub's busybox has 13 at most). */
const MAX_CONFIGS = 16;
/** One deadline for all the manifests and configs, read one after the other. */
const CONFIGS_TIMEOUT_MS = 30_000;

/** GET by digest, checked against it, as JSON. */
async function getByDigest(
  s: Session,
  kind: 'manifests' | 'blobs',
  digest: string,
  accept: string,
  what: string,
): Promise<Record<string, unknown>> {
  const { bytes } = await get(
    s,
    `/v2/${s.ref.repository}/${kind}/${digest}`,
    accept,
    s.maxBytes,
    what,
  );
  if (digestOf(bytes, digest.slice(0, digest.indexOf(':'))) !== digest) {
    throw new RegistryError('bad_response', `${what} does not match its digest ${digest}`);
  }
  const doc = parseJson(bytes, what);
  if (!isRecord(doc)) throw new RegistryError('bad_response', `${what} is not a JSON object`);
  return doc;
}

/**
 * Every platform's image config and layer sizes, read from the registry: what a per-platform
 * comparison needs (Env, Entrypoint, Labels… of each). The index comes from inspectRemote; each
 * platform's manifest and config blob are then read by digest and checked against it.
 */
export async function readImageConfigs(
  ref: ImageReference,
  opts: RegistryOptions,
): Promise<RemoteImageConfigs> {
  const image = await inspectRemote(ref, opts);
  const s = openSession(ref, { ...opts, timeoutMs: opts.timeoutMs ?? CONFIGS_TIMEOUT_MS });
  const configs: RemoteImageConfig[] = [];
  for (const entry of image.platforms.slice(0, MAX_CONFIGS)) {
    const platform = formatPlatform({
      os: entry.os,
      arch: entry.architecture,
      variant: entry.variant,
    });
    const what = `the ${platform} manifest of ${s.display}`;
    const manifest = await getByDigest(s, 'manifests', entry.digest, ACCEPT, what);
    const config = manifest.config;
    if (!isRecord(config) || typeof config.digest !== 'string' || !DIGEST.test(config.digest)) {
      throw new RegistryError('bad_response', `${what} has no valid config descriptor`);
    }
    const layers = Array.isArray(manifest.layers) ? manifest.layers : [];
    configs.push({
      entry,
      config: await getByDigest(
        s,
        'blobs',
        config.digest,
        `${stringOr(config.mediaType, MEDIA_TYPES.ociConfig)}, application/json, */*`,
        `the ${platform} config of ${s.display}`,
      ),
      layerSizes: layers.map((l) =>
        isRecord(l) && typeof l.size === 'number' && Number.isSafeInteger(l.size) ? l.size : 0,
      ),
    });
  }
  return { image, configs, skipped: Math.max(0, image.platforms.length - MAX_CONFIGS) };
}
