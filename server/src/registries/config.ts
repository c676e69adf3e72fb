/**
 * Registries as podman 4.3 configures them (containers/image 5.23, sysregistriesv2 and
 * shortnames): containers-registries.conf(5) and the drop-ins of
 * containers-registries.conf.d(5), merged the way podman merges them, and the answers podman
 * takes from them — which [[registry]] table governs a name (longest prefix), where a pull
 * really goes (mirrors first, then the location a prefix is rewritten to), whether a
 * registry is insecure or blocked, and which fully qualified name a short name like "ubuntu"
 * stands for. Everything here is pure except `loadRegistriesConf`, which reads the files.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import {
  checkRegistryHost,
  formatReference,
  isShortName,
  parseReference,
  ReferenceError,
  splitName,
  type ImageReference,
} from '../images/reference.js';

export type PullFromMirror = 'all' | 'digest-only' | 'tag-only';

export interface Mirror {
  location: string;
  insecure: boolean;
  pullFromMirror: PullFromMirror;
}

/** One `[[registry]]` table, after podman's normalisation (prefix defaults to location). */
export interface RegistryTable {
  prefix: string;
  /** '' only for a wildcard prefix (`*.example.com`): settings apply, names are not rewritten. */
  location: string;
  insecure: boolean;
  blocked: boolean;
  mirrorByDigestOnly: boolean;
  mirrors: Mirror[];
  /** The file that defined it (a later drop-in with the same prefix replaces it whole). */
  source: string;
}

export type ShortNameMode = 'enforcing' | 'permissive' | 'disabled';

export interface Alias {
  /** The fully qualified name, normalised ('docker.io/library/ubuntu'); null when erased. */
  value: string | null;
  source: string;
}

export interface RegistriesConf {
  /** Sorted by prefix, one per prefix, as podman keeps them. */
  registries: RegistryTable[];
  unqualifiedSearchRegistries: string[];
  /** The file that set unqualified-search-registries. */
  searchSource: string | null;
  shortNameMode: ShortNameMode;
  shortNameModeSource: string | null;
  /** registries.conf's aliases, then short-name-aliases.conf's on top (they win). */
  aliases: Map<string, Alias>;
  /** `credential-helpers`; podman's default is the auth files alone. */
  credentialHelpers: string[];
  /** The files read, in the order they were applied. */
  files: string[];
}

/** What podman calls the auth files among credential helpers. */
export const AUTH_FILE_HELPER = 'containers-auth.json';

/** A registries.conf that podman would refuse too; the message names the file and the fix. */
export class RegistriesConfError extends Error {
  override readonly name = 'RegistriesConfError';
}

// --- one file -------------------------------------------------------------------------------

/** What one file sets; `undefined` where it says nothing, so that a drop-in leaves it as is. */
interface ConfFile {
  path: string;
  registries: RegistryTable[];
  search: string[] | undefined;
  shortNameMode: ShortNameMode | undefined;
  credentialHelpers: string[] | undefined;
  aliases: Map<string, Alias>;
}

type Table = Record<string, unknown>;
const isTable = (v: unknown): v is Table =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);

const SHORT_NAME_MODES = new Set<string>(['enforcing', 'permissive', 'disabled']);
const PULL_FROM_MIRROR = new Set<string>(['', 'all', 'digest-only', 'tag-only']);

/** Reads typed fields of one table, with errors that say which file, table and key. */
function fields(path: string, where: string, table: Table) {
  const fail = (key: string, wanted: string): never => {
    throw new RegistriesConfError(`${path}: ${where}${key} must be ${wanted}`);
  };
  return {
    string(key: string): string {
      const v = table[key];
      if (v === undefined) return '';
      return typeof v === 'string' ? v : fail(key, 'a string');
    },
    bool(key: string): boolean {
      const v = table[key];
      if (v === undefined) return false;
      return typeof v === 'boolean' ? v : fail(key, 'true or false');
    },
    strings(key: string): string[] | undefined {
      const v = table[key];
      if (v === undefined) return undefined;
      if (!Array.isArray(v) || !v.every((s) => typeof s === 'string'))
        return fail(key, 'a list of strings');
      return v as string[];
    },
    tables(key: string): Table[] {
      const v = table[key];
      if (v === undefined) return [];
      if (!Array.isArray(v) || !v.every(isTable)) return fail(key, 'a list of tables');
      return v as Table[];
    },
  };
}

