/**
 * The OpenAPI document as the daemon generates it, without starting anything: the app is
 * built with a data dir of the caller's and no podman, asked for its document, and closed.
 * Used by `npm run openapi` (writes shared/openapi.json) and the test that compares the two.
 */
import { loadConfig } from './config.js';
import { buildServer } from './server.js';

export async function openapiDocument(
  dataDir: string,
): Promise<{ paths: Record<string, unknown> }> {
  const config = loadConfig(
    ['--data-dir', dataDir, '--log-level', 'silent', '--podman-socket', '/nonexistent/podman.sock'],
    {},
  );
  if (config === 'help') throw new Error('unreachable');
  const app = await buildServer(config);
  try {
    await app.ready();
    return app.swagger() as { paths: Record<string, unknown> };
  } finally {
    await app.close();
  }
}
