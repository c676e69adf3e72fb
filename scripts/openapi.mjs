#!/usr/bin/env node
// `npm run openapi`: writes the API's OpenAPI document, generated from the routes' schemas by
// the built daemon, to shared/openapi.json. The test command fails when the committed file
// and the routes disagree (server/test/openapi.test.ts).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const { openapiDocument } = await import(join(root, 'server/dist/openapi-document.js'));
const dataDir = mkdtempSync(join(tmpdir(), 'archdeck-openapi-'));
try {
  const doc = await openapiDocument(dataDir);
  writeFileSync(join(root, 'shared/openapi.json'), `${JSON.stringify(doc, null, 2)}\n`);
  console.log(`wrote shared/openapi.json (${Object.keys(doc.paths).length} paths)`);
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
