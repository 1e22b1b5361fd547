// ESLint 9 flat config: typescript-eslint's strict and stylistic type-checked rules over every
// TypeScript source (type information from tsconfig.check.json). Formatting is Prettier's job.
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

// Files not yet through the strict sweep (issue 9): every rule above still runs on them, as a
// warning, so `npm run lint` shows the remaining debt without failing; everything else is an error.
// Remove a file from this list once `npx eslint <file>` is clean. Never add one.
const PENDING_STRICT_SWEEP = [
  'src/engine/chain-index.ts',
  'src/engine/evaluate.ts',
  'src/engine/limits.ts',
  'src/engine/piece.ts',
  'test/engine/chain-index.test.ts',
  'tools/kernel/agent.ts',
  'tools/kernel/causes.ts',
  'tools/kernel/fwlint-side.ts',
  'tools/kernel/generate.ts',
  'tools/kernel/kernel.ts',
  'tools/kernel/plan.ts',
  'tools/kernel/sh.ts',
  'tools/kernel/suite.ts',
];

const strictRules = Object.assign(
  {},
  eslint.configs.recommended.rules,
  ...[...tseslint.configs.strictTypeChecked, ...tseslint.configs.stylisticTypeChecked].map((c) => c.rules ?? {}),
  { 'max-len': ['error', { code: 140, ignoreUrls: true }] },
);
const asWarnings = Object.fromEntries(
  Object.entries(strictRules).map(([rule, v]) => {
    const level = Array.isArray(v) ? v[0] : v;
    if (level === 'off' || level === 0) return [rule, v];
    return [rule, Array.isArray(v) ? ['warn', ...v.slice(1)] : 'warn'];
  }),
);

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'fixtures/**', 'coverage/**', 'bundle/**', '.bundle-check/**'] },
  eslint.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  ...tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      parserOptions: { project: './tsconfig.check.json', tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Numbers read naturally in messages ("60 s"); objects and undefined must not slip in.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // `_`-prefixed parameters document a slot a signature needs.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'max-len': ['error', { code: 140, ignoreUrls: true, ignoreStrings: false, ignoreTemplateLiterals: false }],
    },
  },
  {
    // Tests state what they expect: `!` on a value the test just asserted is allowed there only.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  { files: PENDING_STRICT_SWEEP, rules: asWarnings },
);
