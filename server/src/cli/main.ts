/**
 * `archdeck <command>`: the command-line client. It reads the daemon's token from its data dir
 * and speaks only HTTP to it (the daemon stays the single authority). Human tables by default,
 * `--json` for scripts (exactly what the API answered), a progress bar for a pull on a
 * terminal, and exit codes that mean something (see commands.ts).
 */
import { parseArgs } from 'node:util';
import { defaultDataDir } from '../data-dir.js';
import { CliError, DaemonClient } from './client.js';
import { COMMANDS } from './commands.js';

const GLOBAL = {
  url: { type: 'string' },
  'data-dir': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const CLI_USAGE = `Usage: archdeck <command> [--url URL] [--data-dir DIR] [--json]

${Object.values(COMMANDS)
  .map((c) => `  archdeck ${c.usage}`)
  .join('\n')}

  --url URL       the daemon (env ARCHDECK_URL, default http://127.0.0.1:$ARCHDECK_PORT or 8420)
  --data-dir DIR  where the daemon keeps its token (env ARCHDECK_DATA_DIR, default as the daemon's)
  --json          print what the API answered, as JSON
`;

/** Runs one client command; resolves with the process's exit code. */
export async function runCli(
  name: string,
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const command = COMMANDS[name];
  if (!command) {
    throw new CliError(
      `unknown command "${name}": archdeck [serve] runs the daemon; the client's commands are ${Object.keys(COMMANDS).join(', ')}`,
      2,
    );
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...GLOBAL, ...command.flags },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    throw new CliError(`${(err as Error).message} (usage: archdeck ${command.usage})`, 2);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`Usage: archdeck ${command.usage}\n`);
    return 0;
  }
  const url =
    (values.url as string | undefined) ??
    env.ARCHDECK_URL ??
    `http://127.0.0.1:${env.ARCHDECK_PORT ?? '8420'}`;
  const client = new DaemonClient({
    url,
    dataDir:
      (values['data-dir'] as string | undefined) ??
      env.ARCHDECK_DATA_DIR ??
      defaultDataDir(env, process.getuid?.() ?? 1000),
  });
  return command.run({
    client,
    args: positionals,
    flags: values,
    json: values.json === true,
    out: (text) => process.stdout.write(text),
  });
}
