import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../model/errors.js';
import type { Report } from '../model/report.js';
import { formatGithub } from '../reporters/github.js';
import { formatHtml } from '../reporters/html.js';
import { formatJsonChunks, type RenderedRequirements } from '../reporters/json.js';
import { formatJunit } from '../reporters/junit.js';
import { formatMarkdown } from '../reporters/markdown.js';
import { formatSarif } from '../reporters/sarif.js';
import { formatText } from '../reporters/text.js';
import type { FailOn } from './lint.js';

export const FORMATS = ['text', 'json', 'sarif', 'github', 'junit', 'markdown', 'html'] as const;
export type Format = (typeof FORMATS)[number];

/** One `--format` value: `sarif` (to -o or stdout) or `sarif:fwlint.sarif` (to that file). */
export interface FormatSpec {
  format: Format;
  file?: string;
}

export function parseFormatSpec(value: string): FormatSpec {
  const colon = value.indexOf(':');
  const name = colon >= 0 ? value.slice(0, colon) : value;
  const file = colon >= 0 ? value.slice(colon + 1) : undefined;
  if (!(FORMATS as readonly string[]).includes(name))
    throw new UsageError(`--format '${value}': expected one of ${FORMATS.join(', ')}, optionally with :<file>`);
  if (file === '') throw new UsageError(`--format '${value}': give a file name after ':'`);
  return { format: name as Format, ...(file !== undefined ? { file } : {}) };
}

export interface RenderOptions {
  failOn: FailOn[];
  sarifCategory?: string;
  color: boolean;
  /**
   * The run's requirement verdicts, rendered where they were linted (lintRun's `rendered`): the
   * report then holds none, and only the JSON format can be written.
   */
  requirements?: RenderedRequirements;
}

export function render(report: Report, format: Format, o: RenderOptions): string {
  if (o.requirements && format !== 'json')
    throw new Error(`unreachable: requirements rendered for JSON, not ${format}`);
  switch (format) {
    case 'json':
      // The pieces the file writer writes; joined, formatJson's text.
      return [...formatJsonChunks(report, o.requirements)].join('');
    case 'sarif':
      return formatSarif(report, o.sarifCategory !== undefined ? { automationId: o.sarifCategory } : {});
    case 'github':
      return formatGithub(report);
    case 'junit':
      return formatJunit(report);
    case 'markdown':
      return formatMarkdown(report);
    case 'html':
      return formatHtml(report);
    default:
      return formatText(report, { color: o.color });
  }
}

/**
 * Writes every requested format: those with a file name to their files, the one without to
 * `output` (or stdout). At most one format may go to stdout.
 */
export function writeFormats(
  report: Report,
  specs: readonly FormatSpec[],
  output: string | undefined,
  o: RenderOptions,
): void {
  const list = specs.length ? specs : [{ format: 'text' as const }];
  const toStdout = list.filter((s) => s.file === undefined);
  if (toStdout.length > 1)
    throw new UsageError(
      `--format: ${toStdout.map((s) => s.format).join(' and ')} would both go to ${output ?? 'stdout'}; ` +
        'give all but one a file (e.g. --format sarif:fwlint.sarif)',
    );
  for (const s of list) {
    const dest = s.file ?? output;
    if (dest === undefined) {
      if (s.format === 'json') writeStdout(formatJsonChunks(report, o.requirements));
      else process.stdout.write(render(report, s.format, { ...o, color: o.color }));
      continue;
    }
    try {
      // A JSON report of a large run is tens of MB: written in pieces, never held as one string.
      if (s.format === 'json') writeTo(dest, formatJsonChunks(report, o.requirements));
      else writeTo(dest, [render(report, s.format, { ...o, color: false })]);
    } catch (e) {
      throw new UsageError(`cannot write the report to ${dest} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
}

function writeAll(fd: number, bytes: Buffer, length: number): void {
  for (let off = 0; off < length;) off += writeSync(fd, bytes, off, length - off);
}

/** Bytes gathered per write. */
const WRITE_BYTES = 1 << 20;

/**
 * A JSON report to stdout, in pieces of at least `batchChars` characters (the last one shorter): a run of 1,000 files writes
 * 45 MB, which joined into one string and converted to one buffer cost the main thread a second
 * after the last file was linted, and twice the report's size in memory.
 */
export function writeStdout(pieces: Iterable<string>, batchChars = WRITE_BYTES): void {
  let batch: string[] = [];
  let length = 0;
  for (const p of pieces) {
    batch.push(p);
    length += p.length;
    if (length >= batchChars) {
      process.stdout.write(batch.join(''));
      batch = [];
      length = 0;
    }
  }
  if (batch.length > 0) process.stdout.write(batch.join(''));
}

/** `--format sarif:out/fwlint.sarif` creates out/, as CI steps expect; a file in the way is the write error. */
function writeTo(dest: string, pieces: Iterable<string>): void {
  let fd: number;
  try {
    fd = openSync(dest, 'w');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    mkdirSync(dirname(resolve(dest)), { recursive: true });
    fd = openSync(dest, 'w');
  }
  try {
    // Each piece is encoded straight into one reused buffer: no joined string to flatten, no
    // buffer allocated per write (both showed in profiles of 40 MB reports).
    const buf = Buffer.allocUnsafe(WRITE_BYTES);
    let used = 0;
    for (const p of pieces) {
      // A UTF-16 code unit takes at most 3 bytes in UTF-8.
      if (used > 0 && used + 3 * p.length > WRITE_BYTES) {
        writeAll(fd, buf, used);
        used = 0;
      }
      if (3 * p.length > WRITE_BYTES) {
        const big = Buffer.from(p, 'utf8');
        writeAll(fd, big, big.length);
      } else used += buf.write(p, used, 'utf8');
    }
    if (used > 0) writeAll(fd, buf, used);
  } finally {
    closeSync(fd);
  }
}
