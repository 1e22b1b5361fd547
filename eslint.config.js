// ESLint 9 flat config: typescript-eslint's strict and stylistic type-checked rules over every
// TypeScript source (type information from tsconfig.check.json). Formatting is Prettier's job.
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

// Files not yet through the strict sweep (issue 9): every rule above still runs on them, as a
// warning, so `npm run lint` shows the remaining debt without failing; everything else is an error.
// Remove a file from this list once `npx eslint <file>` is clean. Never add one.
const PENDING_STRICT_SWEEP = [
  'parsers/fortigate/defaults.ts',
  'parsers/fortigate/services.ts',
  'parsers/mikrotik/address-lists.ts',
  'parsers/mikrotik/commands.ts',
  'parsers/mikrotik/defaults.ts',
  'parsers/mikrotik/filter.ts',
  'parsers/mikrotik/index.ts',
  'parsers/mikrotik/interfaces.ts',
  'parsers/mikrotik/lexer.ts',
  'parsers/mikrotik/matchers.ts',
  'parsers/mikrotik/nat.ts',
  'parsers/mikrotik/other.ts',
  'parsers/mikrotik/sessions.ts',
  'parsers/mikrotik/text.ts',
  'parsers/nftables/chains.ts',
  'parsers/nftables/context.ts',
  'parsers/nftables/defaults.ts',
  'parsers/nftables/expand.ts',
  'parsers/nftables/index.ts',
  'parsers/nftables/interfaces.ts',
  'parsers/nftables/inventory.ts',
  'parsers/nftables/ir.ts',
  'parsers/nftables/json-reader.ts',
  'parsers/nftables/json-scanner.ts',
  'parsers/nftables/lexer.ts',
  'parsers/nftables/match.ts',
  'parsers/nftables/nat.ts',
  'parsers/nftables/print.ts',
  'parsers/nftables/priorities.ts',
  'parsers/nftables/rules.ts',
  'parsers/nftables/sessions.ts',
  'parsers/nftables/text-parser.ts',
  'parsers/nftables/text-rules.ts',
  'parsers/pfsense/defaults.ts',
  'parsers/pfsense/port-forwards.ts',
  'parsers/pfsense/rules.ts',
  'src/model/address.ts',
  'src/model/interval-set.ts',
  'src/reporters/html.ts',
  'test/docs.test.ts',
  'test/parsers/nftables.test.ts',
  'test/rules/mikrotik.test.ts',
  'test/rules/nftables.test.ts',
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
