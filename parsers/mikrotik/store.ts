import type { Span } from './context.js';

/** One `key=value` as written: the value unquoted, a leading `!` split off as negation; it is its own span. */
export class Prop implements Span {
  readonly value: string;
  /** Unquoted leading `!` (docs/semantics.md#ros-syntax: `in-interface-list=!LAN`). */
  readonly negated: boolean;
  readonly start: number;
  readonly end: number;

  constructor(value: string, negated: boolean, start: number, end: number) {
    this.value = value;
    this.negated = negated;
    this.start = start;
    this.end = end;
  }

  static of(value: string, negated: boolean, span: Span): Prop {
    return new Prop(value, negated, span.start, span.end);
  }

  /** Where the `key=value` token is. */
  get span(): Span {
    return this;
  }
}

/** Slots of Props' flat list per property: key, value, start (~start when negated), end. */
export const STRIDE = 4;

/**
 * The properties of an entry, stored flat (key, value, start, end per property; a negated value's
 * start is stored as ~start) so that a 100k-rule export keeps one exact-size array per entry instead
 * of an object per property; Prop objects are made on demand. Entries have a dozen properties at
 * most, so lookups are linear scans.
 */
export class Props {
  private d: (string | number)[] = [];
  /** Slots of `d` in use (4 per property): a view (viewOf) uses the first slots of a reused list. */
  private n = 0;
  /**
   * Set by every change after the command that wrote the entry (`set`, `enable`, `unset`…); while
   * false, reading that command again gives these properties (filter.ts then keeps only its offset).
   */
  changed = false;

  /** Props over a flat list already in this layout (the list is taken, not copied). */
  static fromFlat(d: (string | number)[]): Props {
    const p = new Props();
    p.d = d;
    p.n = d.length;
    return p;
  }

  /**
   * This Props made a view of the first `n` slots of `d` (a reader's scratch list): valid until the
   * list is written again, so it is only read, never changed or kept (args.ts readPropsView).
   */
  viewOf(d: (string | number)[], n: number): this {
    this.d = d;
    this.n = n;
    return this;
  }

  private find(key: string): number {
    const d = this.d;
    const n = this.n;
    for (let i = 0; i < n; i += STRIDE) if (d[i] === key) return i;
    return -1;
  }

  private at(i: number): Prop {
    const d = this.d;
    const start = d[i + 2] as number;
    return new Prop(d[i + 1] as string, start < 0, start < 0 ? ~start : start, d[i + 3] as number);
  }

  get(key: string): Prop | undefined {
    const i = this.find(key);
    return i < 0 ? undefined : this.at(i);
  }

  /** Whether the property is negated (`key=!value`), without making a Prop. */
  negated(key: string): boolean {
    const i = this.find(key);
    return i >= 0 && (this.d[i + 2] as number) < 0;
  }

  /** The value alone, without making a Prop. */
  value(key: string): string | undefined {
    const i = this.find(key);
    return i < 0 ? undefined : (this.d[i + 1] as string);
  }

  set(key: string, p: Prop): this {
    return this.put(key, p.value, p.negated, p.start, p.end);
  }

  put(key: string, value: string, negated: boolean, start: number, end: number): this {
    this.changed = true;
    const i = this.find(key);
    const s = negated ? ~start : start;
    if (i < 0) {
      const d = this.d;
      const n = this.n;
      d[n] = key;
      d[n + 1] = value;
      d[n + 2] = s;
      d[n + 3] = end;
      this.n = n + STRIDE;
    } else {
      this.d[i + 1] = value;
      this.d[i + 2] = s;
      this.d[i + 3] = end;
    }
    return this;
  }

  delete(key: string): boolean {
    this.changed = true;
    const i = this.find(key);
    if (i < 0) return false;
    this.d.splice(i, STRIDE);
    this.n -= STRIDE;
    return true;
  }

  /** Drops the spare capacity the list grew with (entries live as long as the model). */
  compact(): this {
    this.d = this.d.slice(0, this.n);
    return this;
  }

  get size(): number {
    return this.n / STRIDE;
  }

  /**
   * The flat list itself (STRIDE slots per property, in the layout above) and the slots in use
   * (`slots`), for readers that go over every property of every entry of a large export without a
   * call per property (the CLI runs with inlining off): only read, and not kept.
   */
  get flat(): readonly (string | number)[] {
    return this.d;
  }

