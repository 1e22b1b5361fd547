import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { PARSERS, detectVendor, parserFor } from '../../parsers/index.js';
import { assertText, binaryOffset } from '../../parsers/toolkit/binary.js';
import { nftablesByName } from '../../parsers/nftables/index.js';
import { ParseError, UsageError } from '../model/errors.js';
import type { Policy, Vendor } from '../model/policy.js';
import type { ParseOptions } from '../../parsers/types.js';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';

/** Larger files are refused before reading: real exports are a few MB; 100k-rule configs ~40 MB. */
export const MAX_FILE_BYTES = 128 * 1024 * 1024;

/**
 * Reads and parses one configuration file. Unreadable files are UsageErrors; files that are not
 * valid configurations are ParseErrors with a line and column. Both become exit code 2.
 */
export function readConfig(
  path: string,
  displayPath: string,
  vendor: Vendor | 'auto',
  options: ParseOptions = {},
): Policy[] {
  return readConfigText(path, displayPath, vendor, options).policies;
}

/** As readConfig, also returning the text (to match suppressions against offending lines; never output). */
export function readConfigText(
  path: string,
  displayPath: string,
  vendor: Vendor | 'auto',
  options: ParseOptions = {},
): { policies: Policy[]; text: string } {
  let size: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new UsageError(`${displayPath}: is a directory; give configuration files`);
    size = st.size;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`${displayPath}: cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (size > MAX_FILE_BYTES)
    throw new ParseError(
      displayPath,
      1,
      1,
      `file is ${(size / 1048576).toFixed(0)} MB, larger than the ${MAX_FILE_BYTES / 1048576} MB limit for a configuration export`,
    );
  // An empty nftables file is a valid, empty ruleset (`nft -f` loads it); other formats are never empty.
  const byName = nftablesByName(path) ? 'nftables' : undefined;
  if (size === 0 && vendor !== 'nftables' && !(vendor === 'auto' && byName))
    throw new ParseError(displayPath, 1, 1, 'empty file');
  const text = decodeText(readWhole(path, size));
  return {
    policies: parseConfigText(text, displayPath, vendor, { readInclude: includeReader(path, displayPath), ...options }),
    text,
  };
}

/**
 * The file's text: UTF-8, or UTF-16 when it starts with a UTF-16 byte-order mark (what Windows
 * PowerShell's `>` writes), so an export saved that way reads as it is, lines and columns included.
 */
export function decodeText(buf: Buffer): string {
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return buf.subarray(2).toString('utf16le');
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) {
    const even = buf.subarray(2, 2 + ((buf.length - 2) & ~1));
    return Buffer.from(even).swap16().toString('utf16le');
  }
  return buf.toString('utf8').replace(/^\uFEFF/, '');
}

/**
 * Parses configuration text that is already in memory (the library's `{ text, filename }` input):
 * the same checks as for a file (empty, binary, unknown format) and the same ParseErrors.
 */
export function parseConfigText(
  text: string,
  displayPath: string,
  vendor: Vendor | 'auto',
  options: ParseOptions = {},
): Policy[] {
  // An empty nftables file is a valid, empty ruleset (`nft -f` loads it); other formats are never empty.
  const byName = nftablesByName(displayPath) ? 'nftables' : undefined;
  if (text.length === 0 && vendor !== 'nftables' && !(vendor === 'auto' && byName))
    throw new ParseError(displayPath, 1, 1, 'empty file');
  const body = text.replace(/^\uFEFF/, '');
  // The head decides the vendor, so binary data there is refused first; parsers check the rest.
  const head = body.slice(0, 8192);
  assertText(head, displayPath);
  const chosen = vendor === 'auto' ? (detectVendor(head) ?? byName) : vendor;
  if (!chosen)
    throw new ParseError(
      displayPath,
      1,
      1,
      `cannot tell which firewall this is from (not a ${PARSERS.flatMap((p) => p.vendors).join(', ')} configuration); use --vendor`,
    );
  const parser = parserFor(chosen);
  if (!parser) throw new UsageError(`${displayPath}: the ${chosen} parser is not available yet`);
  try {
    return parser.parse(body, displayPath, chosen, options);
  } catch (e) {
    // A forced --vendor that does not fit: say what the file looks like, as auto-detection would have read it.
    const seen = vendor === 'auto' ? undefined : detectVendor(head);
    if (!(e instanceof ParseError) || !seen || parserFor(seen) === parser || e.message.includes('looks like')) throw e;
    throw new ParseError(
      e.file,
      e.line,
      e.column,
      `${e.message}; the file looks like a ${seen} configuration: use --vendor ${seen}, or leave --vendor out`,
    );
  }
}

function readWhole(path: string, size: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(size);
    let off = 0;
    while (off < size) {
      const n = readSync(fd, buf, off, size - off, off);
      if (n === 0) break;
      off += n;
    }
    return buf.subarray(0, off);
  } finally {
    closeSync(fd);
  }
}

/**
 * Included files resolve relative to the including file (as nft does); they obey the same size
 * and binary checks, and are shown relative to the top-level file's directory.
 */
function includeReader(topPath: string, topDisplay: string): NonNullable<ParseOptions['readInclude']> {
  const topDir = dirname(topPath);
  const displayDir = dirname(topDisplay);
  return (path, fromFile) => {
    const fromAbs = resolve(topDir, relative(displayDir, dirname(fromFile)));
    const abs = isAbsolute(path) ? path : resolve(fromAbs, path);
    try {
      const st = statSync(abs);
      if (!st.isFile() || st.size > MAX_FILE_BYTES) return undefined;
      const buf = readWhole(abs, st.size);
      const text = decodeText(buf);
      if (binaryOffset(text) >= 0) return undefined;
      const rel = relative(topDir, abs);
      const display = rel.startsWith('..') || isAbsolute(rel) ? abs : join(displayDir, rel).split('\\').join('/');
      return { text, display };
    } catch {
      return undefined;
    }
  };
}
