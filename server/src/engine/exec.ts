/**
 * Podman's side of a terminal: a shell exec'd in a running container, or the TTY of a container
 * started with one, as one duplex byte stream plus resize, exit code and kill.
 */
import type Docker from 'dockerode';
import type { Duplex } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '../lib/errors.js';
import { attachContainer } from './container-attach.js';
import { inspectForLogs } from './logs/podman-logs.js';
import { engineError } from './errors.js';
import type { TerminalMode, TerminalProcess, TerminalSpec } from './types.js';

/** How long an ended stream's exec may still report Running before we give up on its code. */
const EXIT_WAIT_MS = 2000;

/**
 * Checks that a terminal can be opened on the container and returns its full id: 409 when it
 * is not running, or (attach) was not started with a TTY.
 */
export async function checkTerminalTarget(
  docker: Docker,
  id: string,
  mode: TerminalMode,
): Promise<string> {
  const target = await inspectForLogs(docker, id);
  if (!target.running) {
    throw new AppError(409, 'not_running', `Container ${id} is not running: start it first.`);
  }
  if (mode === 'attach' && !target.tty) {
    throw new AppError(
      409,
      'no_tty',
      `Container ${id} was not started with a TTY, so there is no terminal to attach to: open a shell (exec) instead.`,
    );
  }
  return target.id;
}

export async function openTerminal(docker: Docker, spec: TerminalSpec): Promise<TerminalProcess> {
  return spec.mode === 'exec' ? openExec(docker, spec) : openAttach(docker, spec);
}

interface ExecState {
  Running?: boolean;
  ExitCode?: number | null;
  Pid?: number;
}

async function openExec(docker: Docker, spec: TerminalSpec): Promise<TerminalProcess> {
  const container = docker.getContainer(spec.containerId);
  let exec: Docker.Exec;
  let stream: Duplex;
  try {
    exec = await container.exec({
      Cmd: [spec.shell],
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Tty: true,
      Env: ['TERM=xterm-256color'],
    });
    stream = await exec.start({ hijack: true, stdin: true, Tty: true });
  } catch (err) {
    throw engineError(err, `container ${spec.containerId}`);
  }
  const inspect = () => exec.inspect() as Promise<ExecState>;
  let closing: Promise<void> | null = null;
  const proc: TerminalProcess = {
    stream,
    resize: async (cols, rows) => {
      await exec.resize({ h: rows, w: cols });
    },
    exitCode: async () => {
      const deadline = Date.now() + EXIT_WAIT_MS;
      for (;;) {
        const state = await inspect().catch(() => null);
        if (!state) return null;
        if (!state.Running) return state.ExitCode ?? null;
        if (Date.now() > deadline) return null;
        await sleep(50);
      }
    },
    close: () => {
      closing ??= (async () => {
        // HACK: podman keeps an exec'd process running when its hijacked connection closes, and
        // the Docker-compatible API has no call to kill an exec session, so a closed tab would
        // leave a shell behind. The daemon runs as root beside podman, so it kills the exec's
        // host PID (from exec inspect) itself.
        try {
          const state = await inspect();
          const pid = state.Pid ?? 0;
          if (state.Running && Number.isInteger(pid) && pid > 1) process.kill(pid, 'SIGKILL');
        } catch {
          // Gone already: the exec session or its process ended on its own.
        } finally {
          stream.destroy();
        }
      })();
      return closing;
    },
  };
  await proc.resize(spec.cols, spec.rows).catch(() => undefined);
  return proc;
}

async function openAttach(docker: Docker, spec: TerminalSpec): Promise<TerminalProcess> {
  const container = docker.getContainer(spec.containerId);
  const stream = await attachContainer(docker, spec.containerId, { stdin: true });
  const proc: TerminalProcess = {
    stream,
    resize: async (cols, rows) => {
      await container.resize({ h: rows, w: cols });
    },
    exitCode: async () => {
      const target = await inspectForLogs(docker, spec.containerId).catch(() => null);
      return target?.exitCode ?? null;
    },
    // Detaching leaves the container running: it is the user's, not the terminal's.
    close: async () => {
      stream.destroy();
    },
  };
  await proc.resize(spec.cols, spec.rows).catch(() => undefined);
  return proc;
}
