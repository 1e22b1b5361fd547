import { ParseError } from '../../src/model/errors.js';
import { PositionIndex } from './positions.js';

/**
 * Control characters no configuration export contains (tab, line breaks and form feed aside): their
 * presence means the file is not text (a compressed backup, a binary dump, UTF-16).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point of this expression.
const CONTROL_RE = /[\x00-\x08\x0B\x0E-\x1F]/;

/** Offset of the first control character that marks binary data, or -1. */
export function binaryOffset(text: string): number {
  const m = CONTROL_RE.exec(text);
  return m ? m.index : -1;
}

/** Whether a token holds such a character (a reader's cheap check where it meets an unknown word). */
export function isBinary(token: string): boolean {
  return CONTROL_RE.test(token);
}

/** Refuses binary data with the position of its first control character, the same way for every vendor. */
export function assertText(text: string, file: string, positions = new PositionIndex(text)): void {
  const at = binaryOffset(text);
  if (at < 0) return;
  throw binaryError(file, positions.position(at), text.charCodeAt(at));
}

export function binaryError(file: string, at: { line: number; column: number }, code: number): ParseError {
  const hex = code.toString(16).padStart(2, '0');
  return new ParseError(file, at.line, at.column, `binary data (control character 0x${hex}); not a text configuration`);
}
