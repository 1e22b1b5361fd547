import { closeSync, openSync, readSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { detectVendor } from '../../parsers/index.js';
import { compileGlob, isGlob } from '../config/glob.js';
import { UsageError } from '../model/errors.js';

/**
 * Turns `fwlint lint` arguments into files. Files are taken as given (an unknown format is then a
 * parse error); directories and globs are walked, and files whose format no parser recognises are
 * skipped and counted, so a config repository can be linted as a whole.
 */
export function expandInputs(
  args: readonly string[],
  cwd: string,
  opts: { skipUnknown?: boolean } = {},
): { files: string[]; skipped: string[] } {
  const files: string[] = [];
  const skipped: string[] = [];
  const seen = new Set<string>();
  const add = (abs: string) => {
    if (!seen.has(abs)) {
      seen.add(abs);
      files.push(abs);
    }
  };
  for (const arg of args) {
    const abs = resolve(cwd, arg);
    if (isGlob(arg)) {
      const { base, pattern } = splitGlob(arg);
      const matches = compileGlob(pattern);
      const root = resolve(cwd, base);
      let matched = 0;
      for (const f of walk(root)) {
        if (!matches(relative(root, f).split(sep).join('/'))) continue;
        matched++;
        if (recognised(f)) add(f);
        else skipped.push(f);
      }
      if (matched === 0 && !opts.skipUnknown) throw new UsageError(`${arg}: no file matches`);
      continue;
    }
    let st;
    try {
      st = statSync(abs);
    } catch {
      add(abs); // readConfig reports the unreadable file with its name
      continue;
    }
    if (!st.isDirectory()) {
      if (opts.skipUnknown && !recognised(abs)) skipped.push(abs);
      else add(abs);
      continue;
    }
    for (const f of walk(abs)) {
      if (recognised(f)) add(f);
      else if (!OWN_FILES.test(f)) skipped.push(f);
    }
  }
  return { files, skipped };
}

/** "configs/**\/*.xml" → base "configs", pattern "**\/*.xml". */
function splitGlob(arg: string): { base: string; pattern: string } {
  const parts = arg.split(/[\\/]/);
  const first = parts.findIndex(isGlob);
  return { base: parts.slice(0, first).join('/') || '.', pattern: parts.slice(first).join('/') };
}

/** Regular files below `dir`, skipping hidden folders and node_modules; symlinks are not followed. */
function* walk(dir: string): Generator<string> {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (!e.name.startsWith('.') && e.name !== 'node_modules') yield* walk(p);
    } else if (e.isFile()) yield p;
  }
}

/** fwlint's own files in a config repository are not configurations and not worth a note. */
const OWN_FILES = /(^|[\\/])(fwlint\.config\.json|\.fwlintrc\.json|fwlint-baseline\.json)$/;

function recognised(file: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const buf = Buffer.alloc(8192);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const head = buf.subarray(0, n);
    if (head.includes(0)) return false;
    return detectVendor(head.toString('utf8').replace(/^\uFEFF/, '')) !== undefined;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
