/**
 * registries.conf as podman reads it, tested against the examples of
 * containers-registries.conf(5) and containers-registries.conf.d(5) (Debian's podman 4.3 man
 * pages) and the rules of containers/image 5.23 they describe.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatReference, parseReference } from '../../src/images/reference.js';
import {
  emptyConf,
  findRegistry,
  loadRegistriesConf,
  matchPrefix,
  mergeConf,
  parseRegistriesConf,
  pullSources,
  RegistriesConfError,
  resolveName,
  ShortNameError,
  type RegistriesConf,
} from '../../src/registries/config.js';

/** One file as the whole configuration, merged onto the defaults as the loader does. */
function conf(text: string, path = '/etc/containers/registries.conf'): RegistriesConf {
  return mergeConf(emptyConf(), parseRegistriesConf(text, path));
}

/** Where podman would try to pull a reference from, as 'name (mirror|location, insecure)'. */
const sources = (c: RegistriesConf, ref: string) =>
  pullSources(c, parseReference(ref)).map(
    (s) => `${formatReference(s.ref)}${s.mirror ? ' mirror' : ''}${s.insecure ? ' insecure' : ''}`,
  );

// The EXAMPLE section of containers-registries.conf(5), verbatim.
const MAN_EXAMPLE = `
unqualified-search-registries = ["example.com"]

[[registry]]
prefix = "example.com/foo"
insecure = false
blocked = false
location = "internal-registry-for-example.com/bar"

[[registry.mirror]]
location = "example-mirror-0.local/mirror-for-foo"

[[registry.mirror]]
location = "example-mirror-1.local/mirrors/foo"
insecure = true

[[registry]]
location = "registry.com"

[[registry.mirror]]
location = "mirror.registry.com"
`;

describe('containers-registries.conf(5): the EXAMPLE', () => {
  const c = conf(MAN_EXAMPLE);

  it('pulls example.com/foo/image:latest from both mirrors, then the rewritten location', () => {
    expect(sources(c, 'example.com/foo/image:latest')).toEqual([
      'example-mirror-0.local/mirror-for-foo/image:latest mirror',
      'example-mirror-1.local/mirrors/foo/image:latest mirror insecure',
      'internal-registry-for-example.com/bar/image:latest',
    ]);
  });

  it("uses only a table's own mirrors: registry.com/image reaches mirror.registry.com", () => {
    expect(sources(c, 'registry.com/image:latest')).toEqual([
      'mirror.registry.com/image:latest mirror',
      'registry.com/image:latest',
    ]);
  });

  it('leaves names no table covers alone', () => {
    expect(sources(c, 'quay.io/podman/hello')).toEqual(['quay.io/podman/hello:latest']);
    expect(findRegistry(c, 'quay.io/podman/hello')).toBeNull();
  });

  it('keeps the search list and the file it came from', () => {
    expect(c.unqualifiedSearchRegistries).toEqual(['example.com']);
    expect(c.searchSource).toBe('/etc/containers/registries.conf');
  });
});

