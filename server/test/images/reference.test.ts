import { describe, expect, it } from 'vitest';
import {
  formatReference,
  MAX_REFERENCE_LENGTH,
  parseReference,
  ReferenceError,
  type ImageReference,
} from '../../src/images/reference.js';

const SHA256 = `sha256:${'0123456789abcdef'.repeat(4)}`;
const SHA512 = `sha512:${'0123456789abcdef'.repeat(8)}`;

const ref = (
  registry: string,
  repository: string,
  tag: string | null,
  digest: string | null = null,
): ImageReference => ({ registry, repository, tag, digest });

const VALID: [string, ImageReference, string][] = [
  ['busybox', ref('docker.io', 'library/busybox', 'latest'), 'docker.io/library/busybox:latest'],
  ['busybox:1.36', ref('docker.io', 'library/busybox', '1.36'), 'docker.io/library/busybox:1.36'],
  [
    'library/busybox',
    ref('docker.io', 'library/busybox', 'latest'),
    'docker.io/library/busybox:latest',
  ],
  ['myuser/app:v1', ref('docker.io', 'myuser/app', 'v1'), 'docker.io/myuser/app:v1'],
  [
    'docker.io/busybox',
    ref('docker.io', 'library/busybox', 'latest'),
    'docker.io/library/busybox:latest',
  ],
  [
    'index.docker.io/library/busybox:1',
    ref('docker.io', 'library/busybox', '1'),
    'docker.io/library/busybox:1',
  ],
  [`quay.io/a/b@${SHA256}`, ref('quay.io', 'a/b', null, SHA256), `quay.io/a/b@${SHA256}`],
  [`quay.io/a/b:v2@${SHA256}`, ref('quay.io', 'a/b', 'v2', SHA256), `quay.io/a/b:v2@${SHA256}`],
  [
    `busybox@${SHA512}`,
    ref('docker.io', 'library/busybox', null, SHA512),
    `docker.io/library/busybox@${SHA512}`,
  ],
  ['localhost/app', ref('localhost', 'app', 'latest'), 'localhost/app:latest'],
  ['localhost:5000/x:tag', ref('localhost:5000', 'x', 'tag'), 'localhost:5000/x:tag'],
  [
    'my-registry:5000/team/app',
    ref('my-registry:5000', 'team/app', 'latest'),
    'my-registry:5000/team/app:latest',
  ],
  [
    '127.0.0.1:5111/library/busybox:1.36',
    ref('127.0.0.1:5111', 'library/busybox', '1.36'),
    '127.0.0.1:5111/library/busybox:1.36',
  ],
  ['[::1]:5000/x', ref('[::1]:5000', 'x', 'latest'), '[::1]:5000/x:latest'],
  ['[fe80::1]/team/app:v2', ref('[fe80::1]', 'team/app', 'v2'), '[fe80::1]/team/app:v2'],
  [
    'Registry.Example.COM/app',
    ref('Registry.Example.COM', 'app', 'latest'),
    'Registry.Example.COM/app:latest',
  ],
  [
    'a__b/c.d/e--f_g:Tag_1.0-rc',
    ref('docker.io', 'a__b/c.d/e--f_g', 'Tag_1.0-rc'),
    'docker.io/a__b/c.d/e--f_g:Tag_1.0-rc',
  ],
  // docker and podman read a lone "host:port" as a Docker Hub name with a tag.
  [
    'localhost:5000',
    ref('docker.io', 'library/localhost', '5000'),
    'docker.io/library/localhost:5000',
  ],
  [
    `x:${'t'.repeat(128)}`,
    ref('docker.io', 'library/x', 't'.repeat(128)),
    `docker.io/library/x:${'t'.repeat(128)}`,
  ],
  // 255 characters: the longest name allowed.
  [
    `r.io/${'a'.repeat(250)}`,
    ref('r.io', 'a'.repeat(250), 'latest'),
    `r.io/${'a'.repeat(250)}:latest`,
  ],
];

