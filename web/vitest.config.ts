import { defineConfig } from 'vitest/config';

// Unit tests of the pure modules and hooks; the UI as a whole is tested by e2e/ in Chromium.
// Node by default: a test that needs a DOM says so (`// @vitest-environment happy-dom`).
export default defineConfig({
  resolve: { tsconfigPaths: true },
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    environment: 'node',
  },
});