describe('containers-registries.conf(5): prefixes and locations', () => {
  it('rewrites prefix example.com/foo to internal-registry-for-example.net/bar', () => {
    const c = conf(`
[[registry]]
prefix = "example.com/foo"
location = "internal-registry-for-example.net/bar"
`);
    expect(sources(c, 'example.com/foo/myimage:latest')).toEqual([
      'internal-registry-for-example.net/bar/myimage:latest',
    ]);
    // A prefix matches at '/', ':' or '@' only.
    expect(sources(c, 'example.com/foobar/x')).toEqual(['example.com/foobar/x:latest']);
  });

  it('applies a wildcard prefix without a location to every subdomain, names unchanged', () => {
    const c = conf(`
[[registry]]
prefix = "*.example.com"
insecure = true
[[registry.mirror]]
location = "mirror.local:5000"
`);
    expect(sources(c, 'blah.example.com/foo/myimage:latest')).toEqual([
      'mirror.local:5000/foo/myimage:latest mirror',
      'blah.example.com/foo/myimage:latest insecure',
    ]);
    expect(findRegistry(c, 'foo.bar.example.com/x')?.insecure).toBe(true);
    expect(findRegistry(c, 'example.com/x')).toBeNull();
    expect(findRegistry(c, 'other.com/a.example.com')).toBeNull();
  });

  it('takes the table with the longest matching prefix', () => {
    const c = conf(`
[[registry]]
location = "quay.io"
[[registry]]
prefix = "quay.io/team"
location = "team-mirror.local/team"
blocked = true
`);
    expect(findRegistry(c, 'quay.io/team/app')?.prefix).toBe('quay.io/team');
    expect(findRegistry(c, 'quay.io/other/app')?.prefix).toBe('quay.io');
  });

  it('normalises docker.io names with /library, so a prefix must say it too', () => {
    const c = conf(`
[[registry]]
prefix = "docker.io/library/alpine"
location = "mirror.local/alpine"
[[registry]]
prefix = "docker.io/alpine"
location = "wrong.local/alpine"
`);
    expect(sources(c, 'alpine:3.20')).toEqual(['mirror.local/alpine:3.20']);
    expect(sources(c, 'docker.io/alpine')).toEqual(['mirror.local/alpine:latest']);
    expect(sources(c, 'docker.io/alpine/git')).toEqual(['wrong.local/alpine/git:latest']);
  });

  it('matches prefixes at a boundary, including podman\'s "example.com" for "example.com:5000"', () => {
    expect(matchPrefix('example.com/foo', 'example.com')).toBe(11);
    expect(matchPrefix('example.com:5000/foo', 'example.com')).toBe(11);
    expect(matchPrefix('example.community/foo', 'example.com')).toBe(-1);
    expect(matchPrefix('a.example.com/x', '*.example.com')).toBe(13);
  });

  it('uses mirrors by digest or by tag as mirror-by-digest-only and pull-from-mirror say', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    const byDigest = conf(`
[[registry]]
location = "r.io"
mirror-by-digest-only = true
[[registry.mirror]]
location = "m.io"
`);
    expect(sources(byDigest, 'r.io/x:1')).toEqual(['r.io/x:1']);
    expect(sources(byDigest, `r.io/x@${digest}`)).toEqual([
      `m.io/x@${digest} mirror`,
      `r.io/x@${digest}`,
    ]);
    const perMirror = conf(`
[[registry]]
location = "r.io"
[[registry.mirror]]
location = "digests.io"
pull-from-mirror = "digest-only"
[[registry.mirror]]
location = "tags.io"
pull-from-mirror = "tag-only"
[[registry.mirror]]
location = "all.io"
`);
    expect(sources(perMirror, 'r.io/x:1')).toEqual([
      'tags.io/x:1 mirror',
      'all.io/x:1 mirror',
      'r.io/x:1',
    ]);
    expect(sources(perMirror, `r.io/x@${digest}`)).toEqual([
      `digests.io/x@${digest} mirror`,
      `all.io/x@${digest} mirror`,
      `r.io/x@${digest}`,
    ]);
  });

  it('keeps the first table of a repeated prefix, tables sorted by prefix', () => {
    const c = conf(`
[[registry]]
location = "z.io"
[[registry]]
location = "a.io"
insecure = true
[[registry]]
prefix = "a.io"
location = "other.io"
insecure = true
`);
    expect(c.registries.map((t) => [t.prefix, t.location])).toEqual([
      ['a.io', 'a.io'],
      ['z.io', 'z.io'],
    ]);
  });
});

describe('containers-registries.conf(5): VERSION 1 FORMAT', () => {
  it('reads the example: two search registries, one insecure, two blocked', () => {
    const c = conf(`
[registries.search]
registries = ['registry1.com', 'registry2.com']

[registries.insecure]
registries = ['registry3.com']

[registries.block]
registries = ['registry.untrusted.com', 'registry.unsafe.com']
`);
    expect(c.unqualifiedSearchRegistries).toEqual(['registry1.com', 'registry2.com']);
    expect(
      c.registries.map((t) => [
        t.location,
        t.insecure ? 'insecure' : '',
        t.blocked ? 'blocked' : '',
      ]),
    ).toEqual([
      ['registry.unsafe.com', '', 'blocked'],
      ['registry.untrusted.com', '', 'blocked'],
      ['registry3.com', 'insecure', ''],
    ]);
  });

  it('refuses v1 in a drop-in and v1 mixed with v2, as podman does', () => {
    const v1 = `[registries.insecure]\nregistries = ['r.io']\n`;
    expect(() => parseRegistriesConf(v1, '/d/50.conf', true)).toThrow(
      /drop-in files must use the version 2 format/,
    );
    expect(() => parseRegistriesConf(`${v1}[[registry]]\nlocation = "x.io"\n`, '/f')).toThrow(
      /mixing the version 1 format/,
    );
  });
});