  get slots(): number {
    return this.n;
  }

  keyAt(n: number): string {
    return this.d[n * STRIDE] as string;
  }

  propAt(n: number): Prop {
    return this.at(n * STRIDE);
  }

  /** The value of the n-th property, without making a Prop. */
  valueAt(n: number): string {
    return this.d[n * STRIDE + 1] as string;
  }

  /** Whether the n-th property is negated, without making a Prop. */
  negatedAt(n: number): boolean {
    return (this.d[n * STRIDE + 2] as number) < 0;
  }

  /**
   * Positions of the properties in key order (as `keys().sort()`), written into `out` (reused by the
   * caller, so hashing 100k entries allocates no key lists). Insertion sort: a dozen keys at most.
   */
  sortedOrder(out: number[]): number[] {
    const d = this.d;
    const n = this.n / STRIDE;
    for (let i = 0; i < n; i++) {
      const key = d[i * STRIDE] as string;
      let j = i;
      while (j > 0 && key < (d[(out[j - 1] ?? 0) * STRIDE] as string)) {
        out[j] = out[j - 1] ?? 0;
        j--;
      }
      out[j] = i;
    }
    // Shortened only when a longer entry came before: setting the length is a call into the runtime.
    if (out.length > n) out.length = n;
    return out;
  }

  keys(): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.n; i += STRIDE) out.push(this.d[i] as string);
    return out;
  }

  *[Symbol.iterator](): IterableIterator<[string, Prop]> {
    for (let i = 0; i < this.n; i += STRIDE) yield [this.d[i] as string, this.at(i)];
  }
}

/**
 * Reads the properties an `add` wrote again from the text: the statement at `start`, its arguments from
 * word `argsFrom` on (commands.ts; one reader per file, so no reader is allocated per entry).
 */
export interface EntryReader {
  read(start: number, argsFrom: number): Props;
  /**
   * As read, into a Props that is valid until the next read: only read it, never change or keep it.
   * `unbroken`: no word of the command is broken by a line continuation (except right after its `=`), so
   * a one-pass reader may serve, from `argsAt` (where word `argsFrom` starts) when that is not -1.
   */
  view(start: number, argsFrom: number, unbroken: boolean, argsAt: number): Props;
}

interface Deferred {
  reader: EntryReader;
  argsFrom: number;
  disabled: boolean;
}

/** One entry of a menu (`add …`), or a built-in entry a `set` touched. It is its own span. */
export class Item implements Span {
  /** The properties, or for a deferred entry (`Item.deferred`) the reader that reads them from the text. */
  private p: Props | EntryReader;
  /** The command that created the entry (`add`), or the first `set` of a built-in one. */
  readonly start: number;
  readonly end: number;
  /** BUILTIN and OFF, and a deferred entry's first argument word from bit 2 on (one small integer). */
  private readonly bits: number;

  constructor(span: Span, builtin = false, props: Props = new Props(), deferred?: Deferred) {
    this.start = span.start;
    this.end = span.end;
    if (deferred) {
      this.p = deferred.reader;
      this.bits = (deferred.disabled ? OFF : 0) | (deferred.argsFrom << 2);
    } else {
      this.p = props;
      this.bits = builtin ? BUILTIN : 0;
    }
  }

  /**
   * An entry kept as the offset of its `add` (a 100k-rule export then holds 100k small objects, not
   * 100k property lists until its rules are built): its properties are read from the text again
   * when asked for, and kept once something asks for them to change them (`props`).
   */
  static deferred(span: Span, reader: EntryReader, argsFrom: number, disabled: boolean): Item {
    return new Item(span, false, EMPTY_PROPS, { reader, argsFrom, disabled });
  }

  /** A built-in entry (ether1, service-port sip…) the export only modified. */
  get builtin(): boolean {
    return (this.bits & BUILTIN) !== 0;
  }

  /** The properties (a deferred entry's are read now and kept: callers may change them). */
  get props(): Props {
    const p = this.p;
    if (p instanceof Props) return p;
    const read = p.read(this.start, this.bits >> 2);
    this.p = read;
    return read;
  }

  /** The entry with its properties: itself, or for a deferred entry a copy read from the text and not kept. */
  resolved(): Item {
    const p = this.p;
    return p instanceof Props ? this : new Item(this, false, p.read(this.start, this.bits >> 2));
  }

