/**
 * Podman's container endpoints, mapped to our own types. The create request is built here
 * from an allowlist of our own fields; nothing a client sends is passed through.
 */
import type Docker from 'dockerode';
import { DEFAULT_STOP_TIMEOUT, type ContainerAction } from '@archdeck/shared';
import { AppError } from '../lib/errors.js';
import { logFileOf } from './logs/podman-logs.js';
import { engineError } from './errors.js';
import { CPU_LABEL, IMAGE_LABEL, PLATFORM_LABEL, PROBE_LABEL } from './labels.js';
import type { CreateSpec, EngineContainer } from './types.js';

interface CompatContainerInspect {
  Id: string;
  Name?: string;
  Created?: string;
  Image?: string;
  ImageName?: string;
  State?: { Status?: string; ExitCode?: number; Running?: boolean; StartedAt?: string };
  HostConfig?: { AutoRemove?: boolean; LogConfig?: { Type?: string } };
  LogPath?: string;
  Config?: {
    Tty?: boolean;
    Cmd?: string[] | null;
    Entrypoint?: string[] | string | null;
    Labels?: Record<string, string> | null;
    Image?: string;
  };
}

/**
 * Every container's full id. The list itself lacks Tty, and has the exit code only in its
 * Status text: inspectContainer gives both.
 */
export async function listContainerIds(docker: Docker): Promise<string[]> {
  try {
    const list = await docker.listContainers({ all: true });
    return list.filter((c) => !c.Labels?.[PROBE_LABEL]).map((c) => c.Id);
  } catch (err) {
    throw engineError(err, 'containers');
  }
}

export async function inspectContainer(docker: Docker, id: string): Promise<EngineContainer> {
  let c: CompatContainerInspect;
  try {
    c = (await docker.getContainer(id).inspect()) as unknown as CompatContainerInspect;
  } catch (err) {
    throw engineError(err, `container ${id}`);
  }
  const state = c.State?.Status ?? 'unknown';
  const entrypoint = Array.isArray(c.Config?.Entrypoint)
    ? c.Config.Entrypoint
    : c.Config?.Entrypoint
      ? [c.Config.Entrypoint]
      : [];
  return {
    id: c.Id,
    name: (c.Name ?? '').replace(/^\//, ''),
    image: c.Config?.Labels?.[IMAGE_LABEL] ?? c.ImageName ?? c.Config?.Image ?? '',
    imageId: (c.Image ?? '').replace(/^sha256:/, ''),
    state,
    status: statusText(state, c.State?.ExitCode),
    exitCode: state === 'exited' || state === 'stopped' ? (c.State?.ExitCode ?? null) : null,
    created: c.Created ?? '',
    startedAt: c.State?.StartedAt ?? '',
    tty: c.Config?.Tty === true,
    autoRemove: c.HostConfig?.AutoRemove === true,
    logFile: logFileOf(c),
    command: [...entrypoint, ...(c.Config?.Cmd ?? [])],
    labels: c.Config?.Labels ?? {},
  };
}

function statusText(state: string, exitCode: number | undefined): string {
  if (state === 'exited' || state === 'stopped') return `Exited (${exitCode ?? '?'})`;
  return state.charAt(0).toUpperCase() + state.slice(1);
}

/** Creates the container without starting it; returns its id. */
export async function createContainer(docker: Docker, spec: CreateSpec): Promise<string> {
  try {
    const container = await docker.createContainer({
      name: spec.name,
      Image: spec.imageId,
      Cmd: spec.cmd,
      Env: spec.cpu ? [...(spec.env ?? []), `QEMU_CPU=${spec.cpu}`] : spec.env,
      Tty: spec.tty,
      // A TTY container gets stdin so a terminal can attach to it later.
      OpenStdin: spec.tty,
      AttachStdout: true,
      AttachStderr: true,
      Labels: {
        [PLATFORM_LABEL]: spec.platform,
        [IMAGE_LABEL]: spec.imageRef,
        ...(spec.cpu ? { [CPU_LABEL]: spec.cpu } : {}),
      },
      // No Ulimits here: setting any replaces containers.conf's default_ulimits, which hosts
      // without CAP_SYS_RESOURCE need ("error setting rlimit type 7").
      // An init as PID 1: when an emulated program crashes, qemu kills itself with the
      // guest's signal, which the kernel drops for a namespace's PID 1, so without it the
      // container hangs after "qemu: uncaught target signal" instead of exiting.
      HostConfig: { AutoRemove: spec.autoRemove, Init: true },
    });
    return container.id;
  } catch (err) {
    throw engineError(err, `container ${spec.name ?? ''}`.trim());
  }
}

/** Starts a container just created; failing, says so (the container is left for the user). */
export async function startCreated(docker: Docker, id: string): Promise<void> {
  try {
    await docker.getContainer(id).start();
  } catch (err) {
    throw new AppError(
      // podman's 4xx are the request's fault; anything else is the engine's.
      ((err as { statusCode?: number }).statusCode ?? 500) >= 500 ? 502 : 400,
      'start_failed',
      `The container was created but did not start: ${(err as { json?: { message?: string } }).json?.message ?? (err as Error).message}`,
      { id },
    );
  }
}

/** Podman answers 304 for start-on-running and stop-on-stopped; that is success here. */
const notModified = (err: unknown) => (err as { statusCode?: number }).statusCode === 304;

/** `timeout`: seconds from SIGTERM to SIGKILL, for stop and restart. */
export async function containerAction(
  docker: Docker,
  id: string,
  action: ContainerAction,
  timeout = DEFAULT_STOP_TIMEOUT,
): Promise<void> {
  const c = docker.getContainer(id);
  try {
    if (action === 'start') await c.start();
    else if (action === 'stop') await c.stop({ t: timeout });
    else if (action === 'restart') await c.restart({ t: timeout });
    else await c.kill();
  } catch (err) {
    if (notModified(err)) return;
    // Killing a container that is not running is what the user wanted already. HACK: podman
    // says so with a 500 "container state improper" where Docker answers 409.
    const e = err as { statusCode?: number; json?: { cause?: string } };
    if (action === 'kill' && (e.statusCode === 409 || e.json?.cause === 'container state improper'))
      return;
    throw engineError(err, `container ${id}`);
  }
}

export async function removeContainer(docker: Docker, id: string): Promise<void> {
  try {
    await docker.getContainer(id).remove({ force: true, v: true });
  } catch (err) {
    throw engineError(err, `container ${id}`);
  }
}
