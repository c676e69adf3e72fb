// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { readdirSync } from 'node:fs';

const browserOnly = { group: ['node:*'], message: 'The web runs in the browser.' };
const noApp = {
  group: ['**/app/*', '**/app'],
  message: 'Features and shared code must not import the app layer.',
};
const features = readdirSync(new URL('./web/src/features', import.meta.url), {
  withFileTypes: true,
})
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '**/test-results/**',
      '**/playwright-report/**',
      '.cache/**',
      '.testenv/**',
      'bench-results/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // The engine is the only door to podman (STYLE.md, principle 3): nothing else imports
    // dockerode, and from engine/ only the interface (engine.ts), its types and its event hub
    // are seen; its modules stay behind it. Tests may use dockerode as a client of their own
    // (an independent actor beside the daemon, like the podman CLI), never the engine's.
    files: ['server/src/**/*.ts'],
    ignores: ['server/src/engine/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'dockerode', message: 'Talk to podman through server/src/engine only.' }],
          patterns: [
            {
              regex: '(^|/)engine/(?!(engine|types|events|labels)\\.js$)',
              message:
                'Use the Engine interface (engine/engine.ts) and its types (engine/types.ts), not the modules behind it.',
            },
          ],
        },
      ],
    },
  },
  {
    // The processes that start podman itself: the daemon's and `archdeck podman-service`.
    files: ['server/src/commands/podman-service.ts', 'server/src/plugins/engine.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['web/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['node:*'], message: 'The web runs in the browser.' }] },
      ],
    },
  },
  // Imports flow one way: lib/components -> features -> app (bulletproof-react), and a feature
  // does not import another: two features meet in the app layer, or share through lib/ or
  // components/.
  ...features.map((name) => ({
    files: [`web/src/features/${name}/**`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            browserOnly,
            noApp,
            {
              group: features
                .filter((other) => other !== name)
                .flatMap((other) => [
                  `**/features/${other}`,
                  `**/features/${other}/**`,
                  `../${other}/**`,
                  `../../${other}/**`,
                ]),
              message: `Features do not import each other: compose them in web/src/app, or move what they share to web/src/lib or web/src/components.`,
            },
          ],
        },
      ],
    },
  })),
  {
    files: ['web/src/lib/**', 'web/src/components/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            browserOnly,
            {
              group: ['**/app/*', '**/app', '**/features/*'],
              message: 'Shared code must not import features or the app.',
            },
          ],
        },
      ],
    },
  },
);
