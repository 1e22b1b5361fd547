// Builds the CLI into one self-contained ES module, bundle/fwlint.mjs, with esbuild: the pre-commit
// hook and the GitHub Action run it with the machine's Node and nothing installed (no tsc, no npm).
// The file is committed; `npm run bundle:check` (and a test) fail when it is stale.
// Usage: node scripts/bundle.mjs [--out FILE]
import { build } from 'esbuild';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outIdx = process.argv.indexOf('--out');
const outfile = outIdx > 0 ? resolve(process.argv[outIdx + 1]) : join(root, 'bundle/fwlint.mjs');
mkdirSync(dirname(outfile), { recursive: true });

const result = await build({
  absWorkingDir: root,
  entryPoints: ['src/cli/main.ts'],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  metafile: true,
  legalComments: 'none',
  minify: true,
  logLevel: 'warning',
  // ES module builds first: jsonc-parser's `main` is a UMD build whose require('./impl/…') calls
  // esbuild cannot follow, so they would fail at run time.
  mainFields: ['module', 'main'],
  // CommonJS dependencies call require(); an ES module has none of its own.
  banner: {
    js: "import { createRequire as __fwlintRequire } from 'node:module';\nconst require = __fwlintRequire(import.meta.url);",
  },
});

// Third-party code inside the bundle keeps its licence notices beside it.
const packages = new Map();
for (const input of Object.keys(result.metafile.inputs)) {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (m && !packages.has(m[1])) packages.set(m[1], join(root, 'node_modules', m[1]));
}
const notices = [...packages.entries()]
  .sort(([a], [b]) => a.localeCompare(b))
  .map(([name, dir]) => {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const file = ['LICENSE', 'LICENSE.md', 'license', 'LICENSE.txt']
      .map((f) => join(dir, f))
      .find((f) => {
        try {
          readFileSync(f);
          return true;
        } catch {
          return false;
        }
      });
    const text = file ? readFileSync(file, 'utf8').trim() : `License: ${pkg.license}`;
    return `${name}@${pkg.version} (${pkg.license})\n\n${text}\n`;
  });
writeFileSync(
  join(dirname(outfile), 'THIRD-PARTY-NOTICES.txt'),
  `bundle/fwlint.mjs contains the following packages.\n\n${notices.join('\n' + '-'.repeat(72) + '\n\n')}`,
);
