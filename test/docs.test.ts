/** Code comments and finding messages cite docs/semantics.md sections that exist, never a file users do not have. */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((f) => {
    const rel = join(dir, f);
    if (statSync(join(ROOT, rel)).isDirectory()) return sources(rel);
    return /\.(ts|md|json)$/.test(f) ? [rel] : [];
  });
}

const FILES = ['src', 'parsers', 'rules', 'catalog', 'docs'].flatMap(sources).concat(['README.md']);
const doc = readFileSync(join(ROOT, 'docs/semantics.md'), 'utf8');
const anchors = new Set([...doc.matchAll(/<a id="([a-z0-9-]+)"><\/a>/g)].map((m) => m[1]));
for (const h of doc.matchAll(/^#{2,3} (.+)$/gm))
  anchors.add(
    (h[1] ?? '')
      .toLowerCase()
      .replace(/[^a-z0-9 -]/g, '')
      .replace(/ /g, '-'),
  );

describe('citations', () => {
  it('every docs/semantics.md#anchor cited exists', () => {
    const missing: string[] = [];
    for (const f of FILES) {
      const text = readFileSync(join(ROOT, f), 'utf8');
      for (const m of text.matchAll(/semantics\.md#([a-z0-9-]+)/g))
        if (!anchors.has(m[1] ?? '')) missing.push(`${f}: #${m[1]}`);
    }
    expect(missing).toEqual([]);
  });

  it('nothing cites the research notes users never see', () => {
    const cites = FILES.filter((f) => readFileSync(join(ROOT, f), 'utf8').includes('vendor-semantics'));
    expect(cites).toEqual([]);
  });
});
