/**
 * Container image references as podman understands them (the distribution/reference grammar,
 * with containers/image's normalisation): `[registry/]path[:tag][@digest]`.
 *
 * The reference is split on '@', ':' and '/' first and each piece is checked on its own with
 * hand-written scanners or short anchored patterns that cannot backtrack. The upstream grammar
 * is one large regular expression, and translations of it into backtracking engines (such as
 * JavaScript's) have been exponential on inputs like "a---…---!"; these strings come from
 * users, so the input length is capped before anything else looks at it.
 */
import { isIPv6 } from 'node:net';
import { badRequest } from '../lib/errors.js';

export interface ImageReference {
  /** 'docker.io' when the reference names none; '127.0.0.1:5111', '[::1]:5000', 'quay.io'. */
  registry: string;
  /** 'library/busybox'; Docker Hub's official images get the 'library/' prefix. */
  repository: string;
  /** 'latest' when the reference has neither tag nor digest. */
  tag: string | null;
  /** 'sha256:<64 hex digits>'. */
  digest: string | null;
}

/** A reference that cannot be parsed; the message says what is wrong and how it should look. */
export class ReferenceError extends Error {
  override readonly name = 'ReferenceError';
}

/** Longest accepted reference: a 255-character name, a 128-character tag and a sha512 digest fit. */
export const MAX_REFERENCE_LENGTH = 512;

/** distribution/reference's NameTotalLengthMax: registry + '/' + repository. */
const MAX_NAME_LENGTH = 255;
const DEFAULT_REGISTRY = 'docker.io';
/** Docker Hub's old name; docker and podman rewrite it to docker.io. */
const LEGACY_DEFAULT_REGISTRY = 'index.docker.io';
const DEFAULT_TAG = 'latest';

/** The digest algorithms go-digest implements (podman rejects others) and their hex lengths. */
const DIGEST_HEX_LENGTHS = new Map([
  ['sha256', 64],
  ['sha384', 96],
  ['sha512', 128],
]);

const TAG = /^\w[\w.-]{0,127}$/;
const LOWER_HEX = /^[0-9a-f]+$/;
const DIGITS = /^[0-9]+$/;
const WHITESPACE = /\s/;

const EXAMPLE =
  'write it like "busybox", "quay.io/podman/hello:latest" or "localhost:5000/app@sha256:…"';
const PATH_RULE =
  'each part between "/" is lowercase letters and digits, separated by ".", "_", "__" or dashes';

const quote = (s: string) => JSON.stringify(s);

const isLowerAlnum = (c: number) => (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39);
const isAlnum = (c: number) => isLowerAlnum(c) || (c >= 0x41 && c <= 0x5a);

/** path-component := [a-z0-9]+ ((?:[._]|__|[-]+) [a-z0-9]+)*, scanned once, left to right. */
function isPathComponent(s: string): boolean {
  const n = s.length;
  let i = 0;
  for (;;) {
    const start = i;
    while (i < n && isLowerAlnum(s.charCodeAt(i))) i++;
    if (i === start) return false;
    if (i === n) return true;
    const sep = s[i];
    if (sep === '.') i++;
    else if (sep === '_') i += s[i + 1] === '_' ? 2 : 1;
    else if (sep === '-') while (s[i] === '-') i++;
    else return false;
  }
}

/** domain-component := [a-zA-Z0-9] | [a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9] */
function isDomainComponent(s: string): boolean {
  const n = s.length;
  if (n === 0 || !isAlnum(s.charCodeAt(0)) || !isAlnum(s.charCodeAt(n - 1))) return false;
  for (let i = 1; i < n - 1; i++) {
    const c = s.charCodeAt(i);
    if (!isAlnum(c) && c !== 0x2d) return false;
  }
  return true;
}