describe('containers-registries.conf(5): refused files', () => {
  it.each([
    ['[[registry]\nlocation = ', /is not valid TOML/],
    ['[[registry]]\nlocation = "https://r.io"\n', /URI schemes are not supported/],
    ['[[registry]]\ninsecure = true\n', /sets neither location nor prefix/],
    ['[[registry]]\nprefix = "r.io/x"\n', /only a wildcard prefix/],
    ['[[registry]]\nprefix = "*.r.io:5000"\n', /wildcard prefix "\*\.r\.io:5000"/],
    ['[[registry]]\nlocation = "r.io"\ninsecure = "yes"\n', /insecure must be true or false/],
    [
      '[[registry]]\nprefix = "a.io/x"\nlocation = "r.io"\ninsecure = true\n[[registry]]\nprefix = "a.io/y"\nlocation = "r.io"\n',
      /"r\.io" is defined multiple times with conflicting "insecure"/,
    ],
    [
      '[[registry]]\nlocation = "r.io"\nmirror-by-digest-only = true\n[[registry.mirror]]\nlocation = "m.io"\npull-from-mirror = "tag-only"\n',
      /one or the other/,
    ],
    [
      '[[registry]]\nlocation = "r.io"\n[[registry.mirror]]\nlocation = "m.io"\npull-from-mirror = "some"\n',
      /unsupported pull-from-mirror value "some"/,
    ],
    ['short-name-mode = "prompt"\n', /invalid short-name-mode "prompt"/],
    ['unqualified-search-registries = ["docker.io/library"]\n', /invalid unqualified-search/],
    [
      '[aliases]\n"docker.io/x" = "docker.io/x"\n"y" = "y"\n"z" = "quay.io/z:1"\n',
      /invalid short name "docker\.io\/x".*invalid alias "y".*invalid alias "z"/,
    ],
  ])('%j', (text, message) => {
    expect(() => parseRegistriesConf(text, '/etc/containers/registries.conf')).toThrow(
      RegistriesConfError,
    );
    expect(() => parseRegistriesConf(text, '/etc/containers/registries.conf')).toThrow(message);
  });
});

describe('short names (containers-registries.conf(5), Short-Name Aliasing)', () => {
  const names = (c: RegistriesConf, input: string) =>
    resolveName(c, input).candidates.map(formatReference);

  it('resolves an alias, keeping the tag or digest, before any search registry', () => {
    const c = conf(`
unqualified-search-registries = ["registry1.com", "registry2.com"]
short-name-mode = "enforcing"
[aliases]
"ubuntu" = "docker.io/ubuntu"
"opensuse/leap" = "registry.opensuse.org/opensuse/leap"
`);
    expect(resolveName(c, 'ubuntu:24.04')).toMatchObject({
      rationale: 'alias',
      source: '/etc/containers/registries.conf',
    });
    expect(names(c, 'ubuntu:24.04')).toEqual(['docker.io/library/ubuntu:24.04']);
    expect(names(c, 'ubuntu')).toEqual(['docker.io/library/ubuntu:latest']);
    const digest = `sha256:${'b'.repeat(64)}`;
    expect(names(c, `opensuse/leap@${digest}`)).toEqual([
      `registry.opensuse.org/opensuse/leap@${digest}`,
    ]);
  });

  it('leaves qualified names alone', () => {
    const c = conf('unqualified-search-registries = ["registry1.com"]\n');
    expect(resolveName(c, 'localhost/app')).toMatchObject({ rationale: 'qualified' });
    expect(names(c, 'quay.io/podman/hello')).toEqual(['quay.io/podman/hello:latest']);
    expect(names(c, 'docker.io/busybox')).toEqual(['docker.io/library/busybox:latest']);
  });

  it('uses the one search registry there is, whatever the mode', () => {
    const c = conf('unqualified-search-registries = ["quay.io"]\nshort-name-mode = "enforcing"\n');
    expect(resolveName(c, 'app:1')).toMatchObject({ rationale: 'search' });
    expect(names(c, 'app:1')).toEqual(['quay.io/app:1']);
  });

  it('tries every search registry in order when permissive (the default) or disabled', () => {
    for (const mode of ['', 'short-name-mode = "permissive"', 'short-name-mode = "disabled"']) {
      const c = conf(
        `unqualified-search-registries = ["registry1.com", "registry2.com"]\n${mode}\n`,
      );
      expect(names(c, 'app')).toEqual(['registry1.com/app:latest', 'registry2.com/app:latest']);
    }
  });

  it('refuses to guess when enforcing with several search registries, naming them', () => {
    const c = conf(`
unqualified-search-registries = ["registry1.com", "registry2.com"]
short-name-mode = "enforcing"
`);
    const err = (() => {
      try {
        resolveName(c, 'app');
      } catch (e) {
        return e as ShortNameError;
      }
    })();
    expect(err).toBeInstanceOf(ShortNameError);
    expect(err!.candidates).toEqual(['registry1.com/app:latest', 'registry2.com/app:latest']);
    expect(err!.message).toContain('short-name-mode is "enforcing"');
    expect(err!.message).toContain('[aliases] "app" = "registry1.com/app"');
  });

  it('says where to write an alias when there is no search registry', () => {
    expect(() => resolveName(conf('unqualified-search-registries = []\n'), 'busybox')).toThrow(
      /"busybox" is a short name with no alias, and \/etc\/containers\/registries\.conf sets no unqualified-search-registries.*\[aliases\] "busybox" = "docker\.io\/library\/busybox"/,
    );
  });
});

