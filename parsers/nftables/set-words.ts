import type { Expr, NSet } from './ir.js';
import { elementValue } from './text-rules.js';

/**
 * A named set the text reader read straight from the source (text-direct.ts readElements) may keep its
 * elements as written: numbers, and words whose values are elementValue(word). A word costs one
 * string, where its value (a prefix: two objects and the address sliced again) costs three: the sets
 * shape at 100k has 50,000 prefixes that lived with the document until the model was built, long
 * enough to be copied to the old generation and to be there at the lint's peak. The few passes that
 * read the elements take the words as they are (match.ts address unions, inventory.ts members) or
 * shape the set's values in place first (shapeWords), which gives the list the reader gave before.
 */
const WORDS = Symbol('words');

interface Marked {
  [WORDS]?: boolean;
}

/** Whether the set's string elements are words as written (their values: wordElement). */
export function hasWords(set: NSet): boolean {
  return (set as Marked)[WORDS] === true;
}

/** The value of an element of a set kept as words (hasWords): a word's elementValue, a number itself. */
export function wordElement(x: Expr): Expr {
  return typeof x === 'string' ? elementValue(x) : x;
}

/**
 * Gives the set its elements' values (nothing to do for a set not kept as words), in a list of its own:
 * the list of words may be an inventory's members too (inventory.ts).
 */
export function shapeWords(set: NSet): void {
  if (!hasWords(set)) return;
  set.elements = set.elements.map(wordElement);
  (set as Marked)[WORDS] = false;
}

/**
 * Adds elements read by the text reader to the set: `words` when they are kept as words (hasWords).
 * A set without elements takes the list itself; lists of both kinds are joined as values.
 */
export function addElements(set: NSet, elements: Expr[], words: boolean): void {
  if (set.elements.length === 0) {
    set.elements = elements;
    (set as Marked)[WORDS] = words;
    return;
  }
  if (!(words && hasWords(set))) {
    shapeWords(set);
    if (words) shapeList(elements);
  }
  // The set's own list: not shared with anything yet while its elements are being read.
  for (const x of elements) set.elements.push(x);
}

function shapeList(list: Expr[]): void {
  for (let i = 0; i < list.length; i++) {
    const x = list[i];
    if (typeof x === 'string') list[i] = elementValue(x);
  }
}
