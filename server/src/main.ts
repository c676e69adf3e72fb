/**
 * The `archdeck` command. `archdeck [serve] [options]` runs the daemon (the default);
 * `archdeck podman-service [options]` runs only the podman API service the daemon would
 * manage, in the foreground (the test environment starts podman this way, so tests run the
 * configuration users get).
 */
import { podmanService } from './commands/podman-service.js';
import { serve } from './commands/serve.js';

const [command, ...rest] = process.argv.slice(2);
if (command === 'podman-service') await podmanService(rest);
else await serve(command === 'serve' ? rest : process.argv.slice(2));
