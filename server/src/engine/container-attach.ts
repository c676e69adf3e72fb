/**
 * Attaching to a container's stdio: the terminal's attach mode, and the output of a container
 * we launch, read from before it starts (see containers/launch-output.ts).
 */
import type Docker from 'dockerode';
import { Transform, type Duplex, type Readable } from 'node:stream';
import type { LogLine } from '@archdeck/shared';
import { LogDemuxer } from './logs/frames.js';
import { engineError } from './errors.js';

/**
 * The container's stdout and stderr as one stream, framed as in its log unless it has a TTY;
 * with `stdin`, what is written to the stream is its input. Works on a container that is only
 * created: started afterwards, nothing it writes is missed.
 */
export async function attachContainer(
  docker: Docker,
  id: string,
  opts: { stdin: boolean },
): Promise<Duplex> {
  try {
    return await new Promise<Duplex>((resolve, reject) => {
      docker.modem.dial(
        {
          path: `/containers/${encodeURIComponent(id)}/attach?`,
          method: 'POST',
          // HACK: podman gives the container's stdin whatever follows the headers on the hijacked
          // connection, request body included (HTTPAttach copies the hijacked reader; podman
          // v4.3.1 libpod/oci_conmon_common.go). dockerode's attach() sends its options as a JSON
          // body (https://github.com/apocas/dockerode/issues/742), and a hijack without one makes
          // docker-modem send `Transfer-Encoding: chunked` and its end, `0\r\n\r\n`, which a shell
          // ran as `0` and three Enters (docker-modem 5.0.7 lib/modem.js; see also
          // https://github.com/apocas/docker-modem/pull/198). An empty Buffer as the body goes as
          // `Content-Length: 0`, so the container reads only what is typed.
          file: Buffer.alloc(0),
          headers: { 'Content-Type': 'application/octet-stream' },
          // HACK: docker-modem cuts the last character of a path with a query but no options
          // (it expects a bare trailing `?`; Modem.prototype.dial in docker-modem 5.0.7
          // lib/modem.js), so the query cannot be written into the path: `…&stderr=1` became
          // `stderr=`, and podman sent no stderr.
          options: { stream: 1, stdin: opts.stdin ? 1 : 0, stdout: 1, stderr: 1 },
          isStream: true,
          // An ended request: stdin, if any, flows through the upgraded socket instead.
          hijack: true,
          statusCodes: { 101: true, 200: true, 404: 'no such container', 500: 'server error' },
        },
        (err: unknown, res: unknown) => (err ? reject(err) : resolve(res as Duplex)),
      );
    });
  } catch (err) {
    throw engineError(err, `container ${id}`);
  }
}

/**
 * A created container's output as lines, read from before it starts: object-mode chunks of
 * LogLine[], ending when the container's output does. An error means podman's framing broke:
 * its log is the one to trust then. Destroying the stream ends the attach.
 */
export async function attachOutputLines(
  docker: Docker,
  id: string,
  tty: boolean,
): Promise<Readable> {
  const raw = await attachContainer(docker, id, { stdin: false });
  const demux = new LogDemuxer({ tty });
  const lines = new Transform({
    readableObjectMode: true,
    transform(chunk: Buffer, _encoding, done) {
      const out: LogLine[] = [];
      try {
        demux.push(chunk, out);
      } catch (err) {
        done(err as Error);
        return;
      }
      done(null, out.length ? out : undefined);
    },
    flush(done) {
      const out: LogLine[] = [];
      demux.end(out);
      done(null, out.length ? out : undefined);
    },
  });
  raw.on('error', (err) => lines.destroy(err));
  raw.on('close', () => {
    if (!raw.readableEnded) lines.destroy(new Error('the attach closed before the output ended'));
  });
  lines.on('close', () => raw.destroy());
  return raw.pipe(lines);
}