function checkPort(port: string, registry: string): void {
  if (!DIGITS.test(port) || port.length > 5 || Number(port) < 1 || Number(port) > 65535) {
    throw new ReferenceError(
      `invalid port in registry ${quote(registry)}: a port is a number from 1 to 65535`,
    );
  }
}

function checkRegistry(registry: string): void {
  let host = registry;
  if (registry.startsWith('[')) {
    const close = registry.indexOf(']');
    const address = close === -1 ? '' : registry.slice(1, close);
    if (!isIPv6(address)) {
      throw new ReferenceError(
        `invalid registry ${quote(registry)}: an IPv6 address is written in brackets, like "[::1]:5000"`,
      );
    }
    const rest = registry.slice(close + 1);
    if (rest === '') return;
    if (!rest.startsWith(':')) {
      throw new ReferenceError(
        `invalid registry ${quote(registry)}: only ":<port>" may follow the bracketed address`,
      );
    }
    checkPort(rest.slice(1), registry);
    return;
  }
  const colon = registry.indexOf(':');
  if (colon !== -1) {
    host = registry.slice(0, colon);
    checkPort(registry.slice(colon + 1), registry);
  }
  if (!host.split('.').every(isDomainComponent)) {
    throw new ReferenceError(
      `invalid registry host ${quote(host)}: a host name is dot-separated letters, digits and inner dashes, like "registry.example.com"`,
    );
  }
}

/** `written` is the name as the user typed it, before 'library/' was added, for messages. */
function checkRepository(repository: string, written: string): void {
  for (const component of repository.split('/')) {
    if (component === '') {
      throw new ReferenceError(
        `invalid repository name ${quote(written)}: it has an empty part (a leading, trailing or doubled "/")`,
      );
    }
    if (isPathComponent(component)) continue;
    if (isPathComponent(component.toLowerCase())) {
      throw new ReferenceError(`repository names must be lowercase: ${quote(written)}`);
    }
    throw new ReferenceError(`invalid repository name ${quote(written)}: ${PATH_RULE}`);
  }
}

function checkTag(tag: string): void {
  if (!TAG.test(tag)) {
    throw new ReferenceError(
      `invalid tag ${quote(tag)}: a tag is 1 to 128 letters, digits, "_", "." and "-", not starting with "." or "-"`,
    );
  }
}

function checkDigest(digest: string): void {
  const colon = digest.indexOf(':');
  const algorithm = colon === -1 ? '' : digest.slice(0, colon);
  const hex = digest.slice(colon + 1);
  const length = DIGEST_HEX_LENGTHS.get(algorithm);
  if (colon === -1 || algorithm === '') {
    throw new ReferenceError(
      `invalid digest ${quote(digest)}: a digest is written "sha256:" followed by 64 hex digits`,
    );
  }
  if (length === undefined) {
    throw new ReferenceError(
      `unsupported digest algorithm ${quote(algorithm)}: use sha256, sha384 or sha512`,
    );
  }
  if (hex.length !== length || !LOWER_HEX.test(hex)) {
    throw new ReferenceError(
      `invalid digest ${quote(digest)}: a ${algorithm} digest is ${length} lowercase hex digits`,
    );
  }
}

/**
 * Parses a reference the way podman does: 'busybox' is docker.io/library/busybox:latest, the
 * first path component is a registry only if it contains '.' or ':' or is 'localhost', and a
 * reference may carry a tag and a digest together (the digest wins when pulling).
 */