/** podman's parseLocation: no trailing '/', and no URL scheme. */
function location(path: string, input: string): string {
  let end = input.length;
  while (end > 0 && input[end - 1] === '/') end--;
  const trimmed = input.slice(0, end);
  if (trimmed.startsWith('http://') || trimmed.startsWith('https://')) {
    throw new RegistriesConfError(
      `${path}: invalid location "${input}": URI schemes are not supported; write it as host[:port][/path], and mark it insecure = true if it speaks plain HTTP`,
    );
  }
  return trimmed;
}

function parseMirror(path: string, where: string, table: Table, byDigestOnly: boolean): Mirror {
  const f = fields(path, `${where}[[registry.mirror]] `, table);
  const loc = location(path, f.string('location'));
  if (loc === '') {
    throw new RegistriesConfError(`${path}: ${where}has a [[registry.mirror]] without a location`);
  }
  const pull = f.string('pull-from-mirror');
  if (!PULL_FROM_MIRROR.has(pull)) {
    throw new RegistriesConfError(
      `${path}: unsupported pull-from-mirror value "${pull}" for mirror "${loc}": use all, digest-only or tag-only`,
    );
  }
  if (byDigestOnly && pull !== '') {
    throw new RegistriesConfError(
      `${path}: ${where}sets mirror-by-digest-only and its mirror "${loc}" sets pull-from-mirror; use one or the other`,
    );
  }
  return {
    location: loc,
    insecure: f.bool('insecure'),
    pullFromMirror: (pull || 'all') as PullFromMirror,
  };
}

function parseRegistryTable(path: string, table: Table, index: number): RegistryTable {
  const where = `[[registry]] #${index + 1} `;
  const f = fields(path, where, table);
  const loc = location(path, f.string('location'));
  let prefix = f.string('prefix');
  if (prefix === '') {
    if (loc === '') {
      throw new RegistriesConfError(`${path}: ${where}sets neither location nor prefix`);
    }
    prefix = loc;
  } else {
    prefix = location(path, prefix);
    if (!prefix.startsWith('*.') && loc === '') {
      throw new RegistriesConfError(
        `${path}: ${where}has prefix "${prefix}" but no location; only a wildcard prefix (*.example.com) may leave it out`,
      );
    }
  }
  if (prefix.startsWith('*.') && /[/@:]/.test(prefix)) {
    throw new RegistriesConfError(
      `${path}: wildcard prefix "${prefix}" must be written *.example.com, without port, path, tag or digest`,
    );
  }
  if (f.string('pull-from-mirror') !== '') {
    throw new RegistriesConfError(
      `${path}: pull-from-mirror must not be set for a non-mirror registry "${prefix}": set it in its [[registry.mirror]] tables`,
    );
  }
  const byDigestOnly = f.bool('mirror-by-digest-only');
  const label = `${where.trim()} ("${prefix}") `;
  return {
    prefix,
    location: loc,
    insecure: f.bool('insecure'),
    blocked: f.bool('blocked'),
    mirrorByDigestOnly: byDigestOnly,
    mirrors: f.tables('mirror').map((m) => parseMirror(path, label, m, byDigestOnly)),
    source: path,
  };
}

