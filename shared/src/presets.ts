/**
 * Presets: images to run in one click, as each platform this host can run and the image's index
 * lists. The user keeps the list (GET/POST /api/presets, PUT/DELETE /api/presets/:id); a preset
 * runs through POST /api/containers like any other run.
 */
import { Type, type Static } from 'typebox';
import { Nullable } from './nullable.js';
import { RunBadge } from './images.js';
import { Argv } from './containers.js';

/** What a preset's id may be, in words: the UI's hint and the API's 400 say it so. */
export const PRESET_ID_RULE =
  '1 to 64 lowercase letters, digits and "-", starting with a letter or digit';
export const PRESET_ID_PATTERN = '^[a-z0-9][a-z0-9-]{0,63}$';
export const PresetId = Type.String({ pattern: PRESET_ID_PATTERN, description: PRESET_ID_RULE });
export const PresetParams = Type.Object({ id: PresetId });

/** What a preset is, apart from its id (which names it in the URL and never changes). */
const presetFields = {
  title: Type.String({ minLength: 1, maxLength: 80 }),
  /** A reference as `podman pull` takes it. */
  image: Type.String({ minLength: 1, maxLength: 512 }),
  description: Type.String({ maxLength: 500 }),
  /** The argv to run; null runs the image's own command. */
  cmd: Nullable(Argv),
  tty: Type.Boolean(),
};

/** A preset as it is kept, in the data dir's presets.json and in a --presets file. */
export const PresetDefinition = Type.Object(
  { id: PresetId, ...presetFields },
  { additionalProperties: false },
);
export type PresetDefinition = Static<typeof PresetDefinition>;

/** PUT /api/presets/:id: the whole preset but its id; left out are '', null and false. */
export const PresetChange = Type.Object(
  {
    title: presetFields.title,
    image: presetFields.image,
    description: Type.Optional(presetFields.description),
    cmd: Type.Optional(presetFields.cmd),
    tty: Type.Optional(presetFields.tty),
  },
  { additionalProperties: false },
);
export type PresetChange = Static<typeof PresetChange>;

/** POST /api/presets, and an entry of a --presets file. */
export const PresetInput = Type.Object(
  { id: PresetId, ...PresetChange.properties },
  { additionalProperties: false },
);
export type PresetInput = Static<typeof PresetInput>;

/**
 * What the image's index says, as far as the daemon knows: `checking` until the registry first
 * answers; `listed` with every platform the index lists; `unchecked` when the registry could not
 * be asked (unreachable, a login needed, no such tag), with why and how to fix it. Answers are
 * kept for a while; POST /api/presets/:id/check asks again.
 */
export const PresetIndex = Type.Object({
  state: Type.Union([Type.Literal('checking'), Type.Literal('listed'), Type.Literal('unchecked')]),
  /** When the registry last answered or failed; null before that. */
  checkedAt: Nullable(Type.String()),
  /** os/arch[/variant] of every image the index lists (listed only). */
  platforms: Type.Array(Type.String()),
  /**
   * Why the platforms are not checked (unchecked only): what went wrong, and what to do about
   * it, when anything can be done here. Presets of one registry share their fix.
   */
  problem: Nullable(
    Type.Object({ code: Type.String(), message: Type.String(), fix: Nullable(Type.String()) }),
  ),
});
export type PresetIndex = Static<typeof PresetIndex>;

export const Preset = Type.Object({
  ...PresetDefinition.properties,
  /**
   * The platforms to offer it as, each with its badge, native last: those this host can run
   * that the index lists; every one this host can run while the index is not known (checking,
   * or unchecked).
   */
  platforms: Type.Array(Type.Object({ platform: Type.String(), ...RunBadge.properties })),
  index: PresetIndex,
});
export type Preset = Static<typeof Preset>;
