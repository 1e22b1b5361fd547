import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { detectVendor } from '../../parsers/index.js';
import { UsageError } from '../model/errors.js';
import { listProfiles } from '../profiles/load.js';
import { expandInputs } from './inputs.js';

/**
 * Writes a starting fwlint.config.json: one override per folder that holds configurations, so a
 * repository of many sites can give each its provider and phone networks. JSON has no comments, so
 * the explanations go in "$comment" keys, which the schema allows.
 */
export function writeStarterConfig(cwd: string, force: boolean): { path: string; files: number } {
  const path = join(cwd, 'fwlint.config.json');
  if (existsSync(path) && !force) throw new UsageError(`${path} exists; use --force to overwrite it`);
  const { files } = expandInputs(['.'], cwd);
  const byFolder = new Map<string, string[]>();
  for (const f of files) {
    const rel = relative(cwd, f).split(sep).join('/');
    const folder = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '.';
    const vendor = detectVendor(readFileSync(f, 'utf8').slice(0, 8192)) ?? 'unknown';
    const list = byFolder.get(folder) ?? [];
    list.push(`${rel.slice(folder === '.' ? 0 : folder.length + 1)} (${vendor})`);
    byFolder.set(folder, list);
  }
  const profiles = listProfiles().map((p) => p.id);
  // The schema reference only where an editor can follow it: users of the bundle, the pre-commit hook
  // or the Action have no node_modules/fwlint.
  const schema = './node_modules/fwlint/schemas/fwlint.config.schema.json';
  const doc = {
    ...(existsSync(join(cwd, schema)) ? { $schema: schema } : {}),
    $comment:
      `fwlint configuration. profiles: one or more of ${profiles.join(', ')} or a path to your own profile JSON. ` +
      'phones: CIDR, interface, CIDR@interface, or the name of an alias, address list or address group in the ' +
      'configuration. CLI flags win over this file.',
    profiles: [profiles.includes('ipnordic') ? 'ipnordic' : profiles[0]],
    // Empty: fwlint looks for the phones itself and says where it found them (the message after init
    // asks the user to fill it in, so it is there to fill).
    phones: [],
    failOn: 'error',
    rules: {},
    overrides: overridesFor(byFolder),
    ignore: [],
  };
  writeFileSync(path, JSON.stringify(doc, null, 2) + '\n');
  return { path: relative(cwd, path) || path, files: files.length };
}

/**
 * One override per folder holding configurations (the top folder has the top level). Their globs do
 * not overlap, so no site's settings reach another's files whatever the user fills in: a folder with
 * another such folder below it takes only the files directly in it (`a/*`), the others everything
 * below them (`a/b/**`). Parents come before their subfolders, as a user adding `a/**` would expect
 * (later overrides win).
 */
function overridesFor(byFolder: ReadonlyMap<string, string[]>): object[] {
  const folders = [...byFolder.keys()].filter((f) => f !== '.').sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return folders.map((folder) => {
    const below = folders.filter((f) => f.startsWith(`${folder}/`));
    const list = byFolder.get(folder) ?? [];
    const scope = below.length
      ? ` This override covers only the files directly in ${folder}/: the folders below it have their own.`
      : '';
    return {
      $comment: `found: ${list.join(', ')}. Set this site's provider and phone networks here.${scope}`,
      files: [below.length ? `${folder}/*` : `${folder}/**`],
      phones: [],
    };
  });
}
