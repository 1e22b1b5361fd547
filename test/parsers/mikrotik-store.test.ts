import { describe, expect, it } from 'vitest';
import { Store, type EntryReader, Props } from '../../parsers/mikrotik/store.js';

/** Menu.enabledCount: packed entries are counted as they are pushed, kept Items by reading them. */

const reader: EntryReader = {
  read: () => new Props(),
  view: () => new Props(),
};

describe('RouterOS store: enabled entries', () => {
  it('counts the enabled entries of a packed menu without reading them, and the same once they are Items', () => {
    const store = new Store();
    const menu = store.menu('ip firewall filter');
    const disabled = [false, true, false, false, true, false, true];
    disabled.forEach((off, i) => {
      menu.addDeferred(10 * i, 10 * i + 5, reader, 1, off, true);
    });
    expect(store.enabledCount('ip firewall filter')).toBe(4);
    // Unpacked (a command touched the menu): the same count, from the Items.
    expect(menu.items.length).toBe(7);
    expect(store.enabledCount('ip firewall filter')).toBe(4);
    menu.items = menu.items.slice(2);
    expect(store.enabledCount('ip firewall filter')).toBe(3);
    expect(store.enabledCount('ip firewall raw')).toBe(0);
  });
});
