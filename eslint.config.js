// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

/**
 * Dependency direction: contracts ← platform ← services ← main.ts.
 * Each message names the fix, so a failing lint run tells the reader what to do instead.
 */
const nodeBuiltins = [
  'fs',
  'path',
  'os',
  'crypto',
  'http',
  'https',
  'net',
  'child_process',
  'stream',
  'url',
  'util',
];

export default tseslint.config(
  {
    ignores: ['**/node_modules/**', '**/dist/**', '.vaporform/**', 'coverage/**', 'templates/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'smart'],
      // `l` selects V8's linear-time engine (services/files/linearRegExp.ts).
      'no-invalid-regexp': ['error', { allowConstructorFlags: ['l'] }],
      // Fastify handlers and hooks are async by contract even when they do not await.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['**/*.test.ts', '**/*.test.tsx', 'tests/**', 'bench/**'],
    rules: {
      // `expect.stringMatching()` and friends are typed `any`; describe.each hands methods around.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['packages/contracts/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({
            name,
            message: 'contracts are shared with the browser: keep Node APIs in apps/server/src/platform.',
          })),
          patterns: [
            {
              regex: '^node:',
              message: 'contracts are shared with the browser: keep Node APIs in apps/server/src/platform.',
            },
            {
              regex: '^\\.\\./\\.\\./',
              message:
                'contracts depend on nothing in the repo: move the shared type into packages/contracts.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['apps/server/src/platform/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)services/',
              message:
                'platform must not depend on a service: define an interface in platform and have main.ts pass the service in.',
            },
            {
              regex: '(^|/)main(\\.js)?$',
              message:
                'platform must not import the composition root: take the dependency as a constructor argument.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['apps/server/src/services/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./(?!\\.\\.)[^/]+/(?!index\\.js$).+',
              message:
                "use another service only through its index.ts: import from '../<service>/index.js' and export what you need there.",
            },
            {
              regex: '(^|/)main(\\.js)?$',
              message:
                'services must not import the composition root: take the dependency as a constructor argument.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['apps/web/src/**/*.{ts,tsx}'],
    ...reactHooks.configs.flat.recommended,
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // Web layering: platform ← ui ← features ← App. A feature uses another only through its index.ts.
    files: ['apps/web/src/platform/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)(features|ui)/',
              message: 'platform is below ui and features: pass what you need in as an argument.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['apps/web/src/ui/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '(^|/)features/', message: 'ui components know no feature: take props instead.' },
            {
              regex: 'monaco-editor|@xterm',
              message: 'keep Monaco and xterm inside their features (lazy chunks).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['apps/web/src/features/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./(?!\\.\\.)[^/]+/(?!index$).+',
              message: "use another feature only through its index.ts: import from '../<feature>'.",
            },
          ],
        },
      ],
    },
  },
);
