/**
 * Reads images' manifests and repositories' tags straight from a registry over the OCI
 * distribution API: which platforms an image offers before anything is pulled, which platform
 * manifest (config and layers) a pull will get, which index a local image came from, and
 * which tags a repository has. Why not ask podman: libpod's manifest-inspect endpoint
 * (`GET /libpod/manifests/{name}/json` on a remote name) has no timeout and no size limit, so
 * one slow or hostile registry ties up a request for as long as it likes, and it flattens
 * every failure into a 500 with a Go error string, so "tag does not exist", "needs a login",
 * "registry is down" and "speaks plain HTTP" cannot be told apart.
 * Here every request shares one deadline, every body is size-capped while it streams, and each
 * failure becomes a RegistryError whose kind and message say what happened and what to do.
 *
 * One call talks to one endpoint (a registry, or one of its mirrors: registries.ts picks them
 * from registries.conf) the way podman's containers/image does: with the credentials of
 * auth.json, as Basic or through the Bearer token flow of Docker Hub, quay.io and ghcr.io; with
 * the CA and client certificate of certs.d; and, for an insecure registry, over HTTPS without
 * checking its certificate, then over plain HTTP when HTTPS cannot connect at all.
 */
import { createHash } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import { Agent, fetch, type Response } from 'undici';
import { canonicalVariant, formatPlatform, type PlatformParts } from '@archdeck/shared';
import { formatReference, type ImageReference } from '../images/reference.js';
import type { HostCerts } from './certs.js';

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

/** An entry's os/arch[/variant], as the daemon names platforms everywhere. */
export const entryPlatform = (p: RemotePlatformEntry) =>
  formatPlatform({ os: p.os, arch: p.architecture, variant: p.variant });

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
  | 'not_found'
  | 'unauthorized'
  | 'unreachable'
  | 'tls'
  | 'timeout'
  | 'bad_response'
  | 'too_large'
  | 'blocked';

export class RegistryError extends Error {
  override readonly name = 'RegistryError';

  constructor(
    readonly kind: RegistryErrorKind,
    message: string,
    /** The registry's own words, from its JSON `errors[].message`, when it sent any. */
    readonly registryMessage?: string,
    options?: { cause?: unknown; host?: string },
  ) {
    super(message, options);
    this.host = options?.host;
  }

  /** For a connection that failed: the host[:port] it was to. */
  readonly host: string | undefined;
}

/** A login as auth.json holds it; `file` says where, for messages. */
export interface RegistryCredentials {
  username: string;
  password: string;
  file?: string;
}

