// Adds up the vitest and Playwright JSON reports into the one closing line CI reads:
// "N passed, N failed". A report that is missing counts as a failure, never as zero tests.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, seconds] = process.argv.slice(2);
let passed = 0;
let failed = 0;
let missing = 0;

function read(name) {
  try {
    return JSON.parse(readFileSync(join(dir, name), 'utf8'));
  } catch {
    console.error(`summary: no report ${name}; that suite did not finish`);
    missing++;
    return null;
  }
}

const server = read('server.json');
if (server) {
  passed += server.numPassedTests;
  failed += server.numFailedTests + (server.numPendingTests ?? 0) + (server.numTodoTests ?? 0);
  console.log(
    `server (vitest):  ${server.numPassedTests} passed, ${server.numFailedTests} failed, ${server.numPendingTests} skipped`,
  );
}
const e2e = read('e2e.json');
if (e2e) {
  const s = e2e.stats;
  passed += s.expected;
  failed += s.unexpected + s.flaky + s.skipped;
  console.log(
    `e2e (playwright): ${s.expected} passed, ${s.unexpected} failed, ${s.flaky} flaky, ${s.skipped} skipped`,
  );
}
failed += missing;
console.log(`suite took ${seconds} s`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
