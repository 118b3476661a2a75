// ESLint flat config for kommunebrev. The root eslint.config.js re-exports
// this file, so that the imports below resolve from this workspace, where
// typescript-eslint finds the TypeScript 6 parser it needs (see README,
// "Lint and format").
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// I/O modules that src/core must not import: core is the pure part of the
// pipeline (read → validate → assess → compose → render → write/send), so
// every file, process, socket and thread lives in src/adapters.
const IO_MODULES = [
  'fs',
  'fs/promises',
  'child_process',
  'http',
  'https',
  'http2',
  'net',
  'tls',
  'dgram',
  'worker_threads',
  'cluster',
];
const noIoMessage = 'src/core is pure: do I/O in src/adapters and pass the data in (README, Architecture).';

export default tseslint.config(
  {
    ignores: ['dist/**', 'out/**', 'node_modules/**', 'tools/lint/node_modules/**', 'test-artifacts/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: {
        // Node 20 globals used by the CLI, scripts and tests.
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        structuredClone: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        performance: 'readonly',
        globalThis: 'readonly',
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Unused names are errors, except the deliberate `_name` placeholder.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      // Type-only imports stay type-only, so core's layering is visible at a glance.
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'separate-type-imports' }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      // Control characters are part of the domain here (hostile input is
      // refused by name, XMP metadata must not hold them): every regex that
      // matches them does so on purpose.
      'no-control-regex': 'off',
      // A `let` read by a closure before its one assignment (e.g. a child
      // process a signal handler kills) cannot be a const.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      'no-var': 'error',
    },
  },
  {
    // Files stay small enough to read in one sitting (developers' guide: under ~400 lines).
    files: ['src/**/*.ts'],
    rules: { 'max-lines': ['error', { max: 400, skipBlankLines: true, skipComments: true }] },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: IO_MODULES.flatMap((name) =>
            [name, `node:${name}`].map((id) =>
              // net's address predicates are pure (RFC 791/4291 syntax checks).
              name === 'net'
                ? { name: id, allowImportNames: ['isIP', 'isIPv4', 'isIPv6'], message: noIoMessage }
                : { name: id, message: noIoMessage },
            ),
          ),
          patterns: [
            {
              group: ['**/adapters', '**/adapters/**', '**/commands', '**/commands/**', '**/cli', '**/cli.js'],
              message: 'src/core must not depend on adapters, commands or the CLI: they depend on core.',
            },
          ],
        },
      ],
      // The same boundary for dynamic import(), which no-restricted-imports does not see.
      'no-restricted-syntax': [
        'error',
        {
          // esquery ends a regex at the first "/", so "fs/promises" is matched as "fs.promises".
          selector: `ImportExpression > Literal[value=/^(node:)?(${IO_MODULES.join('|').replaceAll('/', '.')})$/]`,
          message: noIoMessage,
        },
        {
          selector: 'ImportExpression > Literal[value=/(^|.)(adapters|commands)(.|$)/]',
          message: 'src/core must not depend on adapters, commands or the CLI: they depend on core.',
        },
      ],
      // Core is pure: no console output and no process state (the command
      // layer's Io does the talking, settings come in as arguments).
      'no-console': 'error',
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'src/core is pure: pass environment and output in from src/commands.' },
      ],
    },
  },
  {
    // Tests build deliberately malformed input by patching raw JSON.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // The preview page's script (templates/preview/preview.js): a classic
    // browser script in ES5 style, inserted inline and hashed into the CSP.
    files: ['templates/**/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: { window: 'readonly', document: 'readonly', Intl: 'readonly' },
    },
    rules: { 'no-var': 'off' },
  },
  {
    // Plain JavaScript helpers (bin, scripts) are not type-checked by tsc.
    files: ['**/*.js', '**/*.mjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
