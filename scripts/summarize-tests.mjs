// Adds up the JSON reports of vitest (server and web) and Playwright into the one closing line
// CI reads: "N passed, N failed". A report that is missing counts as a failure, never as zero
// tests; so does a skipped test.
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

/** A vitest JSON report; a skipped or todo test counts as failed: every test must run. */
function addVitest(name, label) {
  const report = read(name);
  if (!report) return;
  const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  passed += report.numPassedTests;
  failed += report.numFailedTests + skipped;
  console.log(
    `${label} ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped} skipped`,
  );
}

addVitest('server.json', 'server (vitest):  ');
addVitest('web.json', 'web (vitest):     ');

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
