import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PARSERS } from '../parsers/index.js';
import {
  AUDIENCES,
  FAIL_ON,
  OPTIONAL_AUDIENCES,
  RULE_LEVELS,
  SEVERITIES,
  VENDOR_CHOICES,
  VENDORS,
} from '../src/model/vocabulary.js';

/** The JSON schemas cannot import TypeScript: this proves their enums list the vocabulary's words. */
const json = (p: string): unknown => JSON.parse(readFileSync(p, 'utf8'));
interface Enum {
  enum: unknown[];
}
/** The parts of the config schema's `settings` this test reads. */
interface ConfigSettings {
  vendor: Enum;
  audiences: { items: Enum };
  rules: { additionalProperties: Enum };
  failOn: Enum;
}
const config = (json('schemas/fwlint.config.schema.json') as { definitions: { settings: ConfigSettings } }).definitions
  .settings;
const profile = json('catalog/profile.schema.json');

function enumsNamed(node: unknown, key: string, out: unknown[][] = []): unknown[][] {
  if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === key && v && typeof v === 'object' && Array.isArray((v as { enum?: unknown }).enum))
        out.push((v as { enum: unknown[] }).enum);
      enumsNamed(v, key, out);
    }
  }
  return out;
}

describe('one vocabulary (src/model/vocabulary.ts)', () => {
  it('the config schema lists the same vendors, audiences, levels and fail-on values', () => {
    expect(config.vendor.enum).toEqual([...VENDOR_CHOICES]);
    expect(config.audiences.items.enum).toEqual([...OPTIONAL_AUDIENCES]);
    expect([...config.rules.additionalProperties.enum].sort()).toEqual([...RULE_LEVELS].sort());
    expect(config.failOn.enum).toEqual([...FAIL_ON]);
  });
  it('the profile schema lists the same audiences and severities', () => {
    expect(enumsNamed(profile, 'audience').every((e) => JSON.stringify(e) === JSON.stringify(AUDIENCES))).toBe(true);
    expect(enumsNamed(profile, 'audience').length).toBeGreaterThan(0);
    expect(enumsNamed(profile, 'severity')).toContainEqual([...SEVERITIES]);
  });
  it('every vendor has exactly one parser', () => {
    expect(PARSERS.flatMap((p) => p.vendors).sort()).toEqual([...VENDORS].sort());
  });
});
