import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** The Batfish wall: parsers produce the model; the engine, the lint layer and the rules never see a parser. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const imports = (file: string) => [...readFileSync(file, 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]!);

describe('architecture', () => {
  it('src/engine, src/lint, src/model and rules/ import no parser', () => {
    const offenders = ['src/engine', 'src/lint', 'src/model', 'rules'].flatMap(sources).flatMap((f) =>
      imports(f)
        .filter((i) => i.includes('parsers/'))
        .map((i) => `${f} -> ${i}`),
    );
    expect(offenders).toEqual([]);
  });
  it('parsers import no rule, engine or reporter', () => {
    const offenders = sources('parsers').flatMap((f) =>
      imports(f)
        .filter((i) => /\/(rules|engine|lint|reporters|cli)\//.test(i))
        .map((i) => `${f} -> ${i}`),
    );
    expect(offenders).toEqual([]);
  });
  it('nothing below src/ imports the CLI except the CLI and the library entry (no config -> cli cycle)', () => {
    const offenders = [
      'src/config',
      'src/lint',
      'src/model',
      'src/engine',
      'src/reporters',
      'src/suppress',
      'src/profiles',
      'rules',
    ]
      .flatMap(sources)
      .flatMap((f) =>
        imports(f)
          .filter((i) => /(^|\/)cli\//.test(i))
          .map((i) => `${f} -> ${i}`),
      );
    expect(offenders).toEqual([]);
  });
});
