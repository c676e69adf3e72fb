/**
 * GET /api/events: one stream of small typed events for the whole UI. They say that something
 * changed; the UI refetches what shows it (events notify, queries fetch).
 */
import { Type, type Static } from 'typebox';
import { Nullable } from './nullable.js';

/**
 * `event: change`: an image, a container, a job (pull, launch, build, push) or a manifest list draft
 * changed; `host`: a fact of /api/health (the check that containers can start); `preset`: the
 * presets, or what an image's index lists.
 */
export const ChangeEvent = Type.Object({
  kind: Type.Union([
    Type.Literal('image'),
    Type.Literal('container'),
    Type.Literal('pull'),
    Type.Literal('launch'),
    Type.Literal('build'),
    Type.Literal('push'),
    Type.Literal('manifest'),
    Type.Literal('host'),
    Type.Literal('preset'),
  ]),
  action: Type.String(),
  id: Nullable(Type.String()),
});
export type ChangeEvent = Static<typeof ChangeEvent>;

/**
 * `event: hello` on every (re)connect, and again whenever the daemon re-subscribed to podman:
 * whatever happened in between is unknown, so everything is refetched.
 * `event: podman`: the daemon lost its podman connection, or got it back.
 */
export const PodmanStateEvent = Type.Object({ podman: Type.Boolean() });
export type PodmanStateEvent = Static<typeof PodmanStateEvent>;
