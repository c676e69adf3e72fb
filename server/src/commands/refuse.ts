/** A reason not to start that the user can act on: one line, exit 2, no stack. */
export function refuse(message: string): never {
  process.stderr.write(`archdeck: ${message}\n`);
  process.exit(2);
}
