/**
 * Where the daemon keeps its token and state unless --data-dir says otherwise. Its own module,
 * importing nothing but node:, because the CLI needs it too and must start without loading the
 * daemon's configuration (config.ts validates presets with TypeBox: 0.5 s of imports, bench B9).
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultDataDir(env: NodeJS.ProcessEnv, uid: number): string {
  if (uid === 0) return '/var/lib/archdeck';
  const home = env.HOME || homedir();
  return join(env.XDG_STATE_HOME || join(home, '.local', 'state'), 'archdeck');
}
