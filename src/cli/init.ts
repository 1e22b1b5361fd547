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
    overrides: [...byFolder.entries()]
      .filter(([folder]) => folder !== '.')
      .map(([folder, list]) => ({
        $comment: `found: ${list.join(', ')}. Set this site's provider and phone networks here.`,
        files: [`${folder}/**`],
        phones: [],
      })),
    ignore: [],
  };
  writeFileSync(path, JSON.stringify(doc, null, 2) + '\n');
  return { path: relative(cwd, path) || path, files: files.length };
}
