/**
 * A set of names (interfaces, connection states) that may be cofinite:
 * `negated` = every name except `names`. "any" is the negated empty set.
 */
export class NameSet {
  readonly names: ReadonlySet<string>;
  readonly negated: boolean;

  private constructor(names: ReadonlySet<string>, negated: boolean) {
    this.names = names;
    this.negated = negated;
  }

  static readonly ANY = new NameSet(new Set(), true);
  static readonly NONE = new NameSet(new Set(), false);

  static of(names: Iterable<string>): NameSet {
    return new NameSet(new Set(names), false);
  }

  static except(names: Iterable<string>): NameSet {
    return new NameSet(new Set(names), true);
  }

  get isEmpty(): boolean {
    return !this.negated && this.names.size === 0;
  }

  get isFull(): boolean {
    return this.negated && this.names.size === 0;
  }

  has(name: string): boolean {
    return this.negated !== this.names.has(name);
  }

  complement(): NameSet {
    return new NameSet(this.names, !this.negated);
  }

  intersect(o: NameSet): NameSet {
    if (o.isFull) return this;
    if (this.isFull) return o;
    if (!this.negated && !o.negated) return NameSet.of([...this.names].filter((n) => o.names.has(n)));
    if (!this.negated) return NameSet.of([...this.names].filter((n) => !o.names.has(n)));
    if (!o.negated) return NameSet.of([...o.names].filter((n) => !this.names.has(n)));
    return NameSet.except([...this.names, ...o.names]);
  }

  union(o: NameSet): NameSet {
    return this.complement().intersect(o.complement()).complement();
  }

  subtract(o: NameSet): NameSet {
    return this.intersect(o.complement());
  }

  overlaps(o: NameSet): boolean {
    if (this.isEmpty || o.isEmpty) return false;
    if (this.negated && o.negated) return true;
    if (!this.negated && !o.negated) {
      for (const n of this.names) if (o.names.has(n)) return true;
      return false;
    }
    const [pos, neg] = this.negated ? [o, this] : [this, o];
    for (const n of pos.names) if (!neg.names.has(n)) return true;
    return false;
  }

  equals(o: NameSet): boolean {
    if (this.negated !== o.negated || this.names.size !== o.names.size) return false;
    for (const n of this.names) if (!o.names.has(n)) return false;
    return true;
  }

  toString(): string {
    if (this.isFull) return 'any';
    const list = [...this.names].sort().join(', ');
    return this.negated ? `any except ${list}` : list;
  }
}
