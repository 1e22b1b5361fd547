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

describe('RouterOS store: packed entries', () => {
  it('keeps argsFrom and the argument offset of each entry, and an argsFrom too large to pack in an Item', () => {
    const seen: [number, number, boolean, number][] = [];
    const spy: EntryReader = {
      read: () => new Props(),
      view: (start, argsFrom, unbroken, argsAt) => {
        seen.push([start, argsFrom, unbroken, argsAt]);
        return new Props();
      },
    };
    const store = new Store();
    const menu = store.menu('ip firewall filter');
    menu.addDeferred(0, 40, spy, 4, false, true, 24);
    menu.addDeferred(41, 60, spy, 1, true, false);
    menu.addDeferred(61, 90, spy, 31, false, true, 70);
    expect(menu.viewAt(0)?.start).toBe(0);
    menu.viewAt(1);
    menu.viewAt(2);
    expect(seen).toEqual([
      [0, 4, true, 24],
      [41, 1, false, -1],
      [61, 31, true, 70],
    ]);
    expect(store.enabledCount('ip firewall filter')).toBe(2);
    // 32 path words: the menu's entries become Items (Item.deferred keeps any argsFrom).
    menu.addDeferred(91, 200, spy, 32, false, true, 150);
    expect(menu.keptItems.length).toBe(4);
    expect(menu.items.map((it) => [it.start, it.isDeferred, it.disabled])).toEqual([
      [0, true, false],
      [41, true, true],
      [61, true, false],
      [91, true, false],
    ]);
  });
});
