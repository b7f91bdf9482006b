// @ts-check
// Lint gate (`npm run lint`, CI's first phase). Formatting is prettier's job (`npm run format:check`):
// no stylistic rule here. Type-aware rules read types through typescript-eslint's project service,
// which needs the TypeScript 6 JS API: `typescript` in package.json is the @typescript/typescript6
// compatibility package; `tsc` (`npm run typecheck`) is the native TypeScript 7 compiler.
import js from '@eslint/js'
import { defineConfig } from 'eslint/config'
import simpleImportSort from 'eslint-plugin-simple-import-sort'
import globals from 'globals'
import tseslint from 'typescript-eslint'

/** Express, pino and live connections: what the shared floor and the schema/state modules must not import. */
const serverRuntime = [
  { name: 'express', message: 'Shared, schema and state modules stay free of Express: map errors to HTTP at the edge.' },
  { name: 'pino', message: 'Shared, schema and state modules stay free of pino: log at the edge.' },
  { name: 'pino-http', message: 'Shared, schema and state modules stay free of pino: log at the edge.' },
  { name: 'postgres', allowTypeImports: true, message: 'Only postgres.js types here: queries live in the owning domain.' },
]

export default defineConfig(
  {
    ignores: ['node_modules/', 'dist/', 'data/', '.data/', '.tmp/', 'test-results/', 'migrations/'],
  },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { ...globals.node },
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    plugins: { 'simple-import-sort': simpleImportSort },
    rules: {
      // Imports: types imported as types (inline `type` allowed beside values), sorted, one statement per module.
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-import-type-side-effects': 'error',
      'simple-import-sort/imports': 'error',
      'simple-import-sort/exports': 'error',
      'no-duplicate-imports': 'off',

      // Promises: every one awaited, returned, caught or visibly dropped with `void`.
      '@typescript-eslint/no-floating-promises': ['error', { ignoreVoid: true }],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],

      // No `any` written by hand. Values that arrive as `any` (JSON.parse, driver rows) are parsed with zod
      // at the edge; the no-unsafe-* family would flag every such line before the parse, so it stays off.
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',

      // Off: every hit was an async function kept async on purpose (it implements a Promise-returning
      // interface, and a throw inside it becomes a rejection the caller handles).
      '@typescript-eslint/require-await': 'off',
      // Off: since 8.7x it also reports `parse(csv) as Row[]` and asks for `parse<Row>(csv)`, the same
      // unchecked assertion written as a type argument, where it reads as if it were checked.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      // Off: its hits were all `String(v)` of external values narrowed from `unknown` to `{}` (CSV cells,
      // shapefile attributes), stringified on purpose; restrict-template-expressions still guards templates.
      '@typescript-eslint/no-base-to-string': 'off',
      // `cond ? a() : b()` as a statement is used for checkbox toggles; comma sequences are not.
      '@typescript-eslint/no-unused-expressions': ['error', { allowTernary: true }],

      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    // The page: browser globals; server code only through the shared floor.
    files: ['web/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+server/(?!shared/)',
              message: 'web/ imports server code only through server/shared/ (move or re-export the module there).',
            },
          ],
        },
      ],
    },
  },
  {
    // Tests under web/ start a real server (server/testing, server.ts, config) and read the server's
    // own enums as the source of truth, so they may reach past the shared floor.
    files: ['web/**/*.test.ts', 'web/test/**/*.ts'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // The shared floor and the domain schema/state modules that it re-exports for web/: pure modules.
    files: ['server/shared/**/*.ts', 'server/*/schema.ts', 'server/*/states.ts'],
    ignores: ['**/*.test.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { paths: serverRuntime }] },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
)
