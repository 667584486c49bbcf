// Lint rules: strict typed linting, boundaries between shared/, the server, the renderer and Electron.
import js from '@eslint/js';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      '.tsbuild/',
      'dist/',
      'renderer/dist/',
      'electron/dist/',
      'coverage/',
      'test-results/',
      'playwright-report/',
      'release/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/ban-ts-comment': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unnecessary-condition': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' },
        { selector: "CallExpression[callee.property.name='only']", message: 'No .only in committed tests.' },
      ],
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                'node:*',
                'electron',
                'react',
                'react-dom',
                'rxdb',
                'rxdb/*',
                'dexie',
                'fastify',
                'kysely',
                'pg',
                'better-sqlite3',
              ],
              message: 'shared/ is pure: no I/O, no platform.',
            },
            {
              group: [
                '../sync-server/*',
                '../renderer/*',
                '../electron/*',
                '**/sync-server/**',
                '**/renderer/**',
                '**/electron/**',
              ],
              message: 'shared/ imports nothing of the apps.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['sync-server/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/renderer/**', '**/electron/**', 'react', 'rxdb', 'rxdb/*'],
              message: 'The server never imports client code.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}', 'tests/component/**/*.{ts,tsx}'],
    ignores: ['renderer/vite.config.ts', 'renderer/offline-plugin.ts'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    ignores: ['renderer/vite.config.ts', 'renderer/offline-plugin.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'electron', '**/sync-server/**', '**/electron/**'],
              message: 'The renderer reaches the platform only through renderer/platform (the bridge).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/features/**/*.tsx', 'renderer/ui/**/*.tsx', 'renderer/app/**/*.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['rxdb', 'rxdb/*', '**/db/database.ts', '**/db/local-store.ts'],
              message: 'Components read and write through feature hooks, never RxDB collections directly.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/**/*.{ts,mjs}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/sync-server/**', '**/renderer/**', 'react', 'react-dom', 'rxdb', 'rxdb/*'],
              message:
                'The Electron shell imports only shared/ (and ships none of the server or renderer code).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/preload/**/*.ts'],
    ignores: ['electron/preload/**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['#shared/*', '**/shared/**', 'zod'],
              allowTypeImports: true,
              message: 'The sandboxed preload loads only electron; take types from the contract, not code.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.config.{js,ts}', 'eslint.config.js'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);