  /** Properties to read from: the kept ones, or a deferred entry's read again (not kept). */
  private view(): Props {
    const p = this.p;
    return p instanceof Props ? p : p.read(this.start, this.bits >> 2);
  }

  get span(): Span {
    return this;
  }

  get(key: string): string | undefined {
    return this.view().value(key);
  }

  prop(key: string): Prop | undefined {
    return this.view().get(key);
  }

  /** `disabled=yes` (RouterOS booleans: yes/no, true/false). */
  get disabled(): boolean {
    if (!(this.p instanceof Props)) return (this.bits & OFF) !== 0;
    return isYes(this.get('disabled'));
  }

  /** Kept as its command's offset (no property list yet). */
  get isDeferred(): boolean {
    return !(this.p instanceof Props);
  }
}

const BUILTIN = 1;
const OFF = 2;

/** Placeholder argument of deferred entries (never stored). */
const EMPTY_PROPS = new Props();

export function isYes(v: string | undefined): boolean {
  if (v === undefined) return false;
  const t = v.toLowerCase();
  return t === 'yes' || t === 'true';
}

/**
 * Deferred entries (Item.deferred) of a menu no command has touched otherwise, without an Item each:
 * start, end and DISABLED | UNBROKEN << 1 | argsFrom << 2 | (args offset − start + 1) << ARGS_AT per
 * entry in one typed list (the offset of the first argument word, so the entry's path words are not read
 * again; 0 when it does not fit). A 100k-rule export then keeps one list of numbers until its rules are
 * built, not 100k objects that live that long.
 */
export class PackedEntries {
  private data = new Int32Array(3 * 256);
  /** Number of entries. */
  count = 0;
  /** Number of disabled entries (counted as they are pushed: a count of enabled rules reads no entry). */
  disabledCount = 0;
  private readonly reader: EntryReader;
  /** The span `view` hands to Item (which copies its offsets). */
  private readonly scratch: Span = { start: 0, end: 0 };

  constructor(reader: EntryReader) {
    this.reader = reader;
  }

  /** `argsAt`: where word `argsFrom` starts (-1: not known). */
  push(start: number, end: number, argsFrom: number, disabled: boolean, unbroken: boolean, argsAt = -1): void {
    const at = 3 * this.count;
    if (at + 3 > this.data.length) {
      const bigger = new Int32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[at] = start;
    this.data[at + 1] = end;
    // argsFrom is below ARGS_FROM_MAX (Menu.addDeferred); the argument offset is kept when its delta fits.
    const delta = argsAt - start + 1;
    const fits = argsAt >= start && delta < ARGS_AT_MAX;
    this.data[at + 2] = (disabled ? 1 : 0) | (unbroken ? 2 : 0) | (argsFrom << 2) | (fits ? delta << ARGS_AT : 0);
    this.count++;
    if (disabled) this.disabledCount++;
  }

  disabled(i: number): boolean {
    return ((this.data[3 * i + 2] ?? 0) & 1) !== 0;
  }

  /** Entry i as Item.deferred would keep it. */
  item(i: number): Item {
    const bits = this.data[3 * i + 2] ?? 0;
    return Item.deferred(this.span(i), this.reader, (bits >> 2) & (ARGS_FROM_MAX - 1), (bits & 1) !== 0);
  }

  /**
   * Entry i with its properties read from its command (as Item.resolved of the deferred entry), valid
   * only until the next entry is read (EntryReader.view): for a caller that keeps neither them nor the entry's Props.
   */
  view(i: number): Item {
    const start = this.data[3 * i] ?? 0;
    // Item copies the span's offsets, so one span object serves every view.
    const span = this.scratch;
    span.start = start;
    span.end = this.data[3 * i + 1] ?? 0;
    const bits = this.data[3 * i + 2] ?? 0;
    const delta = bits >>> ARGS_AT;
    const argsFrom = (bits >> 2) & (ARGS_FROM_MAX - 1);
    // A delta of 0: the argument offset was not kept.
    const argsAt = delta === 0 ? -1 : start + delta - 1;
    return new Item(span, false, this.reader.view(start, argsFrom, (bits & 2) !== 0, argsAt));
  }

  private span(i: number): Span {
    return { start: this.data[3 * i] ?? 0, end: this.data[3 * i + 1] ?? 0 };
  }
}

/** PackedEntries' bits: argsFrom below ARGS_FROM_MAX in bits 2–6, the argument offset's delta from bit ARGS_AT on. */
const ARGS_FROM_MAX = 32;
const ARGS_AT = 7;
const ARGS_AT_MAX = 1 << (31 - ARGS_AT);

/** A menu path such as `ip firewall filter`: its entries in print order and its settings (`set k=v`). */
export class Menu {
  readonly path: string;
  /** The entries while `packed` is unset (the packed ones become Items when anything asks for `items`). */
  private list: Item[] = [];
  private packed: PackedEntries | undefined;
  /** Settings of single-valued menus (`/ip firewall connection tracking set …`). */
  settings?: Item;
  /** Where the section first appears: its path line, or the path of its first terse command. */
  anchor?: Span;

