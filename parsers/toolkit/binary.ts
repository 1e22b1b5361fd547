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
  throw binaryError(file, positions.position(at), text.charCodeAt(at), text);
}

export function binaryError(
  file: string,
  at: { line: number; column: number },
  code: number,
  text?: string,
): ParseError {
  const hex = code.toString(16).padStart(2, '0');
  if (code === 0 && text !== undefined && looksUtf16(text))
    return new ParseError(
      file,
      at.line,
      at.column,
      'UTF-16 text without a byte-order mark; save the export as UTF-8 (e.g. iconv -f UTF-16LE -t UTF-8)',
    );
  return new ParseError(file, at.line, at.column, `binary data (control character 0x${hex}); not a text configuration`);
}

/** Whether text read as UTF-8 is really UTF-16 of ASCII: a NUL beside every other character at the start. */
function looksUtf16(text: string): boolean {
  const head = text.slice(0, 64);
  if (head.length < 8) return false;
  let nuls = 0;
  for (let i = 0; i < head.length; i++) if (head.charCodeAt(i) === 0) nuls++;
  return nuls * 2 >= head.length - 1;
}
