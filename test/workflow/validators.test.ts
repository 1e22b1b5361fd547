/**
 * The schema validators compiled ahead (scripts/gen-validators.mjs): the committed files are what the
 * generator writes from the current schemas, and they judge profiles and config files as Ajv
 * compiling the same schema at run time does.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { validate as validateConfig } from '../../src/config/config-validator.generated.js';
import { validate as validateProfile } from '../../src/profiles/profile-validator.generated.js';

interface Generator {
  VALIDATORS: { schema: string; out: string; options: Record<string, unknown> }[];
  generate: (v: { schema: string; out: string; options: Record<string, unknown> }) => string;
}

const ROOT = resolve('.');
const json = (path: string): unknown => JSON.parse(readFileSync(resolve(ROOT, path), 'utf8'));

describe('generated schema validators', () => {
  it('are up to date with the schemas (npm run gen:validators)', async () => {
    const gen = (await import(resolve(ROOT, 'scripts/gen-validators.mjs'))) as Generator;
    expect(gen.VALIDATORS.length).toBe(2);
    for (const v of gen.VALIDATORS) {
      const committed = readFileSync(resolve(ROOT, v.out), 'utf8');
      expect(gen.generate(v) === committed, `${v.out} is stale: run npm run gen:validators`).toBe(true);
    }
  });

  const profile = json('catalog/ipnordic.json') as Record<string, unknown>;
  const badProfiles: [string, unknown][] = [
    ['not an object', []],
    ['missing members', { id: 'x' }],
    ['unknown member', { ...profile, extra: 1 }],
    ['bad slug', { ...profile, id: 'Not A Slug' }],
    ['empty name (minLength counts code points)', { ...profile, name: '' }],
    ['duplicate audiences (uniqueItems)', { ...profile, audiences: ['phones', 'phones'] }],
    [
      'min on a setting that takes none (if/then/else)',
      {
        ...profile,
        settings: [{ id: 'alg', kind: 'sip-alg-off', min: 1, severity: 'error', source: { section: 's', quote: 'q' } }],
      },
    ],
  ];

  it('judge profiles as Ajv does, with the same errors', () => {
    const ajv = new Ajv({ allErrors: true, verbose: true }).compile(json('catalog/profile.schema.json') as object);
    for (const [what, doc] of [['ipnordic', profile] as [string, unknown], ...badProfiles]) {
      const expected = ajv(doc);
      expect(validateProfile(doc), what).toBe(expected);
      const strip = (errors: unknown) => JSON.parse(JSON.stringify(errors ?? null)) as unknown;
      expect(strip(validateProfile.errors), what).toEqual(strip(ajv.errors));
    }
    expect(badProfiles.every(([, doc]) => !validateProfile(doc))).toBe(true);
  });

  it('judge config files as Ajv does', () => {
    const ajv = new Ajv({ allErrors: true, strict: false }).compile(
      json('schemas/fwlint.config.schema.json') as object,
    );
    const docs: unknown[] = [{}, { profiles: ['ipnordic'] }, { profiles: 'ipnordic' }, { nonsense: true }, []];
    for (const doc of docs) {
      expect(validateConfig(doc), JSON.stringify(doc)).toBe(ajv(doc));
      expect(JSON.stringify(validateConfig.errors ?? null)).toBe(JSON.stringify(ajv.errors ?? null));
    }
  });
});
