/**
 * Podman's build endpoint, mapped to our own events. Compat `/v1.41/build` (the same handler
 * as libpod's, compat/images_build.go in podman 4.3.1), always with `dockerfile=` (compat looks
 * for `Dockerfile` only otherwise) and one platform per request.
 */
import type Docker from 'dockerode';
import type { Readable } from 'node:stream';
import { JsonLines } from '../lib/json-lines.js';
import { engineError } from './errors.js';
import { libpodJson } from './libpod.js';
import type { BuildEvent, EngineBuildOptions } from './types.js';

interface BuildMessage {
  stream?: string;
  error?: string;
  errorDetail?: { message?: string };
  aux?: { ID?: string };
}

/**
 * Runs one build and yields its events. Closing podman's connection cancels the build
 * (runtime.Build gets the request's context), so `signal` is how a build is cancelled.
 * HTTP-level refusals (a bad parameter) throw before anything is yielded.
 */
export async function* buildImage(
  docker: Docker,
  context: Readable,
  opts: EngineBuildOptions,
  signal: AbortSignal,
): AsyncGenerator<BuildEvent> {
  let stream: Readable;
  try {
    // dockerode puts every option in the query string: an array repeats its key (`t=a&t=b`,
    // which @types/dockerode's `t?: string` does not know), an object is sent as JSON
    // (`buildargs`), and the signal is taken out first.
    stream = (await docker.buildImage(context, {
      t: opts.tags as unknown as string,
      platform: opts.platform,
      dockerfile: opts.dockerfile,
      buildargs: opts.buildArgs,
      ...(opts.target ? { target: opts.target } : {}),
      ...(opts.pullAlways ? { pull: true } : {}),
      nocache: opts.noCache,
      rm: true,
      forcerm: true,
      abortSignal: signal,
    })) as unknown as Readable;
  } catch (err) {
    context.destroy();
    if (signal.aborted) {
      yield { kind: 'cut', message: 'the build was cancelled' };
      return;
    }
    throw engineError(err, `the build for ${opts.platform}`);
  }
  const lines = new JsonLines();
  const events = (values: unknown[]): BuildEvent[] =>
    values.flatMap((value): BuildEvent[] => {
      const m = value as BuildMessage;
      const failure = m.errorDetail?.message ?? m.error;
      if (typeof failure === 'string') return [{ kind: 'failed', message: failure.trim() }];
      if (typeof m.aux?.ID === 'string')
        return [{ kind: 'built', imageId: m.aux.ID.replace(/^sha256:/, '') }];
      if (typeof m.stream === 'string') return [{ kind: 'output', text: m.stream }];
      return [];
    });
  try {
    for await (const chunk of stream) yield* events(lines.push(chunk as Buffer));
  } catch (err) {
    context.destroy();
    yield* events(lines.end());
    yield { kind: 'cut', message: (err as Error).message };
    return;
  }
  yield* events(lines.end());
}

/** Takes one tag off an image (libpod's untag; compat has none), leaving its other tags. */
export async function untagImage(libpod: Docker, imageId: string, tag: string): Promise<void> {
  const colon = tag.lastIndexOf(':');
  const tagged = colon > tag.lastIndexOf('/');
  await libpodJson(libpod, {
    method: 'POST',
    path: `/libpod/images/${imageId}/untag`,
    query: {
      repo: tagged ? tag.slice(0, colon) : tag,
      tag: tagged ? tag.slice(colon + 1) : 'latest',
    },
    ok: [201],
    what: `image ${imageId}`,
  });
}
