import type { SourceLocation } from '../../src/model/location.js';

/**
 * A source location built by `new`, for readers that make one per rule. V8 tracks where each object
 * or array literal is allocated and, once most objects of a site survive a young-generation collection,
 * allocates that site's objects in the old generation from then on ("pretenuring") and throws away
 * the optimised code that allocates them, to be compiled again. Locations live as long as the model,
 * so a literal site in a reader's hot function was switched mid-parse and took the reader's compiled
 * code with it (nftables at 10k rules: twice, the large functions of the read compiled again each
 * time). Objects made by `new` have no such site. Same members, same order as the literal: JSON and
 * `Object.keys` see the same object. Members are declared and set in the constructor only (`declare`):
 * class fields would add an initializer function to compile and define each member before it is set.
 */
export class Location implements SourceLocation {
  declare file: string;
  declare line: number;
  declare column: number;
  declare endLine: number;
  declare endColumn: number;

  constructor(file: string, line: number, column: number, endLine: number, endColumn: number) {
    this.file = file;
    this.line = line;
    this.column = column;
    this.endLine = endLine;
    this.endColumn = endColumn;
  }
}
