import { describe, expect, it } from 'vitest';
import type { NamedObject } from '../../src/model/inventory.js';
import { NO_ADDR } from '../../src/model/address.js';
import { OWN_TOKENS, objectWords } from '../../src/site/object-words.js';
import { infraWord, pbxWord, tokens } from '../../src/site/vocabulary.js';

const obj = (name: string, description?: string): NamedObject => ({
  kind: 'address',
  name,
  addresses: NO_ADDR,
  members: [],
  ...(description === undefined ? {} : { description }),
  loc: { file: 'f', line: 1, column: 1, endLine: 1 },
});

describe('site objectWords', () => {
  it('lists the objects each reader picked by its own words, in order', () => {
    const words = ['fw', 'Router', 'mgmt', 'PBX', 'asterisk', 'guest', 'lan', 'İx', 'Växel', '', 'self_ip', 'dmzNet'];
    const objects: NamedObject[] = [];
    let seed = 11;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
    for (let n = 0; n < 2000; n++) {
      const name = `${words[next() % words.length] ?? ''}${next() % 2 ? '_' : ''}${words[next() % words.length] ?? ''}`;
      const d = next() % 3;
      objects.push(obj(name, d === 0 ? undefined : d === 1 ? '' : (words[next() % words.length] ?? '')));
    }
    const got = objectWords(objects);
    expect(got.own).toEqual(objects.filter((o) => tokens(o.name).some((t) => OWN_TOKENS.has(t))));
    expect(got.infra).toEqual(objects.filter((o) => infraWord(`${o.name} ${o.description ?? ''}`)));
    expect(got.pbx).toEqual(objects.filter((o) => pbxWord(`${o.name} ${o.description ?? ''}`)));
    expect(got.own.length).toBeGreaterThan(0);
    expect(got.infra.length).toBeGreaterThan(0);
    expect(got.pbx.length).toBeGreaterThan(0);
    expect(objectWords(objects)).toBe(got);
  });
});