export interface RegistryOptions {
  /**
   * registries.conf's `insecure`: HTTPS without checking the certificate, then plain HTTP if
   * HTTPS cannot connect, as podman pings such a registry.
   */
  insecure?: boolean;
  /** The host's certs.d directory: CAs trusted on top of the system's, a client certificate. */
  certs?: HostCerts | null;
  credentials?: RegistryCredentials | null;
  /** Why no credentials were sent, when that was not for lack of a login (a helper, say). */
  credentialsNote?: string;
  /** Deadline for the whole inspection: token, manifest and config blob together. */
  timeoutMs?: number;
  /** Cap on each manifest and config blob, checked on Content-Length and while streaming. */
  maxManifestBytes?: number;
  /** Cancels everything, e.g. when the browser that asked goes away. */
  signal?: AbortSignal;
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

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

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
  /** The registry as the name says it, for messages: 'docker.io', '127.0.0.1:5000'. */
  registry: string;
  /** The repository a token is asked for; null for a login, which asks for none. */
  repository: string | null;
  /** Canonical reference (or the registry, for a login), for messages. */
  display: string;
  /** host[:port] connected to: Docker Hub's API is not at docker.io. */
  endpoint: string;
  origin: string;
  insecure: boolean;
  /** Insecure and not yet connected: a failed HTTPS connection is retried as plain HTTP. */
  httpFallback: boolean;
  signal: AbortSignal;
  timeoutMs: number;
  maxBytes: number;
  dispatcher: Agent;
  credentials: RegistryCredentials | null;
  credentialsNote: string;
  /** 'Bearer …' or 'Basic …' once the registry asked; reused for the config blob. */
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

/**
 * The fix for a registry that speaks plain HTTP, in lines that paste as TOML. The podman
 * service archdeck runs reads registries.conf when it starts: a change needs a restart.
 */
export function insecureHint(registry: string): string {
  return (
    `If ${registry} is a local registry that speaks plain HTTP, mark it insecure in a registries.conf drop-in ` +
    `(e.g. /etc/containers/registries.conf.d/50-local.conf), as podman reads it too:\n` +
    `[[registry]]\nlocation = "${registry}"\ninsecure = true\n` +
    `then restart archdeck, whose podman service reads registries.conf when it starts.`
  );
}

/** 'wrong version number' out of OpenSSL's '…:error:0A00010B:SSL routines:<function>:<reason>:<file>:<line>:'. */
const opensslReason = (message: string) => /routines:[^:]*:([^:]+)/.exec(message)?.[1];

function transportError(s: Session, url: URL, err: unknown): RegistryError {
  if (err instanceof RegistryError) return err;
  const host = url.host;
  const options = { cause: err, host };
  if (isTimeout(err, s.signal)) {
    return new RegistryError(
      'timeout',
      `${host} did not answer within ${s.timeoutMs} ms while reading ${s.display}: the registry may be overloaded or unreachable from this network; try again later`,
      undefined,
      options,
    );
  }
  const { code, message } = rootCause(err);
  if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT') {
    return new RegistryError(
      'timeout',
      `${host} did not answer in time while reading ${s.display}: try again later`,
      undefined,
      options,
    );
  }
  if (code !== undefined && CERTIFICATE_ERRORS.has(code)) {
    return new RegistryError(
      'tls',
      `the TLS certificate of ${host} is not trusted (${code}: ${message.trim()}). Put the CA that signed it ` +
        `in /etc/containers/certs.d/${s.registry}/ca.crt, where podman looks for it too; or mark ` +
        `${s.registry} insecure = true in a registries.conf drop-in to skip the check`,
      undefined,
      options,
    );
  }
  if (
    code !== undefined &&
    (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || code === 'EPROTO')
  ) {
    return new RegistryError(
      'tls',
      `the TLS handshake with ${host} failed (${opensslReason(message) ?? code}). ` +
        insecureHint(s.registry),
      undefined,
      options,
    );
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    // Most often a machine without internet access (a lab, a CI runner): say how podman
    // reaches such a registry, rather than blaming the name.
    return new RegistryError(
      'unreachable',
      `cannot reach ${host}: the name ${CONNECTION_ERRORS[code]}. If this machine has no internet ` +
        `access, pull through a mirror it reaches: a registries.conf drop-in (e.g. ` +
        `/etc/containers/registries.conf.d/50-mirror.conf) with [[registry]] location = ` +
        `"${s.registry}" and [[registry.mirror]] location = "<your mirror>", as podman reads it too; ` +
        `or check the spelling of "${s.registry}"`,
      undefined,
      options,
    );
  }
  if (code !== undefined && code in CONNECTION_ERRORS) {
    return new RegistryError(
      'unreachable',
      `cannot reach ${host}: it ${CONNECTION_ERRORS[code]}. The registry may be offline, or the name ` +
        `"${s.registry}" may be wrong`,
      undefined,
      options,
    );
  }
  if (message === 'bad port') {
    // HACK: undici applies the WHATWG fetch "bad port" list (1, 6000, 6665-6669, 10080, …)
    // even to server-side requests: https://fetch.spec.whatwg.org/#port-blocking
    return new RegistryError(
      'unreachable',
      `cannot reach ${host}: port ${url.port} is on the fetch standard's list of blocked ports; run the registry on another port`,
      undefined,
      options,
    );
  }
  return new RegistryError(
    'unreachable',
    `cannot reach ${host} (${code ?? message}). The registry may be offline, or the name "${s.registry}" may be wrong`,
    undefined,
    options,
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
      res = await fetch(current, {
        headers: sent,
        redirect: 'manual',
        signal: s.signal,
        dispatcher: s.dispatcher,
      });
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
      `${what} was not found in ${s.registry}: ${said}. Check the repository name and the tag or digest`,
      message,
    );
  }
  if (res.status === 401 || res.status === 403) {
    const creds = s.credentials;
    return new RegistryError(
      'unauthorized',
      creds && s.authorization !== null
        ? `${s.registry} refused ${what} to "${creds.username}"${fromFile(creds)} (HTTP ${res.status}: ${message ?? res.statusText}). ` +
            `The password may be wrong or the account may lack access: log in to ${s.registry} again (Registries page, or podman login ${s.registry})`
        : `${s.registry} refused anonymous access to ${what} (HTTP ${res.status}: ${message ?? res.statusText}). ` +
            `The repository may be private, or may not exist: Docker Hub answers 401 for both. ` +
            `If it is private, log in to ${s.registry} (Registries page, or podman login ${s.registry})${s.credentialsNote}`,
      message,
    );
  }
  if (res.status === 429) {
    return new RegistryError(
      'bad_response',
      `${s.registry} is rate-limiting requests (HTTP 429${message ? `: ${message}` : ''}); try again later`,
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
      ? `: it seems to speak HTTPS; remove ${s.registry} from the insecure registries in registries.conf`
      : '';
  return new RegistryError(
    'bad_response',
    `${host} answered HTTP ${res.status} ${res.statusText} for ${what}${message ? ` (${message})` : ''}${hint}`,
    message,
  );
}

// --- authentication --------------------------------------------------------------------------

const basicAuthorization = (c: RegistryCredentials) =>
  `Basic ${Buffer.from(`${c.username}:${c.password}`, 'utf8').toString('base64')}`;

const fromFile = (c: RegistryCredentials) => (c.file ? ` (stored in ${c.file})` : '');

async function fetchToken(s: Session, challenge: AuthChallenge, what: string): Promise<string> {
  const { realm, service, scope } = challenge.params;
  let url: URL;
  try {
    url = new URL(realm ?? '');
  } catch {
    throw new RegistryError(
      'bad_response',
      `${s.registry} asked for a Bearer token without a usable realm URL (${JSON.stringify(realm ?? null)})`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new RegistryError('bad_response', `${s.registry} named a ${url.protocol} token realm`);
  }
  if (service !== undefined) url.searchParams.set('service', service);
  if (scope !== undefined || s.repository !== null) {
    url.searchParams.set('scope', scope ?? `repository:${s.repository}:pull`);
  }
  // A login is checked with a token for no scope at all, as `podman login` asks for one.
  const creds = s.credentials;
  if (creds) url.searchParams.set('account', creds.username);

  const res = await send(
    s,
    url,
    { accept: 'application/json' },
    creds ? basicAuthorization(creds) : null,
  );
  if (!res.ok) {
    const error = await statusError(s, res, `a token for ${what}`);
    const said = error.registryMessage ? `: ${error.registryMessage}` : '';
    if (error.kind === 'unauthorized') {
      throw new RegistryError(
        'unauthorized',
        creds
          ? `the token service of ${s.registry} (${url.host}) refused the credentials of "${creds.username}"${fromFile(creds)} for ${what}${said}. ` +
              `Log in to ${s.registry} again with the right password (Registries page, or podman login ${s.registry})`
          : `the token service of ${s.registry} (${url.host}) refused an anonymous token for ${what}${said}. ` +
              `If it is private, log in to ${s.registry} first (Registries page, or podman login ${s.registry})${s.credentialsNote}`,
        error.registryMessage,
      );
    }
    throw new RegistryError(
      'bad_response',
      `the token service of ${s.registry} (${url.host}) answered HTTP ${res.status}${said}; try again later`,
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

/**
 * A request to the registry itself. The first one of an insecure session decides the scheme,
 * as podman's ping does: HTTPS (certificate unchecked) if it connects, else plain HTTP.
 */
async function sendToRegistry(
  s: Session,
  path: string,
  headers: Record<string, string>,
): Promise<Response> {
  try {
    return await send(s, new URL(path, s.origin), headers, s.authorization);
  } catch (err) {
    const https = new URL(s.origin).host;
    const cannotConnect =
      err instanceof RegistryError &&
      (err.kind === 'tls' || err.kind === 'unreachable') &&
      err.host === https;
    if (!s.httpFallback || !cannotConnect) throw err;
    s.origin = `http://${s.endpoint}`;
    return await send(s, new URL(path, s.origin), headers, s.authorization);
  } finally {
    s.httpFallback = false;
  }
}

/**
 * After a 401, what to send instead: a Bearer token (anonymous, or for the stored login), or
 * the stored login itself to a Basic challenge. Null when nothing would change the answer.
 */
async function authorizationFor(s: Session, res: Response, what: string): Promise<string | null> {
  const challenges = parseWwwAuthenticate(res.headers.get('www-authenticate') ?? '');
  const bearer = challenges.find((c) => c.scheme === 'bearer');
  if (bearer) return `Bearer ${await fetchToken(s, bearer, what)}`;
  if (s.credentials && challenges.some((c) => c.scheme === 'basic')) {
    return basicAuthorization(s.credentials);
  }
  return null;
}

/** GET a registry path; on a 401, authenticate as the registry asks and retry once. */
async function get(s: Session, path: string, accept: string, max: number, what: string) {
  const headers = { accept };
  let res = await sendToRegistry(s, path, headers);
  if (res.status === 401 && s.authorization === null) {
    const authorization = await authorizationFor(s, res, what);
    if (authorization === null) throw await statusError(s, res, what);
    await discard(res);
    s.authorization = authorization;
    res = await sendToRegistry(s, path, headers);
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

/**
 * A manifest's config blob, read by its digest and checked against it: a container image's
 * config (os, architecture, config, rootfs, history), parsed; an artifact's is refused.
 */
async function fetchImageConfig(
  s: Session,
  config: unknown,
  what: string,
): Promise<{ image: Record<string, unknown>; configWhat: string }> {
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
  const path = `/v2/${s.repository}/blobs/${config.digest}`;
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
  if (!isRecord(image))
    throw new RegistryError('bad_response', `${configWhat} is not a JSON object`);
  return { image, configWhat };
}

async function platformOfManifest(
  s: Session,
  doc: Record<string, unknown>,
  manifest: { digest: string; size: number; mediaType: string },
  what: string,
): Promise<RemotePlatformEntry> {
  const { image, configWhat } = await fetchImageConfig(s, doc.config, what);
  if (typeof image.os !== 'string' || typeof image.architecture !== 'string') {
    throw new RegistryError('bad_response', `${configWhat} names no os and architecture`);
  }
  return {
    os: image.os,
    architecture: image.architecture,
    variant: variantOf(image.architecture, image.variant),
    ...manifest,
  };
}

/** Who a session talks to, for what, and its default deadline. */
interface SessionTarget {
  registry: string;
  repository: string | null;
  display: string;
  timeoutMs: number;
}

/** One session per call: its own connections, TLS settings, deadline and authorization. */
async function withSession<T>(
  target: SessionTarget,
  opts: RegistryOptions,
  run: (s: Session) => Promise<T>,
): Promise<T> {
  const { registry, repository, display } = target;
  const endpoint = registry === DOCKER_HUB ? DOCKER_HUB_ENDPOINT : registry;
  const insecure = opts.insecure ?? false;
  const timeoutMs = opts.timeoutMs ?? target.timeoutMs;
  const certs = opts.certs ?? null;
  const dispatcher = new Agent({
    connect: {
      rejectUnauthorized: !insecure,
      // Given at all, `ca` replaces Node's trust store: certs.d adds to it, as in podman.
      ...(certs && certs.ca.length > 0 ? { ca: [...rootCertificates, ...certs.ca] } : {}),
      ...(certs && certs.certs.length > 0 ? { cert: certs.certs, key: certs.keys } : {}),
    },
  });
  const timeout = AbortSignal.timeout(timeoutMs);
  const s: Session = {
    registry,
    repository,
    display,
    endpoint,
    origin: `https://${endpoint}`,
    insecure,
    httpFallback: insecure,
    signal: opts.signal ? AbortSignal.any([timeout, opts.signal]) : timeout,
    timeoutMs,
    maxBytes: opts.maxManifestBytes ?? DEFAULT_MAX_MANIFEST_BYTES,
    dispatcher,
    credentials: opts.credentials ?? null,
    credentialsNote: opts.credentialsNote ?? '',
    authorization: null,
  };
  try {
    return await run(s);
  } finally {
    // Every body has been read or cancelled by now: nothing is cut that anyone waits for.
    dispatcher.destroy().catch(() => undefined);
  }
}

/** A session for one repository of one endpoint: manifests, blobs and tags. */
const withRepository = <T>(
  ref: ImageReference,
  opts: RegistryOptions,
  run: (s: Session) => Promise<T>,
  timeoutMs = DEFAULT_TIMEOUT_MS,
) =>
  withSession(
    {
      registry: ref.registry,
      repository: ref.repository,
      display: formatReference(ref),
      timeoutMs,
    },
    opts,
    run,
  );

/**
 * Checks a login as `podman login` does: GET /v2/ and answer its challenge with the
 * credentials (Basic, or a Bearer token for no scope). `checked` is false when the registry
 * asked for nothing, so they could not be checked (podman stores them all the same).
 */
export async function checkLogin(
  registry: string,
  opts: RegistryOptions & { credentials: RegistryCredentials },
): Promise<{ checked: boolean }> {
  const target = { registry, repository: null, display: registry, timeoutMs: DEFAULT_TIMEOUT_MS };
  return withSession(target, opts, async (s) => {
    const what = 'the login';
    const headers = { accept: 'application/json' };
    let res = await sendToRegistry(s, '/v2/', headers);
    if (res.status !== 401) {
      if (!res.ok) throw await statusError(s, res, `${registry}/v2/`);
      await discard(res);
      return { checked: false };
    }
    const authorization = await authorizationFor(s, res, what);
    if (authorization === null) {
      const said = res.headers.get('www-authenticate') ?? 'nothing';
      await discard(res);
      throw new RegistryError(
        'bad_response',
        `${registry} asked for a login it does not say how to give (WWW-Authenticate: ${said})`,
      );
    }
    await discard(res);
    s.authorization = authorization;
    res = await sendToRegistry(s, '/v2/', headers);
    if (res.status === 401 || res.status === 403) {
      const { message } = parseRegistryErrors(await readErrorBody(s, res));
      throw new RegistryError(
        'unauthorized',
        `${registry} refused the login of "${opts.credentials.username}": ${message ?? `HTTP ${res.status}`}. Check the user name and password`,
        message,
      );
    }
    if (!res.ok) throw await statusError(s, res, `${registry}/v2/`);
    await discard(res);
    return { checked: true };
  });
}

interface FetchedManifest {
  /** Checked against the reference when it names a digest. */
  digest: string;
  mediaType: string;
  size: number;
  doc: Record<string, unknown>;
  index: boolean;
  /** 'the manifest "library/busybox:1.36"', for messages. */
  what: string;
}

/** One manifest by tag or digest, its type told (schema 1 refused) and its digest known. */
async function fetchManifest(
  s: Session,
  ref: ImageReference,
  target: string,
): Promise<FetchedManifest> {
  const byDigest = DIGEST.test(target);
  const what = `"${ref.repository}${byDigest ? '@' : ':'}${target}"`;
  const { bytes, headers } = await get(
    s,
    `/v2/${ref.repository}/manifests/${target}`,
    ACCEPT,
    s.maxBytes,
    `the manifest ${what}`,
  );

  let digest: string;
  if (byDigest) {
    // Content addressing is the point of a digest reference: check what came back.
    const algorithm = target.slice(0, target.indexOf(':'));
    if (digestOf(bytes, algorithm) !== target) {
      throw new RegistryError(
        'bad_response',
        `${ref.registry} sent a manifest that does not match ${target}`,
      );
    }
    digest = target;
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
  const index = INDEX_TYPES.has(mediaType);
  if (!index && !MANIFEST_TYPES.has(mediaType)) {
    throw new RegistryError(
      'bad_response',
      `${ref.registry} answered with an unsupported manifest type "${mediaType || 'none'}" for ${what}`,
    );
  }
  return { digest, mediaType, size: bytes.length, doc, index, what: `the manifest ${what}` };
}

const targetOf = (ref: ImageReference) => ref.digest ?? ref.tag ?? 'latest';

/**
 * The platforms an image offers, read from one endpoint: one entry per image in an index or
 * manifest list (attestations dropped), or the single platform of a plain manifest (from its
 * config blob). Fails with a RegistryError whose kind and message say what went wrong.
 */
export async function inspectRemote(
  ref: ImageReference,
  opts: RegistryOptions = {},
): Promise<RemoteImage> {
  return withRepository(ref, opts, async (s) => {
    const m = await fetchManifest(s, ref, targetOf(ref));
    const image = { reference: s.display, mediaType: m.mediaType, digest: m.digest };
    if (m.index) {
      return { ...image, multiArch: true, platforms: platformsOfIndex(m.doc, m.what) };
    }
    const platform = await platformOfManifest(
      s,
      m.doc,
      { digest: m.digest, size: m.size, mediaType: m.mediaType },
      m.what,
    );
    return { ...image, multiArch: false, platforms: [platform] };
  });
}

export interface RemoteDescriptor {
  digest: string;
  size: number;
  mediaType: string;
}

/** An image manifest: what a pull of one platform downloads. */
export interface RemoteImageManifest {
  digest: string;
  mediaType: string;
  /** The config blob; its digest is the image id podman gives the pulled image. */
  config: RemoteDescriptor;
  layers: RemoteDescriptor[];
}

/** What a manifest is, read without following it: an index and its entries, or an image. */
export type RemoteManifest =
  | { kind: 'index'; digest: string; mediaType: string; manifests: string[] }
  | ({ kind: 'image' } & RemoteImageManifest);

function descriptorOf(value: unknown, what: string): RemoteDescriptor {
  if (!isRecord(value) || typeof value.digest !== 'string' || !DIGEST.test(value.digest)) {
    throw new RegistryError('bad_response', `${what} has a descriptor without a valid digest`);
  }
  return {
    digest: value.digest,
    size: typeof value.size === 'number' && Number.isSafeInteger(value.size) ? value.size : 0,
    mediaType: stringOr(value.mediaType, ''),
  };
}

function imageManifestOf(m: FetchedManifest): RemoteImageManifest {
  if (!Array.isArray(m.doc.layers)) {
    throw new RegistryError('bad_response', `${m.what} has no "layers" list`);
  }
  return {
    digest: m.digest,
    mediaType: m.mediaType,
    config: descriptorOf(m.doc.config, m.what),
    layers: m.doc.layers.map((l) => descriptorOf(l, m.what)),
  };
}

function remoteManifestOf(m: FetchedManifest): RemoteManifest {
  if (!m.index) return { kind: 'image', ...imageManifestOf(m) };
  if (!Array.isArray(m.doc.manifests)) {
    throw new RegistryError('bad_response', `${m.what} is an index without a "manifests" list`);
  }
  return {
    kind: 'index',
    digest: m.digest,
    mediaType: m.mediaType,
    manifests: m.doc.manifests.map((entry) => descriptorOf(entry, m.what).digest),
  };
}

/** The manifest a reference names, as it is: an index is not followed to its entries. */
export async function readManifest(
  ref: ImageReference,
  opts: RegistryOptions = {},
): Promise<RemoteManifest> {
  return withRepository(ref, opts, async (s) =>
    remoteManifestOf(await fetchManifest(s, ref, targetOf(ref))),
  );
}

/** The image manifest a pull of one platform gets, and the index it was chosen from. */
export interface PlatformManifest {
  /** The index's digest; null when the reference names a single image. */
  index: string | null;
  manifest: RemoteImageManifest;
}

/**
 * An image manifest and its config blob (Env, Entrypoint, Labels…), by a reference that names
 * one image, such as an index entry's digest; both are checked against their digests.
 */
export async function readImage(
  ref: ImageReference,
  opts: RegistryOptions = {},
): Promise<{ manifest: RemoteImageManifest; config: Record<string, unknown> }> {
  return withRepository(ref, opts, async (s) => {
    const m = await fetchManifest(s, ref, targetOf(ref));
    if (m.index) throw new RegistryError('bad_response', `${m.what} is an index, not an image`);
    const { image } = await fetchImageConfig(s, m.doc.config, m.what);
    return { manifest: imageManifestOf(m), config: image };
  });
}

/**
 * The image manifest a pull of `platform` gets: the index's one entry for that platform, or
 * the reference's own manifest when it names a single image (which podman pulls whatever its
 * platform). An index with no entry, or several, for the platform is a `not_found`: which one
 * containers/image would choose is its business, and guessing it is not ours.
 */
export async function platformManifest(
  ref: ImageReference,
  platform: PlatformParts,
  opts: RegistryOptions = {},
): Promise<PlatformManifest> {
  return withRepository(ref, opts, async (s) => {
    const top = await fetchManifest(s, ref, targetOf(ref));
    if (!top.index) return { index: null, manifest: imageManifestOf(top) };
    const matches = platformsOfIndex(top.doc, top.what).filter(
      (p) =>
        p.os === platform.os &&
        p.architecture === platform.arch &&
        (platform.variant === null || p.variant === platform.variant),
    );
    const wanted = formatPlatform(platform);
    if (matches.length !== 1) {
      throw new RegistryError(
        'not_found',
        matches.length === 0
          ? `${top.what} has no image for ${wanted}`
          : `${top.what} has ${matches.length} images for ${wanted}; name the variant`,
      );
    }
    const entry = await fetchManifest(s, ref, matches[0]!.digest);
    if (entry.index) {
      throw new RegistryError('bad_response', `${entry.what} is an index inside an index`);
    }
    return { index: top.digest, manifest: imageManifestOf(entry) };
  });
}

// --- tags ------------------------------------------------------------------------------------

export interface RemoteTags {
  /** 'registry/repository', without tag or digest. */
  repository: string;
  /** In the registry's order (lexical for the CNCF distribution registry). */
  tags: string[];
  /** More tags exist than archdeck reads (MAX_TAGS, MAX_TAG_PAGES). */
  truncated: boolean;
}

/** Tags asked for per page: small enough that a registry paginates, big enough to be quick. */
export const TAGS_PAGE_SIZE = 100;
const MAX_TAGS = 10_000;
const MAX_TAG_PAGES = 200;
const DEFAULT_TAGS_TIMEOUT_MS = 30_000;

/**
 * The `rel="next"` target of a Link header (RFC 8288), as the distribution spec paginates:
 * `</v2/a/tags/list?last=b&n=100>; rel="next"`. Relative targets resolve against `base`; one
 * that leaves the registry is refused, as the token would go with it.
 */
export function nextPageOf(link: string | null, base: URL): URL | null {
  if (link === null) return null;
  for (const match of link.matchAll(/<([^>]*)>([^<]*)/g)) {
    const params = match[2]!.split(';').map((p) => p.trim().toLowerCase());
    const rel = params
      .find((p) => p.startsWith('rel='))
      ?.slice(4)
      .replace(/"/g, '');
    if (!rel?.split(/\s+/).includes('next')) continue;
    let next: URL;
    try {
      next = new URL(match[1]!, base);
    } catch {
      throw new RegistryError(
        'bad_response',
        `${base.host} sent an unusable next-page link (${JSON.stringify(match[1])})`,
      );
    }
    if (next.origin !== base.origin) {
      throw new RegistryError(
        'bad_response',
        `${base.host} pointed the next page of tags to another host (${next.host}); refusing to follow`,
      );
    }
    return next;
  }
  return null;
}

/**
 * Every tag of a repository, through `/v2/<name>/tags/list` page by page: the `Link` header's
 * next page when the registry sends one, else `n` + `last` after a full page (as the
 * distribution spec allows). Same auth, TLS, insecure and size rules as manifests; one
 * deadline for all pages; a registry that sends a page twice or never ends stops at the caps.
 */
export async function listTags(
  ref: ImageReference,
  opts: RegistryOptions = {},
): Promise<RemoteTags> {
  const repository = `${ref.registry}/${ref.repository}`;
  const what = `the tags of "${ref.repository}"`;
  const path = `/v2/${ref.repository}/tags/list`;
  const read = async (s: Session): Promise<RemoteTags> => {
    const tags: string[] = [];
    const seen = new Set<string>();
    const asked = new Set<string>();
    let next: string | null = `${path}?n=${TAGS_PAGE_SIZE}`;
    for (let pages = 0; next !== null; pages++) {
      if (pages === MAX_TAG_PAGES || tags.length >= MAX_TAGS) {
        return { repository, tags: tags.slice(0, MAX_TAGS), truncated: true };
      }
      const asking: string = next;
      if (asked.has(asking)) break;
      asked.add(asking);
      let page;
      try {
        page = await get(s, asking, 'application/json', s.maxBytes, what);
      } catch (err) {
        if (err instanceof RegistryError && err.kind === 'not_found') {
          const said = err.registryMessage ? `: ${err.registryMessage}` : '';
          throw new RegistryError(
            'not_found',
            `the repository "${ref.repository}" was not found in ${ref.registry}${said}. Check the repository name`,
            err.registryMessage,
          );
        }
        throw err;
      }
      const doc = parseJson(page.bytes, what);
      // distribution answers `"tags": null` for a repository whose tags were all deleted.
      const list = isRecord(doc) ? (doc.tags ?? []) : undefined;
      if (!Array.isArray(list)) {
        throw new RegistryError('bad_response', `${what} came without a "tags" list`);
      }
      let added = 0;
      for (const tag of list) {
        if (typeof tag !== 'string' || seen.has(tag)) continue;
        seen.add(tag);
        tags.push(tag);
        added++;
      }
      const last = list.at(-1);
      // Against the origin the page came from: an insecure session may have fallen back to HTTP.
      const linked = nextPageOf(page.headers.get('link'), new URL(asking, s.origin));
      next = linked
        ? `${linked.pathname}${linked.search}`
        : list.length === TAGS_PAGE_SIZE && added > 0 && typeof last === 'string'
          ? `${path}?n=${TAGS_PAGE_SIZE}&last=${encodeURIComponent(last)}`
          : null;
    }
    return { repository, tags, truncated: false };
  };
  return withRepository(ref, opts, read, DEFAULT_TAGS_TIMEOUT_MS);
}
