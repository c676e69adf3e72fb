/**
 * Attaching to a container's stdio: the terminal's attach mode, and the output of a container
 * we launch, read from before it starts (see containers/launch-output.ts).
 */
import type Docker from 'dockerode';
import type { Duplex } from 'node:stream';
import { engineError } from './images.js';

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
          // HACK: dockerode's attach() sends its options as a JSON request body as well as the
          // query, and podman hands that body to the container's stdin, so a shell would read
          // `{"stream":true,…}` as typed input: only the query is sent here (`_body` is empty,
          // which docker-modem then leaves out). HACK: docker-modem cuts the last character of
          // a path with a query but no options (it expects a bare trailing `?`; Modem.prototype.
          // dial in docker-modem 5.0.7 lib/modem.js), so the query cannot be written into the
          // path: `…&stderr=1` became `stderr=`, and podman sent no stderr.
          options: {
            _query: { stream: 1, stdin: opts.stdin ? 1 : 0, stdout: 1, stderr: 1 },
            _body: {},
          },
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
