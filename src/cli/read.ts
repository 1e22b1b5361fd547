import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { detectVendor, parserFor } from '../../parsers/index.js';
import { ParseError, UsageError } from '../model/errors.js';
import type { Policy, Vendor } from '../model/policy.js';

/** Larger files are refused before reading: real exports are a few MB; 100k-rule configs ~40 MB. */
export const MAX_FILE_BYTES = 128 * 1024 * 1024;

/**
 * Reads and parses one configuration file. Unreadable files are UsageErrors; files that are not
 * valid configurations are ParseErrors with a line and column. Both become exit code 2.
 */
export function readConfig(path: string, displayPath: string, vendor: Vendor | 'auto'): Policy[] {
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
    throw new ParseError(displayPath, 1, 1, `file is ${(size / 1048576).toFixed(0)} MB, larger than the ${MAX_FILE_BYTES / 1048576} MB limit for a configuration export`);
  if (size === 0) throw new ParseError(displayPath, 1, 1, 'empty file');
  const buf = readWhole(path, size);
  const nul = buf.subarray(0, 65536).indexOf(0);
  if (nul >= 0) throw new ParseError(displayPath, lineOf(buf, nul), 1, 'binary data, not a text configuration export');
  const text = buf.toString('utf8').replace(/^\uFEFF/, '');
  const chosen = vendor === 'auto' ? detectVendor(text.slice(0, 8192)) : vendor;
  if (!chosen)
    throw new ParseError(displayPath, 1, 1, 'cannot tell which firewall this is from (not a pfSense/OPNsense config.xml); use --vendor');
  const parser = parserFor(chosen);
  if (!parser) throw new UsageError(`${displayPath}: the ${chosen} parser is not available yet`);
  return parser.parse(text, displayPath, chosen);
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

function lineOf(buf: Buffer, offset: number): number {
  let line = 1;
  for (let i = buf.indexOf(10); i >= 0 && i < offset; i = buf.indexOf(10, i + 1)) line++;
  return line;
}
