import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The layering, enforced: cli -> commands -> app -> core <- adapters. Adapters are built only in the
// composition root (src/cli/root.ts) and reach commands and use cases as ports. Tests stand outside it.
const ROOT = 'src/cli/root.ts';
const TESTS = ['**/*.test.ts', '**/*.test-helper.ts'];

function layer(files, forbidden, ignores = []) {
  const message = `Layering: cli -> commands -> app -> core <- adapters; from ${files[0]} import only inward (adapters come from ${ROOT} as ports).`;
  const group = forbidden.flatMap((dir) => [`**/${dir}/**`, `./${dir}/**`]);
  const dynamic = forbidden.map((dir) => `ImportExpression[source.value=/(^|\\/)${dir}\\//]`).join(', ');
  return {
    files,
    ignores: [...TESTS, ...ignores],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group, message }] }],
      ...(dynamic ? { 'no-restricted-syntax': ['error', { selector: dynamic, message }] } : {}),
    },
  };
}

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', '.test-work/**', 'node_modules/**', 'examples/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        URL: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  layer(['src/core/**'], ['app', 'commands', 'cli', 'adapters']),
  layer(['src/adapters/**'], ['app', 'commands', 'cli']),
  layer(['src/app/**'], ['commands', 'cli', 'adapters']),
  layer(['src/commands/**'], ['adapters']),
  layer(['src/cli/**'], ['adapters'], [ROOT]),
);
