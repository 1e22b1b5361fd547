import { describe, expect, it } from 'vitest';
import { tokens } from '../../src/site/vocabulary.js';

/** The definition tokens() implements (one pass for ASCII text, these expressions otherwise). */
function reference(text: string): string[] {
  return text
    .replace(/([a-zäöüåæøé])([A-ZÄÖÜÅÆØÉ])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9äöüåæøéè]+/)
    .filter((t) => t !== '');
}

describe('site vocabulary tokens', () => {
  it('splits names at separators and at lower-to-upper case changes', () => {
    expect(tokens('lan_voip-Phones')).toEqual(['lan', 'voip', 'phones']);
    expect(tokens('VoiceVLAN')).toEqual(['voice', 'vlan']);
    expect(tokens('PHONEVLAN vlan202')).toEqual(['phonevlan', 'vlan202']);
    expect(tokens('TelefonVäxel')).toEqual(['telefon', 'växel']);
    expect(tokens('')).toEqual([]);
  });

  it('agrees with the regular-expression definition on generated names, ASCII and not', () => {
    const alphabet = 'aZbY09_- .:/\tvoIPéÄøÖİ\u00e8';
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
    for (let n = 0; n < 3000; n++) {
      let s = '';
      for (let k = next() % 14; k > 0; k--) s += alphabet.charAt(next() % alphabet.length);
      expect(tokens(s), JSON.stringify(s)).toEqual(reference(s));
    }
  });
});
