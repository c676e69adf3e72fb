/**
 * Long work the daemon owns (pulls, launches, builds, manifest list pushes): a closed tab neither cancels
 * nor loses it. One module for what every kind shares: the states, coalesced progress for the
 * streams that follow a job, cancel, the change events that tell the UI to refetch, and a
 * record in the data dir, so that after a daemon restart a job that was running is listed as
 * `interrupted` (with what the UI needs to retry it) instead of vanishing.
 *
 * What a kind adds (a pull's layers, its image) lives in its own module, which hands the job a
 * `view` that renders the whole contract object from the common fields.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { JobState } from '@archdeck/shared';
import { notFound } from '../lib/errors.js';
import type { EngineEvents } from '../engine/events.js';
import { RecordFile } from '../lib/record-file.js';

/** The fields every job has, in the contract and on disk. */
export interface JobFields {
  id: string;
  state: JobState;
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
}

type Listener<S> = (job: S, final: boolean) => void;

const EMIT_INTERVAL_MS = 100;
/** Finished jobs kept (listed, and on disk) per kind; running ones are always kept. */
const KEEP_FINISHED = 20;

export class Job<S extends JobFields> {
  readonly listeners = new Set<Listener<S>>();
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    readonly fields: JobFields,
    private readonly view: (fields: JobFields) => S,
    private readonly onFinish: (job: Job<S>) => void,
  ) {}

  /** Aborted when the job is cancelled, or the daemon stops: the runner stops its work. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get running(): boolean {
    return this.fields.state === 'running';
  }

  snapshot(): S {
    return this.view(this.fields);
  }

  /** Schedules one update for listeners; many changes in a burst collapse into it. */
  changed(): void {
    if (this.timer || !this.running) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      const snap = this.snapshot();
      for (const l of this.listeners) l(snap, false);
    }, EMIT_INTERVAL_MS);
  }

  /** Ends the job once; later calls are ignored (the first outcome is the true one). */
  finish(state: Exclude<JobState, 'running'>, error: string | null = null): void {
    if (!this.running) return;
    this.fields.state = state;
    this.fields.error = error;
    this.fields.finishedAt = new Date().toISOString();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.controller.abort();
    const snap = this.snapshot();
    for (const l of this.listeners) l(snap, true);
    this.listeners.clear();
    this.onFinish(this);
  }
}

export type JobKind = 'pull' | 'launch' | 'build' | 'push';

/** The record's file in `<data-dir>/jobs/`, per kind. */
const RECORD_FILE: Record<JobKind, string> = {
  pull: 'pulls.json',
  launch: 'launches.json',
  build: 'builds.json',
  push: 'pushes.json',
};

export interface JobsOptions<S extends JobFields = JobFields> {
  /** What the change events and the record on disk call this kind. */
  kind: JobKind;
  /** Where the record lives; null keeps the jobs in memory only. */
  dataDir: string | null;
  events: EngineEvents;
  log: FastifyBaseLogger;
  /**
   * What a kind changes in a record the last daemon left running, besides the common fields
   * (a build's platforms that were running are interrupted too).
   */
  interrupted?: (job: S, reason: string) => S;
}

/** The jobs of one kind. */
export class Jobs<S extends JobFields> {
  private readonly jobs = new Map<string, Job<S>>();
  private readonly file: RecordFile | null;

  constructor(private readonly opts: JobsOptions<S>) {
    this.file = opts.dataDir
      ? new RecordFile(join(opts.dataDir, 'jobs', RECORD_FILE[opts.kind]), opts.log)
      : null;
  }

  /**
   * Reads the record the last daemon left. A job it lists as running ended with that daemon:
   * it is `interrupted` now, whatever podman did with it since.
   */
  async restore(): Promise<void> {
    if (!this.file) return;
    let saved: S[];
    try {
      const text = await this.file.read();
      if (text === null) return;
      saved = JSON.parse(text) as S[];
      if (!Array.isArray(saved)) throw new Error('not a list');
    } catch (err) {
      this.opts.log.warn({ err, file: this.file.path }, 'ignoring an unreadable job record');
      return;
    }
    const now = new Date().toISOString();
    const reason = `archdeck stopped while this ${this.opts.kind} ran (the daemon was restarted): retry it.`;
    const interrupted = this.opts.interrupted ?? ((job: S) => job);
    for (const snap of saved) {
      if (typeof snap?.id !== 'string') continue;
      const stored: S =
        snap.state === 'running'
          ? interrupted({ ...snap, state: 'interrupted', finishedAt: now, error: reason }, reason)
          : snap;
      const job = new Job<S>(
        { ...stored },
        (fields) => ({ ...stored, ...fields }),
        () => undefined,
      );
      this.jobs.set(job.fields.id, job);
    }
    this.save();
  }

  /** A new running job; `view` renders it whole from the common fields. */
  add(view: (fields: JobFields) => S): Job<S> {
    const job = new Job<S>(
      {
        id: randomBytes(16).toString('hex'),
        state: 'running',
        startedAt: new Date().toISOString(),
        finishedAt: null,
        error: null,
      },
      view,
      (done) => {
        this.opts.events.publish({
          kind: this.opts.kind,
          action: done.fields.state,
          id: done.fields.id,
        });
        this.prune();
        this.save();
      },
    );
    this.jobs.set(job.fields.id, job);
    this.opts.events.publish({ kind: this.opts.kind, action: 'start', id: job.fields.id });
    this.save();
    return job;
  }

  /** The running job that `matches`, if there is one. */
  find(matches: (job: Job<S>) => boolean): Job<S> | null {
    for (const job of this.jobs.values()) if (job.running && matches(job)) return job;
    return null;
  }

  list(): S[] {
    return [...this.jobs.values()].map((j) => j.snapshot()).reverse();
  }

  get(id: string): Job<S> {
    const job = this.jobs.get(id);
    if (!job) throw notFound(`No ${this.opts.kind} job ${id}.`);
    return job;
  }

  cancel(id: string): void {
    this.get(id).finish('cancelled', 'Cancelled.');
  }

  /** Calls `listener` with every update until the job ends; returns the unsubscribe. */
  subscribe(id: string, listener: Listener<S>): () => void {
    const job = this.get(id);
    if (!job.running) {
      listener(job.snapshot(), true);
      return () => undefined;
    }
    job.listeners.add(listener);
    return () => job.listeners.delete(listener);
  }

  /** Resolves with the final state when the job ends. */
  wait(id: string): Promise<S> {
    return new Promise((resolve) => {
      this.subscribe(id, (job, final) => final && resolve(job));
    });
  }

  /**
   * The daemon is stopping: running jobs are cut and recorded as interrupted (a daemon that
   * is killed instead leaves them `running` in the record, which restore() reads the same way).
   */
  async close(): Promise<void> {
    for (const job of this.jobs.values()) {
      if (job.running) {
        job.finish('interrupted', `archdeck stopped while this ${this.opts.kind} ran: retry it.`);
      }
    }
    await this.file?.saved();
  }

  private prune(): void {
    const finished = [...this.jobs.values()].filter((j) => !j.running);
    for (const j of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED)))
      this.jobs.delete(j.fields.id);
  }

  /** Writes the record whole, in order, after the previous write. */
  private save(): void {
    this.file?.save(JSON.stringify([...this.jobs.values()].map((j) => j.snapshot())));
  }
}
