// Lint with boundary rules: engine/ is plain Node (no electron, React or DOM); media/ and providers/ never
// reach up into calls/; electron/ enters the engine only through engine/src/index.ts and the contract
// (engine/src/api/); renderer/ imports no Node built-ins and only *types* from engine/src/api/.
// test/foundation/layer-walls-reject-a-violating-import.test.ts proves each wall fails a violating file.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

/** What all of engine/ may never import; walls inside the engine add to it. */
const engineImports = {
  paths: [
    { name: 'electron', message: 'engine/ is plain Node: it must never import electron.' },
    { name: 'react', message: 'engine/ must never import React.' },
    { name: 'react-dom', message: 'engine/ must never import React.' },
  ],
  patterns: [
    { group: ['electron/*', 'react/*', 'react-dom/*', '**/renderer/**', '**/electron/**'], message: 'engine/ must not depend on electron/ or renderer/.' },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', 'data/**', 'test-results/**', 'bench/results/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    files: ['engine/**/*.{ts,mjs,js}', 'bench/**/*.ts', 'electron/**/*.{ts,mjs}', 'test/**/*.ts', '*.js', '*.ts'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['engine/**/*.{ts,mjs,js}'],
    rules: {
      'no-restricted-imports': ['error', engineImports],
      'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'localStorage', 'HTMLElement'],
    },
  },
  {
    // The media layer and the providers serve calls; they never reach up into them (not even for a type).
    files: ['engine/src/media/**/*.ts', 'engine/src/providers/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: engineImports.paths,
          patterns: [
            ...engineImports.patterns,
            { group: ['**/calls', '**/calls/**'], message: 'media/ and providers/ never import calls/: move the shared type down (e.g. into media/ or providers/provider.ts).' },
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
              // gitignore semantics, level by level: engine/src/index.ts and engine/src/api/ stay open.
              group: ['**/engine/*', '!**/engine/src', '**/engine/src/*', '!**/engine/src/index.js', '!**/engine/src/api'],
              message: 'electron/ enters the engine only through engine/src/index.ts and the contract (engine/src/api/).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'renderer/ runs in a browser sandbox: no Node built-ins.' })),
          patterns: [
            {
              // gitignore semantics: a child of an excluded folder cannot be re-included, so exclude level by level.
              group: ['**/engine/*', '!**/engine/src', '**/engine/src/*', '!**/engine/src/api'],
              message: 'renderer/ may import only the control-API contract (engine/src/api/).',
            },
            {
              group: ['**/engine/src/api', '**/engine/src/api/**'],
              allowTypeImports: true,
              message: 'renderer/ imports only *types* from the contract: use `import type`.',
            },
            { group: ['electron', 'electron/*'], message: 'renderer/ talks to the main process only through the preload API.' },
          ],
        },
      ],
    },
  },
  {
    files: ['test/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
  },
);
