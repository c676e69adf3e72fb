/**
 * What a preset is, the first ones a daemon starts with (a --presets file or the built-in
 * list), and how one is checked, from a file or a request alike: the contract's schema, then
 * its image reference, with a message naming the field that is wrong and what it takes.
 */
import { readFileSync } from 'node:fs';
import { Value } from 'typebox/value';
import { PRESET_ID_RULE, PresetInput, type PresetDefinition } from '@archdeck/shared';
import { parseReference, ReferenceError } from '../images/reference.js';

export type PresetDef = PresetDefinition;

const SHOW_ARCH = [
  'sh',
  '-c',
  'echo "running on $(uname -m)"; cat /etc/os-release 2>/dev/null | head -n 2',
];

export const DEFAULT_PRESETS: PresetDef[] = [
  {
    id: 'ubuntu',
    title: 'Ubuntu',
    image: 'docker.io/library/ubuntu:24.04',
    description: 'Ubuntu 24.04 LTS userland',
    cmd: SHOW_ARCH,
    tty: false,
  },
  {
    id: 'debian',
    title: 'Debian',
    image: 'docker.io/library/debian:bookworm',
    description: 'Debian 12 userland',
    cmd: SHOW_ARCH,
    tty: false,
  },
  {
    id: 'alpine',
    title: 'Alpine',
    image: 'docker.io/library/alpine:3.20',
    description: 'A 4 MB musl userland',
    cmd: SHOW_ARCH,
    tty: false,
  },
  {
    id: 'busybox',
    title: 'BusyBox',
    image: 'docker.io/library/busybox:1.36',
    description: 'One static binary, many tools',
    cmd: SHOW_ARCH,
    tty: false,
  },
];

/** A preset that cannot be kept; the message says which field and what it takes. */
export class PresetError extends Error {
  override readonly name = 'PresetError';
}

/** What a schema validator (ajv for requests, TypeBox's Value for files) reports. */
interface SchemaError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

const RULES: Record<string, string> = {
  id: `the id is ${PRESET_ID_RULE}`,
  title: 'the title is 1 to 80 characters',
  image: 'the image is a reference of up to 512 characters, e.g. "quay.io/podman/hello:latest"',
  description: 'the description is at most 500 characters',
  cmd: 'cmd is the argv: a list of up to 256 strings without NUL bytes, e.g. ["sh", "-c", "uname -m"], or null for the image’s own command',
  tty: 'tty is true or false',
};
const FIELDS = 'id, title, image, description, cmd and tty';

const first = (value: unknown) => (Array.isArray(value) ? value[0] : value) as string | undefined;

/** One line for what a validator found wrong with a preset (or a preset's id in a URL). */
export function presetSchemaProblem(errors: readonly SchemaError[]): string {
  const e =
    errors.find((x) => x.keyword === 'additionalProperties' || x.keyword === 'required') ??
    errors[0];
  if (!e) return 'this is not a preset';
  if (e.keyword === 'additionalProperties') {
    const field = first(e.params.additionalProperty ?? e.params.additionalProperties);
    return `unknown field "${field}": a preset has ${FIELDS}`;
  }
  if (e.keyword === 'required') {
    return `${first(e.params.missingProperty ?? e.params.requiredProperties)} is required`;
  }
  const field = e.instancePath.split('/')[1];
  if (!field) return `a preset is a JSON object with ${FIELDS}`;
  return RULES[field] ?? `${field} ${e.message ?? 'is not valid'}`;
}

/** The preset to keep for what was asked for: trimmed, its reference checked, defaults filled. */
export function definitionOf(input: PresetInput): PresetDef {
  const title = input.title.trim();
  if (!title) throw new PresetError(RULES.title!);
  const image = input.image.trim();
  try {
    parseReference(image);
  } catch (err) {
    if (err instanceof ReferenceError) {
      throw new PresetError(
        `the image "${image}" is not a reference podman can pull: ${err.message}`,
      );
    }
    throw err;
  }
  return {
    id: input.id,
    title,
    image,
    description: (input.description ?? '').trim(),
    // No arguments is no command of our own: the image's runs, as it does for null.
    cmd: input.cmd && input.cmd.length > 0 ? input.cmd : null,
    tty: input.tty ?? false,
  };
}

/** A list of presets as a file holds it (the data dir's, a --presets file): checked whole. */
export function parsePresetList(data: unknown): PresetDef[] {
  if (!Array.isArray(data)) throw new PresetError('it must hold a JSON array of presets');
  const seen = new Set<string>();
  return data.map((entry: unknown, i) => {
    try {
      if (!Value.Check(PresetInput, entry)) {
        throw new PresetError(presetSchemaProblem([...Value.Errors(PresetInput, entry)]));
      }
      const def = definitionOf(entry);
      if (seen.has(def.id)) throw new PresetError(`the id "${def.id}" is used twice`);
      seen.add(def.id);
      return def;
    } catch (err) {
      if (err instanceof PresetError) throw new PresetError(`entry ${i}: ${err.message}`);
      throw err;
    }
  });
}

/** The presets a first start seeds the data dir with; a bad file is a startup error. */
export function loadPresetsFile(path: string | null): PresetDef[] {
  if (!path) return DEFAULT_PRESETS;
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read presets file ${path}: ${(err as Error).message}`, { cause: err });
  }
  try {
    return parsePresetList(data);
  } catch (err) {
    if (err instanceof PresetError)
      throw new Error(`presets file ${path}: ${err.message}`, { cause: err });
    throw err;
  }
}
