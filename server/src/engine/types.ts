/**
 * The engine's own types: what comes out of it, and what goes in. podman's JSON never leaves
 * engine/; it is mapped to these at the edge (images.ts, containers.ts, …).
 */
import type { Duplex } from 'node:stream';
import type { LogLine } from '@archdeck/shared';

/** What we keep of an image: the facts of its config, which never change for an id. */
export interface EngineImage {
  id: string;
  repoTags: string[];
  repoDigests: string[];
  architecture: string;
  os: string;
  variant: string | null;
  size: number;
  created: string;
  labels: Record<string, string>;
  env: string[];
  entrypoint: string[] | null;
  cmd: string[] | null;
  workingDir: string;
  user: string;
  dockerVersion: string;
}

/** What only the detail view shows, which costs a history request and a read of the store. */
export interface EngineImageExtras {
  /** The manifest digest and compressed layer digests, as `skopeo inspect` shows them. */
  manifestDigest: string | null;
  /**
   * The other manifests podman keeps for the image (the index it was pulled through), by
   * digest, each checked against its digest; null when the store cannot be read.
   */
  storedManifests: Map<string, Buffer> | null;
  layers: string[];
  history: Array<{
    created: string | null;
    createdBy: string;
    comment: string;
    emptyLayer: boolean;
  }>;
}

export interface EngineContainer {
  id: string;
  name: string;
  image: string;
  imageId: string;
  state: string;
  status: string;
  exitCode: number | null;
  created: string;
  /** When its current (or last) run started: tells one run from the next. */
  startedAt: string;
  tty: boolean;
  autoRemove: boolean;
  /** Its log as a k8s-file, or null (see logFileOf). */
  logFile: string | null;
  command: string[];
  labels: Record<string, string>;
}

export interface CreateSpec {
  imageId: string;
  /** The reference the user asked for, kept as a label for display. */
  imageRef: string;
  platform: string;
  cmd?: string[];
  env?: string[];
  /**
   * The emulated CPU model: set as QEMU_CPU, which binfmt_misc hands to qemu for every
   * emulated program in the container, and kept as a label. Only for an emulated platform.
   */
  cpu?: string;
  name?: string;
  tty: boolean;
  autoRemove: boolean;
}

export interface LogsTarget {
  /** The full id, as podman's events name it. */
  id: string;
  tty: boolean;
  /** Removed as soon as it exits (`--rm`), and its log with it. */
  autoRemove: boolean;
  running: boolean;
  /** null while it runs, and for a container that never started. */
  exitCode: number | null;
  /** When it last stopped (ms since the epoch), null while it runs or if it never ran. */
  finishedAt: number | null;
  /** Where podman keeps its log as a k8s-file (containers/log-history.ts reads it), or null. */
  logFile: string | null;
}

export type TerminalMode = 'exec' | 'attach';

export interface TerminalSpec {
  containerId: string;
  mode: TerminalMode;
  shell: string;
  cols: number;
  rows: number;
}

export interface TerminalProcess {
  /** Raw TTY bytes both ways (a TTY has no stdout/stderr framing). */
  readonly stream: Duplex;
  resize(cols: number, rows: number): Promise<void>;
  /** After the stream ended: the process's exit code, null when podman cannot tell. */
  exitCode(): Promise<number | null>;
  /** Ends the process (exec) and the connection to podman. Safe to call more than once. */
  close(): Promise<void>;
}

export interface ProbeImageSpec {
  /** OCI architecture, the image's tag. */
  arch: string;
  platform: string;
  binary: Buffer;
  sha256: string;
}

export interface ProbeRun {
  /** null when the container never ran to an exit (start refused, timed out). */
  exitCode: number | null;
  /** stdout and stderr as written, one string. */
  output: string;
  /** Podman's message when it refused to start the container. */
  startError: string | null;
  timedOut: boolean;
  /** From the create request to the end of the probe's output (its exit). */
  durationMs: number;
}

/** Where a stream's lines go. `busy` while the reader should hold back, until ready(). */
export interface LogOutput {
  add(line: LogLine): void;
  readonly busy: boolean;
  ready(): Promise<void>;
  /** Sends what is batched now: a phase of the stream is over. */
  flush(): void;
}

export interface EngineBuildOptions {
  /** The first is the image's name, the rest more tags. */
  tags: string[];
  /** `os/arch[/variant]`: one. A comma list is misread by podman before 5.2 (podman#23103). */
  platform: string;
  /** The Containerfile's path inside the context. */
  dockerfile: string;
  buildArgs: Record<string, string>;
  target: string | null;
  pullAlways: boolean;
  noCache: boolean;
}

/**
 * What a build stream says, in order. `output`: text podman printed (any number of lines, the
 * last maybe unfinished); `failed`: podman's error line, after which it ends the stream;
 * `built`: the image id (Docker's `aux.ID`); `cut`: the stream stopped without ending (the
 * request was aborted, or podman went away).
 */
export type BuildEvent =
  | { kind: 'output'; text: string }
  | { kind: 'failed'; message: string }
  | { kind: 'built'; imageId: string }
  | { kind: 'cut'; message: string };

/**
 * What a push stream says. `output`: one of podman's lines ("Copying blob …"); `failed`: its
 * error; `pushed`: the digest of the list as pushed; `cut`: the stream stopped without ending.
 */
export type PushEvent =
  | { kind: 'output'; text: string }
  | { kind: 'failed'; message: string }
  | { kind: 'pushed'; digest: string }
  | { kind: 'cut'; message: string };
/** Where a remote podman is: an SSH server, a user, and podman's API socket there. */
export interface SshTarget {
  host: string;
  port: number;
  username: string;
  socketPath: string;
}
