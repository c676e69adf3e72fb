/**
 * The `archdeck` command. `archdeck [serve] [options]` runs the daemon (the default);
 * `archdeck podman-service [options]` runs only the podman API service the daemon would
 * manage, in the foreground (the test environment starts podman this way, so tests run the
 * configuration users get); any other command is the client (cli/main.ts), which talks to a
 * running daemon. Each is imported only when asked for: the client starts in milliseconds.
 */
const [command, ...rest] = process.argv.slice(2);

if (command === 'podman-service') {
  await (await import('./commands/podman-service.js')).podmanService(rest);
} else if (command === undefined || command === 'serve' || command.startsWith('-')) {
  await (
    await import('./commands/serve.js')
  ).serve(command === 'serve' ? rest : process.argv.slice(2));
} else {
  const { runCli } = await import('./cli/main.js');
  const { CliError } = await import('./cli/client.js');
  try {
    process.exitCode = await runCli(command, rest);
  } catch (err) {
    if (!(err instanceof CliError)) throw err;
    process.stderr.write(`archdeck: ${err.message}\n`);
    process.exitCode = err.code;
  }
}