describe('containers-registries.conf.d(5): loading order and precedence', () => {
  let dir: string;
  const path = (...parts: string[]) => join(dir, ...parts);
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'archdeck-registries-conf-'));
    await mkdir(path('etc/registries.conf.d/sub.conf'), { recursive: true });
    await mkdir(path('home/registries.conf.d'), { recursive: true });
    await writeFile(
      path('etc/registries.conf'),
      `unqualified-search-registries = ["example.com"]
short-name-mode = "enforcing"
[[registry]]
location = "registry.example"
insecure = false
[[registry]]
location = "kept.example"
[aliases]
"app" = "example.com/team/app"
"gone" = "example.com/gone"
`,
    );
    // The way Debian and Fedora document marking a local registry insecure.
    await writeFile(
      path('etc/registries.conf.d/50-local.conf'),
      `[[registry]]
location = "registry.example"
insecure = true
`,
    );
    await writeFile(
      path('etc/registries.conf.d/10-search.conf'),
      `unqualified-search-registries = ["quay.io", "docker.io"]\n[aliases]\n"gone" = ""\n`,
    );
    await writeFile(path('etc/registries.conf.d/60-ignored.txt'), 'not = "toml" [[');
    await writeFile(path('etc/registries.conf.d/sub.conf/inner.conf'), 'not = "toml" [[');
    await writeFile(
      path('home/registries.conf.d/00-user.conf'),
      `short-name-mode = "permissive"\n[aliases]\n"app" = "quay.io/mine/app"\n`,
    );
    await writeFile(path('aliases.conf'), `[aliases]\n"tool" = "quay.io/tools/tool"\n`);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const load = () =>
    loadRegistriesConf({
      registriesConf: path('etc/registries.conf'),
      registriesConfDirs: [path('etc/registries.conf.d'), path('home/registries.conf.d')],
      shortNameAliasesConf: path('aliases.conf'),
    });

  it('reads the main file, then each directory in order, its *.conf files in name order', async () => {
    const c = await load();
    expect(c.files).toEqual([
      path('etc/registries.conf'),
      path('etc/registries.conf.d/10-search.conf'),
      path('etc/registries.conf.d/50-local.conf'),
      path('home/registries.conf.d/00-user.conf'),
      path('aliases.conf'),
    ]);
  });

  it('lets a drop-in replace a [[registry]] table with the same prefix, keeping the others', async () => {
    const c = await load();
    expect(findRegistry(c, 'registry.example/app')).toMatchObject({
      insecure: true,
      source: path('etc/registries.conf.d/50-local.conf'),
    });
    expect(findRegistry(c, 'kept.example/app')?.source).toBe(path('etc/registries.conf'));
  });

  it('lets a later file overwrite the search list and mode, and merges aliases name by name', async () => {
    const c = await load();
    expect(c.unqualifiedSearchRegistries).toEqual(['quay.io', 'docker.io']);
    expect(c.searchSource).toBe(path('etc/registries.conf.d/10-search.conf'));
    expect(c.shortNameMode).toBe('permissive');
    expect(c.aliases.get('app')).toEqual({
      value: 'quay.io/mine/app',
      source: path('home/registries.conf.d/00-user.conf'),
    });
    // An empty value erases an earlier alias: "gone" falls back to the search list.
    expect(resolveName(c, 'gone').candidates.map(formatReference)).toEqual([
      'quay.io/gone:latest',
      'docker.io/library/gone:latest',
    ]);
    // The machine-written short-name-aliases.conf is read last.
    expect(c.aliases.get('tool')?.value).toBe('quay.io/tools/tool');
  });

  it('is empty, not an error, without any file', async () => {
    const c = await loadRegistriesConf({
      registriesConf: path('absent.conf'),
      registriesConfDirs: [path('absent.d')],
      shortNameAliasesConf: path('absent-aliases.conf'),
    });
    expect(c).toMatchObject({ registries: [], files: [], shortNameMode: 'permissive' });
  });

  it('names the drop-in that podman would refuse', async () => {
    const bad = path('bad.d');
    await mkdir(bad, { recursive: true });
    await writeFile(join(bad, '99-bad.conf'), '[[registry]]\nlocation = "http://r.io"\n');
    await expect(
      loadRegistriesConf({
        registriesConf: path('etc/registries.conf'),
        registriesConfDirs: [bad],
        shortNameAliasesConf: path('aliases.conf'),
      }),
    ).rejects.toThrow(`${join(bad, '99-bad.conf')}: invalid location "http://r.io"`);
  });
});
