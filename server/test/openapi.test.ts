/**
 * The published contract: the committed shared/openapi.json is what the routes generate, and
 * the daemon serves it (and its viewer) to a credential only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openapiDocument } from '../src/openapi-document.js';
import { buildTestApp, HOST, type TestApp } from './helper.js';

const COMMITTED = new URL('../../shared/openapi.json', import.meta.url);

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ podmanSocket: '/nonexistent/podman.sock' });
});
afterAll(() => t.app.close());

describe('OpenAPI', () => {
  it('the committed document is what the routes generate (else: npm run openapi, and commit it)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'archdeck-openapi-'));
    try {
      const generated = await openapiDocument(dir);
      const committed = JSON.parse(await readFile(COMMITTED, 'utf8')) as unknown;
      expect(generated).toEqual(committed);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('describes every API route with its responses', async () => {
    const doc = (await t.api({ url: '/api/openapi.json' })).json() as {
      openapi: string;
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/containers', '/api/containers/{id}/logs', '/api/pulls']),
    );
    for (const [path, methods] of Object.entries(doc.paths)) {
      expect(path.startsWith('/api/'), path).toBe(true);
      for (const [method, op] of Object.entries(methods)) {
        expect(Object.keys(op.responses).length, `${method} ${path}`).toBeGreaterThan(0);
      }
    }
  });

  it('serves the document and its viewer to a credential only', async () => {
    for (const url of ['/api/openapi.json', '/api/docs', '/api/docs/']) {
      const anonymous = await t.app.inject({ url, headers: { host: HOST } });
      expect(anonymous.statusCode, url).toBe(401);
    }
    const viewer = await t.api({ url: '/api/docs/' });
    expect(viewer.statusCode).toBe(200);
    expect(viewer.headers['content-type']).toMatch(/text\/html/);
    // The viewer's files come from the daemon itself, never from a CDN.
    expect(viewer.body).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/);
  });
});