/** Conflicts podman refuses, then one table per prefix (the first wins), sorted by prefix. */
function normaliseTables(path: string, tables: RegistryTable[]): RegistryTable[] {
  const byHost = new Map<string, RegistryTable>();
  for (const t of tables) {
    const key = t.location === '' ? t.prefix : t.location;
    const other = byHost.get(key);
    if (other && (other.insecure !== t.insecure || other.blocked !== t.blocked)) {
      const setting = other.insecure !== t.insecure ? 'insecure' : 'blocked';
      throw new RegistriesConfError(
        `${path}: registry "${key}" is defined multiple times with conflicting "${setting}" settings; make them agree`,
      );
    }
    byHost.set(key, other ?? t);
  }
  const unique = new Map<string, RegistryTable>();
  for (const t of tables) if (!unique.has(t.prefix)) unique.set(t.prefix, t);
  return [...unique.keys()].sort().map((p) => unique.get(p)!);
}

/**
 * An alias's name must be a short name, its value a fully qualified name; neither has a tag
 * or digest. Every bad entry is reported at once, as podman does.
 */
function parseAliases(path: string, raw: unknown): Map<string, Alias> {
  const aliases = new Map<string, Alias>();
  if (raw === undefined) return aliases;
  if (!isTable(raw)) throw new RegistriesConfError(`${path}: [aliases] must be a table`);
  const errors: string[] = [];
  for (const [name, value] of Object.entries(raw)) {
    if (typeof value !== 'string') {
      errors.push(`alias "${name}" must be a string`);
      continue;
    }
    if (!isShortName(name) || splitName(name).suffix !== '' || !validReference(name)) {
      errors.push(`invalid short name "${name}": a short name has no registry, tag or digest`);
      continue;
    }
    if (value === '') {
      // An empty value erases an alias an earlier file set.
      aliases.set(name, { value: null, source: path });
      continue;
    }
    if (isShortName(value) || splitName(value).suffix !== '' || !validReference(value)) {
      errors.push(
        `invalid alias "${name}" = "${value}": the value is a registry and repository, without tag or digest`,
      );
      continue;
    }
    const ref = parseReference(value);
    aliases.set(name, { value: `${ref.registry}/${ref.repository}`, source: path });
  }
  if (errors.length > 0) throw new RegistriesConfError(`${path}: ${errors.join('; ')}`);
  return aliases;
}

function validReference(input: string): boolean {
  try {
    parseReference(input);
    return true;
  } catch (err) {
    if (err instanceof ReferenceError) return false;
    throw err;
  }
}

const nonEmpty = (list: unknown[] | undefined) => list !== undefined && list.length > 0;

/**
 * One registries.conf or drop-in. Version 1 files (`[registries.search]`, `.insecure`,
 * `.block`) are converted as podman converts them; drop-ins must be version 2, and one file
 * may not mix the two.
 */
