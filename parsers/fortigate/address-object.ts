import type { AddrSet } from '../../src/model/address.js';
import type { NamedObject } from '../../src/model/inventory.js';
import type { SourceLocation } from '../../src/model/location.js';

/**
 * The inventory object of one `config firewall address` entry, the same members as an object literal
 * would have, with its location and its one member text made when read: src/site reads the name, the
 * addresses and the description of every object but the location of a few, and the members of none.
 * A literal cost an object, a location object and a one-element list each (about 180 bytes); this
 * keeps the location's four numbers and the member's text inline (about 100 bytes), which at 200k
 * address objects is about 16 MB less.
 */
export class AddressObject implements NamedObject {
  readonly name: string;
  readonly addresses: AddrSet;
  declare description?: string;
  private readonly file: string;
  /** describeAddress's one entry, or undefined for none. */
  private readonly member: string | undefined;
  private readonly line: number;
  private readonly column: number;
  private readonly endLine: number;
  private readonly endColumn: number;

  constructor(
    name: string,
    addresses: AddrSet,
    member: string | undefined,
    file: string,
    line: number,
    column: number,
    endLine: number,
    endColumn: number,
    description: string | undefined,
  ) {
    this.name = name;
    this.addresses = addresses;
    this.file = file;
    this.member = member;
    this.line = line;
    this.column = column;
    this.endLine = endLine;
    this.endColumn = endColumn;
    if (description) this.description = description;
  }

  // eslint-disable-next-line @typescript-eslint/class-literal-property-style -- on the prototype, not in each of 200k objects.
  get kind(): 'address' {
    return 'address';
  }

  /** A new list per read (nobody keeps or changes it). */
  get members(): string[] {
    return this.member === undefined ? [] : [this.member];
  }

  get loc(): SourceLocation {
    return { file: this.file, line: this.line, column: this.column, endLine: this.endLine, endColumn: this.endColumn };
  }
}