const INVALID: [string, string][] = [
  ['', 'the image reference is empty'],
  ['Busybox', 'repository names must be lowercase: "Busybox"'],
  ['foo/Bar:1', 'repository names must be lowercase: "foo/Bar"'],
  ['docker://busybox', 'remove the "docker://" prefix from "docker://busybox"'],
  ['busy box', 'image references contain no spaces or line breaks: "busy box"'],
  ['busybox\n', 'image references contain no spaces or line breaks: "busybox\\n"'],
  ['busybox:', 'invalid tag "": a tag is 1 to 128 letters, digits, "_", "." and "-"'],
  ['busybox:-rc', 'invalid tag "-rc"'],
  [`busybox:${'t'.repeat(129)}`, 'invalid tag'],
  ['busybox@', 'invalid digest "": a digest is written "sha256:" followed by 64 hex digits'],
  [`busybox@${'a'.repeat(64)}`, 'a digest is written "sha256:" followed by 64 hex digits'],
  ['busybox@sha256:abc', 'invalid digest "sha256:abc": a sha256 digest is 64 lowercase hex digits'],
  [`busybox@sha256:${'A'.repeat(64)}`, 'a sha256 digest is 64 lowercase hex digits'],
  [
    `busybox@md5:${'a'.repeat(32)}`,
    'unsupported digest algorithm "md5": use sha256, sha384 or sha512',
  ],
  [`a@${SHA256}@x`, 'a sha256 digest is 64 lowercase hex digits'],
  ['a//b', 'invalid repository name "a//b": it has an empty part'],
  ['/busybox', 'invalid repository name "/busybox": it has an empty part'],
  ['busybox/', 'it has an empty part'],
  ['quay.io/', 'it has an empty part'],
  ['a..b', 'invalid repository name "a..b": each part between "/" is lowercase letters and digits'],
  ['a___b', 'invalid repository name "a___b"'],
  ['-a', 'invalid repository name "-a"'],
  ['a-', 'invalid repository name "a-"'],
  ['a.', 'invalid repository name "a."'],
  ['ubuntu:22.04:x', 'invalid repository name "ubuntu:22.04"'],
  [':tag', 'no repository name in ":tag"'],
  [`@${SHA256}`, 'no repository name'],
  ['bad_host.com/x', 'invalid registry host "bad_host.com"'],
  ['-bad.com/x', 'invalid registry host "-bad.com"'],
  ['a..com/x', 'invalid registry host "a..com"'],
  [
    'localhost:99999/x',
    'invalid port in registry "localhost:99999": a port is a number from 1 to 65535',
  ],
  ['localhost:/x', 'invalid port in registry "localhost:"'],
  ['localhost:0/x', 'invalid port in registry "localhost:0"'],
  ['[::1/x', 'invalid registry "[::1": an IPv6 address is written in brackets'],
  ['[zz::1]:5000/x', 'an IPv6 address is written in brackets'],
  ['[::1]x:5/y', 'only ":<port>" may follow the bracketed address'],
  ['[::1]:5000', 'names a registry but no repository'],
  [`registry.example.com/${'a'.repeat(240)}`, 'is 261 characters long; the limit is 255'],
];

describe('parseReference', () => {
  it.each(VALID)('parses %j', (input, expected, canonical) => {
    const parsed = parseReference(input);
    expect(parsed).toEqual(expected);
    expect(formatReference(parsed)).toBe(canonical);
    // The canonical form parses back to the same reference.
    expect(parseReference(canonical)).toEqual(expected);
  });

  it.each(INVALID)('rejects %j', (input, message) => {
    expect(() => parseReference(input)).toThrow(ReferenceError);
    expect(() => parseReference(input)).toThrow(message);
  });

  it('checks the length before anything else', () => {
    expect(MAX_REFERENCE_LENGTH).toBe(512);
    const long = `r.io/${'a'.repeat(MAX_REFERENCE_LENGTH)}`;
    expect(() => parseReference(long)).toThrow(
      `image reference is ${long.length} characters long; the limit is 512`,
    );
    // Exactly at the limit the other rules decide (here: the 255-character name limit).
    expect(() => parseReference(long.slice(0, MAX_REFERENCE_LENGTH))).toThrow('the limit is 255');
  });

  it('rejects adversarial inputs without backtracking', () => {
    // A backtracking translation of the upstream grammar is exponential on these; a suite
    // that hangs here has reintroduced one. Each input stays under the length cap, so the
    // component scanners themselves are exercised, not only the cap.
    const max = MAX_REFERENCE_LENGTH;
    const families: ((n: number) => string)[] = [
      (n) => `a${'-'.repeat(n)}!`,
      (n) => `a${'._-'.repeat(n)}`,
      (n) => `${'a._-'.repeat(n)}!`,
      (n) => `${'a-'.repeat(n)}-!`,
      (n) => `a${'__'.repeat(n)}_!`,
      (n) => `${'a'.repeat(n)}!`,
      (n) => `${'a/'.repeat(n)}!`,
      (n) => `${'a.'.repeat(n)}com/${'b'.repeat(3)}!`,
      (n) => `a${'-'.repeat(n)}!.com/x`,
      (n) => `x:${'_'.repeat(Math.min(n, 400))}!`,
      (n) => `x@sha256:${'a'.repeat(n)}g`,
      (n) => ':'.repeat(n),
      (n) => '@'.repeat(n),
      (n) => '['.repeat(n),
      (n) => `[${':'.repeat(n)}]/x`,
      (n) => `${'a:'.repeat(n)}`,
      (n) => `r.io/${'a-'.repeat(n)}`,
      (n) => `localhost:${'9'.repeat(n)}/x`,
      (n) => `${'a.'.repeat(n)}/x`,
      (n) => `a${'_.'.repeat(n)}a`,
    ];
    const inputs = families.flatMap((make) =>
      [20, 60, 100, 140, 180, 200, 220, 230, 240, 250].map((n) => make(n).slice(0, max)),
    );
    inputs.push('a' + '-'.repeat(50000) + '!', '._-'.repeat(20000));
    expect(inputs.length).toBeGreaterThanOrEqual(200);

    const accepted = inputs.filter((input) => {
      try {
        parseReference(input);
        return true;
      } catch (err) {
        expect(err).toBeInstanceOf(ReferenceError);
        return false;
      }
    });
    expect(accepted).toEqual([]);
  });
});
