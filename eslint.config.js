// ESLint (flat config) with typescript-eslint's recommended rules, without type information so that
// a lint run stays cheap. `npm run lint` runs it; `npm test` lints before the unit tests.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-output/**', 'public/**', 'models/**', 'test/fixtures/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // Plain Node scripts (the bin entry, the kernel-worker boot file).
  { files: ['**/*.mjs'], languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } } },
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
    rules: {
      // Deliberately unused names start with "_" (e.g. a destructured field left out of a message).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
);