export function parseReference(input: string): ImageReference {
  if (input.length > MAX_REFERENCE_LENGTH) {
    throw new ReferenceError(
      `image reference is ${input.length} characters long; the limit is ${MAX_REFERENCE_LENGTH}`,
    );
  }
  if (input === '') throw new ReferenceError(`the image reference is empty: ${EXAMPLE}`);
  if (WHITESPACE.test(input)) {
    throw new ReferenceError(`image references contain no spaces or line breaks: ${quote(input)}`);
  }
  const scheme = input.indexOf('://');
  if (scheme !== -1) {
    throw new ReferenceError(
      `remove the ${quote(input.slice(0, scheme + 3))} prefix from ${quote(input)}: ${EXAMPLE}`,
    );
  }

  let rest = input;
  let digest: string | null = null;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    checkDigest(digest);
  }

  let tag: string | null = null;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    checkTag(tag);
  }
  if (rest === '') throw new ReferenceError(`no repository name in ${quote(input)}: ${EXAMPLE}`);

  let registry = DEFAULT_REGISTRY;
  let repository = rest;
  const slash = rest.indexOf('/');
  const first = slash === -1 ? rest : rest.slice(0, slash);
  if (slash === -1 && first.startsWith('[')) {
    throw new ReferenceError(
      `${quote(input)} names a registry but no repository: write it like "[::1]:5000/name:tag"`,
    );
  }
  if (slash !== -1 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    registry = first;
    repository = rest.slice(slash + 1);
    checkRegistry(registry);
  }
  const written = repository;
  if (registry === LEGACY_DEFAULT_REGISTRY) registry = DEFAULT_REGISTRY;
  if (registry === DEFAULT_REGISTRY && !repository.includes('/')) {
    repository = `library/${repository}`;
  }
  checkRepository(repository, written);
  const nameLength = registry.length + 1 + repository.length;
  if (nameLength > MAX_NAME_LENGTH) {
    throw new ReferenceError(
      `image name ${quote(`${registry}/${repository}`)} is ${nameLength} characters long; the limit is ${MAX_NAME_LENGTH}`,
    );
  }
  if (tag === null && digest === null) tag = DEFAULT_TAG;
  return { registry, repository, tag, digest };
}

/**
 * Whether a reference names no registry, so that registries.conf's aliases and search
 * registries decide where it comes from: its first path component has no '.' or ':' and is not
 * 'localhost' (containers/image's shortnames.parseUnnormalizedShortName). 'busybox',
 * 'library/busybox:1.36' and 'opensuse/leap' are short; 'docker.io/busybox' is not.
 */
export function isShortName(input: string): boolean {
  const slash = input.indexOf('/');
  if (slash === -1) return true;
  const first = input.slice(0, slash);
  return !(first.includes('.') || first.includes(':') || first === 'localhost');
}

/** A reference as written, split: 'ubuntu:24.04' → name 'ubuntu', suffix ':24.04'. */
export function splitName(input: string): { name: string; suffix: string } {
  const at = input.indexOf('@');
  let name = at === -1 ? input : input.slice(0, at);
  const colon = name.lastIndexOf(':');
  if (colon > name.lastIndexOf('/')) name = name.slice(0, colon);
  return { name, suffix: input.slice(name.length) };
}

/** A registry as a reference's first component is written: 'quay.io', '127.0.0.1:5000'. */
export function checkRegistryHost(registry: string): void {
  if (registry === '') throw new ReferenceError('the registry is empty: write it like "quay.io"');
  if (registry.includes('/')) {
    throw new ReferenceError(
      `${quote(registry)} is not a registry: write only the host and port, like "registry.example.com:5000"`,
    );
  }
  checkRegistry(registry);
}

/** The canonical form: 'docker.io/library/busybox:latest', 'quay.io/a/b:1@sha256:…'. */
export function formatReference(r: ImageReference): string {
  return (
    `${r.registry}/${r.repository}` +
    (r.tag === null ? '' : `:${r.tag}`) +
    (r.digest === null ? '' : `@${r.digest}`)
  );
}

/** A reference a user gave: `:latest` when it names neither tag nor digest; a bad one is a 400. */
export function parseRef(input: string): ImageReference {
  try {
    const ref = parseReference(input.trim());
    if (!ref.tag && !ref.digest) ref.tag = 'latest';
    return ref;
  } catch (err) {
    if (err instanceof ReferenceError) throw badRequest(`Invalid image reference: ${err.message}`);
    throw err;
  }
}
