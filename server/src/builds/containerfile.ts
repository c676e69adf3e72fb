/**
 * What a build needs to know of its Containerfile before podman sees it: its stages' bases
 * (one FROM scratch turns the layer cache off, see builds.ts) and whether any RUN step runs
 * as the target platform (and so needs an emulator) or natively, in a stage pinned to
 * `--platform=$BUILDPLATFORM`. Not a full parser: the instructions and flags buildah 1.28
 * reads (no heredocs, which came in buildah 1.33), line continuations, the escape directive,
 * and `$VAR`/`${VAR}` from the global ARGs and the build arguments.
 */

export interface Stage {
  /** The base as written after substitution: an image, another stage's name or `scratch`. */
  base: string;
  name: string | null;
  /** The `--platform` flag as written, or null. */
  platform: string | null;
  /** Runs as the build host (pinned to $BUILDPLATFORM, or FROM a stage that is). */
  native: boolean;
  runs: number;
}

export interface ContainerfileFacts {
  stages: Stage[];
  /** Some stage starts FROM scratch. */
  fromScratch: boolean;
  /** RUN steps that run as the target platform. */
  targetRuns: number;
  /** Platforms named literally by `--platform` on stages with RUN steps (they run as those). */
  pinnedRunPlatforms: string[];
}

/** Logical lines: comments dropped, continuations joined (`\` or the escape directive's). */
function logicalLines(text: string): string[] {
  const physical = text.replace(/\r\n?/g, '\n').split('\n');
  let escape = '\\';
  // Parser directives come first, before any instruction, comment or blank line.
  for (const line of physical) {
    const directive = /^#\s*([a-z]+)\s*=\s*(\S+)\s*$/i.exec(line);
    if (!directive) break;
    if (directive[1]!.toLowerCase() === 'escape' && (directive[2] === '`' || directive[2] === '\\'))
      escape = directive[2];
  }
  const out: string[] = [];
  let current = '';
  for (const line of physical) {
    // A comment line inside a continued instruction is skipped, as buildah does.
    if (/^\s*#/.test(line)) continue;
    const trimmed = line.replace(/\s+$/, '');
    if (trimmed.endsWith(escape)) {
      current += `${trimmed.slice(0, -1)} `;
      continue;
    }
    current += trimmed;
    if (current.trim()) out.push(current.trim());
    current = '';
  }
  if (current.trim()) out.push(current.trim());
  return out;
}

/** `$A`, `${A}`, `${A:-default}`, `${A:+alt}` from `vars`; unknown ones become empty. */
export function substitute(word: string, vars: ReadonlyMap<string, string>): string {
  return word.replace(
    /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::([-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g,
    (
      _m,
      braced: string | undefined,
      op: string | undefined,
      arg: string | undefined,
      bare: string | undefined,
    ) => {
      const value = vars.get(braced ?? bare ?? '');
      if (op === '-') return value ? value : (arg ?? '');
      if (op === '+') return value ? (arg ?? '') : '';
      return value ?? '';
    },
  );
}

const BUILD_PLATFORM = /^\$(\{BUILDPLATFORM\}|BUILDPLATFORM)$/;

export function readContainerfile(
  text: string,
  buildArgs: Readonly<Record<string, string>> = {},
): ContainerfileFacts {
  const globals = new Map<string, string>();
  const stages: Stage[] = [];
  for (const line of logicalLines(text)) {
    const space = line.search(/\s/);
    const instruction = (space === -1 ? line : line.slice(0, space)).toUpperCase();
    const rest = space === -1 ? '' : line.slice(space).trim();
    if (instruction === 'ARG' && stages.length === 0) {
      // `ARG NAME[=default]`: a build argument overrides the default.
      for (const decl of rest.split(/\s+/).filter(Boolean)) {
        const eq = decl.indexOf('=');
        const name = eq === -1 ? decl : decl.slice(0, eq);
        const fallback = eq === -1 ? undefined : decl.slice(eq + 1).replace(/^"(.*)"$/, '$1');
        const value = buildArgs[name] ?? fallback;
        if (value !== undefined) globals.set(name, value);
      }
    } else if (instruction === 'FROM') {
      const words = rest.split(/\s+/).filter(Boolean);
      let platformFlag: string | null = null;
      while (words[0]?.startsWith('--')) {
        const flag = words.shift()!;
        const m = /^--platform=(.*)$/.exec(flag);
        if (m) platformFlag = m[1]!;
      }
      const base = substitute(words[0] ?? '', globals);
      const name = words[1]?.toUpperCase() === 'AS' ? (words[2] ?? null) : null;
      const parent = stages.find(
        (s) => s.name !== null && s.name.toLowerCase() === base.toLowerCase(),
      );
      const pinned = platformFlag !== null && BUILD_PLATFORM.test(platformFlag);
      stages.push({
        base,
        name,
        platform: platformFlag,
        native: pinned || (platformFlag === null && parent?.native === true),
        runs: 0,
      });
    } else if (instruction === 'RUN' && stages.length > 0) {
      stages[stages.length - 1]!.runs++;
    }
  }
  const literalPlatform = (s: Stage) =>
    !s.native && s.platform !== null && !s.platform.includes('$') ? s.platform : null;
  return {
    stages,
    fromScratch: stages.some((s) => s.base.toLowerCase() === 'scratch'),
    targetRuns: stages
      .filter((s) => !s.native && literalPlatform(s) === null)
      .reduce((n, s) => n + s.runs, 0),
    pinnedRunPlatforms: [
      ...new Set(stages.filter((s) => s.runs > 0).flatMap((s) => literalPlatform(s) ?? [])),
    ],
  };
}