  constructor(path: string) {
    this.path = path;
  }

  /** The entries in print order, enabled or not. */
  get items(): Item[] {
    const p = this.packed;
    if (p) {
      // Something needs the entries as objects (set, remove, move, find…): from now on they are.
      this.packed = undefined;
      const list: Item[] = [];
      for (let i = 0; i < p.count; i++) list.push(p.item(i));
      this.list = list;
    }
    return this.list;
  }

  set items(items: Item[]) {
    this.packed = undefined;
    this.list = items;
  }

  /** Appends a deferred entry (Item.deferred): packed while the menu holds nothing else. */
  addDeferred(
    start: number,
    end: number,
    reader: EntryReader,
    argsFrom: number,
    disabled: boolean,
    unbroken: boolean,
    argsAt = -1,
  ): void {
    // An argsFrom PackedEntries' bits cannot hold (no RouterOS path has 32 words): the entries become Items.
    if ((this.packed === undefined && this.list.length > 0) || argsFrom >= ARGS_FROM_MAX) {
      this.items.push(Item.deferred({ start, end }, reader, argsFrom, disabled));
      return;
    }
    (this.packed ??= new PackedEntries(reader)).push(start, end, argsFrom, disabled, unbroken, argsAt);
  }

  /** The packed entries, taken out of the menu (which is left empty); undefined when its entries are Items. */
  takePacked(): PackedEntries | undefined {
    const p = this.packed;
    if (p) this.packed = undefined;
    return p;
  }

  /** Number of entries. */
  get count(): number {
    return this.packed ? this.packed.count : this.list.length;
  }

  /** Number of enabled entries, without making an Item for a packed entry. */
  get enabledCount(): number {
    const p = this.packed;
    if (p) return p.count - p.disabledCount;
    let n = 0;
    for (const it of this.list) if (!it.disabled) n++;
    return n;
  }

  /**
   * Entry i with its properties (Item.resolved), without keeping an Item for a packed entry, whose
   * properties are valid only until the next is read (PackedEntries.view).
   */
  viewAt(i: number): Item | undefined {
    return this.packed ? this.packed.view(i) : this.list[i]?.resolved();
  }

  /** Entries kept as Items (packed ones are deferred entries, whose actions fill no address list). */
  get keptItems(): readonly Item[] {
    return this.packed ? [] : this.list;
  }

  /** Entries named `name` (or with that default-name, for renamed built-in interfaces). */
  byName(name: string): Item[] {
    return this.items.filter(
      (it) => it.get('name') === name || (it.get('name') === undefined && it.get('default-name') === name),
    );
  }
}

/** Every menu of the file, keyed by its normalized path. */
export class Store {
  readonly menus = new Map<string, Menu>();

  menu(path: string): Menu {
    let m = this.menus.get(path);
    if (!m) {
      m = new Menu(path);
      this.menus.set(path, m);
    }
    return m;
  }

  get(path: string): Menu | undefined {
    return this.menus.get(path);
  }

  /** Entries of a menu, enabled or not, in print order (empty when the menu is absent). */
  items(path: string): Item[] {
    return this.menus.get(path)?.items ?? [];
  }

  /** Entries of a menu that are Items already, leaving packed deferred entries packed (empty when absent). */
  keptItems(path: string): readonly Item[] {
    return this.menus.get(path)?.keptItems ?? [];
  }

  /** Enabled entries of a menu, counted without unpacking it. */
  enabledCount(path: string): number {
    return this.menus.get(path)?.enabledCount ?? 0;
  }
}
