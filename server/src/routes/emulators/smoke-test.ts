import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { SmokeTestParams, SmokeTestResult, errorResponses } from '@archdeck/shared';

/**
 * Smoke tests: run the probe for a platform and report what failed. A failed test is a 200
 * with `passed: false`; error statuses are for tests that could not be run at all (unknown
 * architecture, no probe built, podman unreachable).
 */
const smokeTest: FastifyPluginAsyncTypebox = async (app) => {
  const { 400: e400, 409: e409, 500: e500, 502: e502, 503: e503 } = errorResponses;
  const errors = { 400: e400, 409: e409, 500: e500, 502: e502, 503: e503 };

  app.post(
    '/api/emulators/:arch/test',
    { schema: { params: SmokeTestParams, response: { 200: SmokeTestResult, ...errors } } },
    (request) => app.smokeTests.test(request.params.arch),
  );

  app.post(
    '/api/emulators/test-all',
    { schema: { response: { 200: Type.Array(SmokeTestResult), ...errors } } },
    () => app.smokeTests.testAll(),
  );
};

export default smokeTest;