export function parseRegistriesConf(text: string, path: string, dropIn = false): ConfFile {
  let doc: Table;
  try {
    doc = parseToml(text) as Table;
  } catch (err) {
    throw new RegistriesConfError(`${path} is not valid TOML: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const top = fields(path, '', doc);
  const v1 = isTable(doc.registries) ? doc.registries : {};
  const v1List = (name: string) => {
    const t = v1[name];
    return isTable(t) ? fields(path, `[registries.${name}] `, t).strings('registries') : undefined;
  };
  const v1Search = v1List('search');
  const v1Insecure = v1List('insecure');
  const v1Block = v1List('block');

  const modeText = top.string('short-name-mode');
  if (modeText !== '' && !SHORT_NAME_MODES.has(modeText)) {
    throw new RegistriesConfError(
      `${path}: invalid short-name-mode "${modeText}": use enforcing, permissive or disabled`,
    );
  }
  let registries = top.tables('registry').map((t, i) => parseRegistryTable(path, t, i));
  let search = top.strings('unqualified-search-registries');
  const credentialHelpers = top.strings('credential-helpers');
  const aliases = parseAliases(path, doc.aliases);

  if (nonEmpty(v1Search) || nonEmpty(v1Insecure) || nonEmpty(v1Block)) {
    if (dropIn) {
      throw new RegistriesConfError(
        `${path}: drop-in files must use the version 2 format ([[registry]] tables), not [registries.*] lists`,
      );
    }
    if (
      registries.length > 0 ||
      nonEmpty(search) ||
      nonEmpty(credentialHelpers) ||
      modeText !== '' ||
      aliases.size > 0
    ) {
      throw new RegistriesConfError(
        `${path}: mixing the version 1 format ([registries.*] lists) with version 2 settings is not supported; use [[registry]] tables only`,
      );
    }
    const byLocation = new Map<string, RegistryTable>();
    const get = (raw: string) => {
      const loc = location(path, raw);
      let t = byLocation.get(loc);
      if (!t) {
        t = {
          prefix: loc,
          location: loc,
          insecure: false,
          blocked: false,
          mirrorByDigestOnly: false,
          mirrors: [],
          source: path,
        };
        byLocation.set(loc, t);
      }
      return t;
    };
    for (const r of v1Block ?? []) get(r).blocked = true;
    for (const r of v1Insecure ?? []) get(r).insecure = true;
    registries = [...byLocation.values()];
    search = v1Search;
  }

  if (search !== undefined) {
    search = search.map((entry) => {
      const host = location(path, entry);
      try {
        checkRegistryHost(host);
      } catch (err) {
        throw new RegistriesConfError(
          `${path}: invalid unqualified-search-registries entry "${entry}": ${(err as Error).message}`,
        );
      }
      return host;
    });
  }
  return {
    path,
    registries: normaliseTables(path, registries),
    search,
    shortNameMode: modeText === '' ? undefined : (modeText as ShortNameMode),
    credentialHelpers,
    aliases,
  };
}

// --- the files, merged ----------------------------------------------------------------------

/** The configuration without any file: podman's defaults. */
export const emptyConf = (): RegistriesConf => ({
  registries: [],
  unqualifiedSearchRegistries: [],
  searchSource: null,
  shortNameMode: 'permissive',
  shortNameModeSource: null,
  aliases: new Map(),
  credentialHelpers: [AUTH_FILE_HELPER],
  files: [],
});

/**
 * A later file on top of what is merged so far: [[registry]] tables replace whole ones with
 * the same prefix; a list or mode a file sets replaces the earlier one (an empty list too);
 * aliases are merged name by name.
 */
export function mergeConf(conf: RegistriesConf, file: ConfFile): RegistriesConf {
  const byPrefix = new Map(conf.registries.map((t) => [t.prefix, t]));
  for (const t of file.registries) byPrefix.set(t.prefix, t);
  const aliases = new Map(conf.aliases);
  for (const [name, alias] of file.aliases) aliases.set(name, alias);
  return {
    registries: [...byPrefix.keys()].sort().map((p) => byPrefix.get(p)!),
    unqualifiedSearchRegistries: file.search ?? conf.unqualifiedSearchRegistries,
    searchSource: file.search !== undefined ? file.path : conf.searchSource,
    shortNameMode: file.shortNameMode ?? conf.shortNameMode,
    shortNameModeSource: file.shortNameMode !== undefined ? file.path : conf.shortNameModeSource,
    aliases,
    credentialHelpers:
      file.credentialHelpers && file.credentialHelpers.length > 0
        ? file.credentialHelpers
        : conf.credentialHelpers,
    files: [...conf.files, file.path],
  };
}

export interface RegistriesConfPaths {
  registriesConf: string;
  registriesConfDirs: string[];
  shortNameAliasesConf: string;
}

async function readIfThere(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new RegistriesConfError(`cannot read ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

/** The *.conf files of one drop-in directory, in name order; subdirectories are skipped. */
async function dropIns(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw new RegistriesConfError(`cannot read ${dir}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return entries
    .filter((e) => !e.isDirectory() && e.name.endsWith('.conf'))
    .map((e) => e.name)
    .sort()
    .map((name) => join(dir, name));
}

/**
 * The main file (none is an empty configuration), then each directory's drop-ins in name
 * order, then the short-name aliases podman recorded. Read on every call: the files are small
 * and a user edits them while the daemon runs.
 */
export async function loadRegistriesConf(paths: RegistriesConfPaths): Promise<RegistriesConf> {
  let conf = emptyConf();
  const main = await readIfThere(paths.registriesConf);
  if (main !== null) conf = mergeConf(conf, parseRegistriesConf(main, paths.registriesConf));
  for (const dir of paths.registriesConfDirs) {
    for (const file of await dropIns(dir)) {
      const text = await readIfThere(file);
      if (text !== null) conf = mergeConf(conf, parseRegistriesConf(text, file, true));
    }
  }
  const cache = await readIfThere(paths.shortNameAliasesConf);
  if (cache !== null) {
    let doc: Table;
    try {
      doc = parseToml(cache) as Table;
    } catch (err) {
      throw new RegistriesConfError(
        `${paths.shortNameAliasesConf} is not valid TOML: ${(err as Error).message}`,
        { cause: err },
      );
    }
    for (const [name, alias] of parseAliases(paths.shortNameAliasesConf, doc.aliases)) {
      conf.aliases.set(name, alias);
    }
    conf.files.push(paths.shortNameAliasesConf);
  }
  return conf;
}

// --- which table, which sources -------------------------------------------------------------

/** `*.example.com` against a name: the length matched, or -1. */
function matchWildcard(name: string, prefix: string): number {
  const suffix = prefix.slice(1);
  let index = name.indexOf(suffix);
  if (index === -1 || name.slice(0, index).includes('/')) return -1;
  index += suffix.length;
  if (index === name.length) return index;
  return ':/@'.includes(name[index]!) ? index : -1;
}

/**
 * podman's refMatchingPrefix: the length of `prefix` if `name` (registry, repository or full
 * reference) starts with it at a boundary (':', '/', '@' or the end), else -1. Like podman,
 * "example.com" also matches "example.com:5000".
 */
export function matchPrefix(name: string, prefix: string): number {
  if (prefix.startsWith('*.')) return matchWildcard(name, prefix);
  if (name.length < prefix.length || !name.startsWith(prefix)) return -1;
  if (name.length === prefix.length) return prefix.length;
  return ':/@'.includes(name[prefix.length]!) ? prefix.length : -1;
}

/** The table with the longest matching prefix for a name ('quay.io/team/app'), if any. */
export function findRegistry(conf: RegistriesConf, name: string): RegistryTable | null {
  let best: RegistryTable | null = null;
  let bestLength = 0;
  for (const t of conf.registries) {
    if (matchPrefix(name, t.prefix) === -1) continue;
    // podman compares the prefix's own length, wildcard included.
    if (t.prefix.length > bestLength) {
      best = t;
      bestLength = t.prefix.length;
    }
  }
  return best;
}

export interface PullSource {
  /** The name as that endpoint serves it, after the location rewrite. */
  ref: ImageReference;
  insecure: boolean;
  /** A [[registry.mirror]], rather than the table's own location. */
  mirror: boolean;
}

/** `ref` with the table's prefix replaced by an endpoint's location. */
function rewrite(ref: ImageReference, table: RegistryTable, loc: string): ImageReference {
  if (loc === '') return ref;
  const full = formatReference(ref);
  const length = matchPrefix(full, table.prefix);
  try {
    return parseReference(loc + full.slice(length));
  } catch (err) {
    if (!(err instanceof ReferenceError)) throw err;
    throw new RegistriesConfError(
      `${table.source}: rewriting ${full} to location "${loc}" gives an invalid reference (${err.message}); fix the [[registry]] table for "${table.prefix}"`,
    );
  }
}

/**
 * Where a pull of `ref` goes, in the order podman tries them: the table's mirrors (those its
 * mirror-by-digest-only or pull-from-mirror allow for a tag or a digest), then the location;
 * with no table, the registry the name says. The first that has the image wins.
 */
export function pullSources(conf: RegistriesConf, ref: ImageReference): PullSource[] {
  const table = findRegistry(conf, `${ref.registry}/${ref.repository}`);
  if (!table) return [{ ref, insecure: false, mirror: false }];
  const digested = ref.digest !== null;
  const mirrors = table.mirrorByDigestOnly
    ? digested
      ? table.mirrors
      : []
    : table.mirrors.filter(
        (m) =>
          m.pullFromMirror === 'all' || (m.pullFromMirror === 'digest-only' ? digested : !digested),
      );
  return [
    ...mirrors.map((m) => ({
      ref: rewrite(ref, table, m.location),
      insecure: m.insecure,
      mirror: true,
    })),
    { ref: rewrite(ref, table, table.location), insecure: table.insecure, mirror: false },
  ];
}

// --- short names ----------------------------------------------------------------------------

export interface Resolution {
  input: string;
  /** qualified: the input named its registry; alias: an [aliases] entry; search: the search list. */
  rationale: 'qualified' | 'alias' | 'search';
  /** The file that decided: the alias's, or the one that set unqualified-search-registries. */
  source: string | null;
  /** In the order podman tries them; more than one only for search in permissive/disabled. */
  candidates: ImageReference[];
}

/** A short name registries.conf cannot resolve; the message says what to write instead. */
export class ShortNameError extends Error {
  override readonly name = 'ShortNameError';
  constructor(
    message: string,
    readonly candidates: string[] = [],
  ) {
    super(message);
  }
}

/**
 * Resolves a reference as podman's shortnames.Resolve does when it cannot prompt (the daemon
 * has no terminal): a qualified name stands for itself; a short name takes its alias (tag or
 * digest kept), else one candidate per unqualified-search registry — an error with none, and
 * an error with several under short-name-mode "enforcing", where podman would prompt.
 * Throws ReferenceError for input that is no reference at all.
 */
export function resolveName(conf: RegistriesConf, input: string): Resolution {
  const parsed = parseReference(input);
  if (!isShortName(input)) {
    return { input, rationale: 'qualified', source: null, candidates: [parsed] };
  }
  const { name, suffix } = splitName(input);
  const alias = conf.aliases.get(name);
  if (alias?.value) {
    return {
      input,
      rationale: 'alias',
      source: alias.source,
      candidates: [parseReference(alias.value + suffix)],
    };
  }
  const search = conf.unqualifiedSearchRegistries;
  const example = `"${name}" = "docker.io/library/${name}"`;
  if (search.length === 0) {
    throw new ShortNameError(
      `"${name}" is a short name with no alias, and ${conf.searchSource ? `${conf.searchSource} sets no unqualified-search-registries` : 'no registries.conf sets unqualified-search-registries'}, so podman cannot tell which registry it is on. ` +
        `Write the full name (e.g. docker.io/library/${input} or quay.io/…), or add an alias in a drop-in such as /etc/containers/registries.conf.d/50-aliases.conf: [aliases] ${example}`,
    );
  }
  const candidates = search.map((registry) => parseReference(`${registry}/${input}`));
  if (conf.shortNameMode === 'enforcing' && candidates.length > 1) {
    const names = candidates.map(formatReference);
    throw new ShortNameError(
      `"${name}" is a short name that could come from ${search.join(', ')}, and short-name-mode is "enforcing"${conf.shortNameModeSource ? ` (${conf.shortNameModeSource})` : ''}: podman asks which one on a terminal and refuses to guess without one. ` +
        `Write the full name, e.g. ${names[0]}, or add an alias in a drop-in: [aliases] "${name}" = "${splitName(names[0]!).name}"`,
      names,
    );
  }
  return { input, rationale: 'search', source: conf.searchSource, candidates };
}
