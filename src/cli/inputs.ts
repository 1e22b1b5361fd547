import { closeSync, existsSync, openSync, readSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { detectVendor } from '../../parsers/index.js';
import { decodeText } from './read.js';
import { compileGlob, isGlob, matchesAny } from '../config/glob.js';
import { UsageError } from '../model/errors.js';
import { relativeTo } from '../config/load.js';

/**
 * Turns `fwlint lint` arguments into files. Files are taken as given (an unknown format is then a
 * parse error); directories and globs are walked, and files whose format no parser recognises are
 * skipped and counted, so a config repository can be linted as a whole.
 */
export function expandInputs(
  args: readonly string[],
  cwd: string,
  opts: {
    skipUnknown?: boolean;
    exclude?: readonly string[];
    configExclude?: { dir: string; globs: readonly string[] };
  } = {},
): { files: string[]; skipped: string[]; excluded: number } {
  const files: string[] = [];
  const skipped: string[] = [];
  const seen = new Set<string>();
  const excludes = opts.exclude ?? [];
  let excluded = 0;
  // `--exclude GLOB`: paths relative to the working directory (forward slashes), as in the config file's `files`.
  const isExcluded = (abs: string) => {
    const fromConfig = opts.configExclude;
    const rel = fromConfig ? relativeTo(fromConfig.dir, abs) : undefined;
    const hit =
      (excludes.length > 0 && matchesAny(relative(cwd, abs).split(sep).join('/'), excludes)) ||
      (fromConfig !== undefined && rel !== undefined && matchesAny(rel, fromConfig.globs));
    if (hit) excluded++;
    return hit;
  };
  const walkIncluded = (root: string) => walk(root, isExcluded);
  const add = (abs: string) => {
    if (isExcluded(abs)) return;
    if (!seen.has(abs)) {
      seen.add(abs);
      files.push(abs);
    }
  };
  for (const arg of args) {
    const abs = resolve(cwd, arg);
    // A path that exists is that file or folder, even when it reads as a glob (`Oslo (HQ)/fw.xml`).
    if (isGlob(arg) && !existsSync(abs)) {
      const { base, pattern } = splitGlob(arg);
      const matches = compileGlob(pattern);
      const root = resolve(cwd, base);
      let matched = 0;
      for (const f of walkIncluded(root)) {
        if (!matches(relative(root, f).split(sep).join('/'))) continue;
        matched++;
        if (isExcluded(f)) continue;
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
      if (isExcluded(abs)) continue;
      if (opts.skipUnknown && !recognised(abs)) skipped.push(abs);
      else add(abs);
      continue;
    }
    if (isExcluded(abs)) continue;
    for (const f of walkIncluded(abs)) {
      if (isExcluded(f)) continue;
      if (recognised(f)) add(f);
      else if (!OWN_FILES.test(f)) skipped.push(f);
    }
  }
  return { files, skipped, excluded };
}

/** "configs/**\/*.xml" → base "configs", pattern "**\/*.xml". */
function splitGlob(arg: string): { base: string; pattern: string } {
  const parts = arg.split(/[\\/]/);
  const first = parts.findIndex(isGlob);
  return { base: parts.slice(0, first).join('/') || '.', pattern: parts.slice(first).join('/') };
}

/**
 * Regular files below `dir`, skipping hidden folders, node_modules and folders `pruned` says to skip;
 * symlinks are not followed.
 */
function* walk(dir: string, pruned: (dir: string) => boolean): Generator<string> {
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
      if (!e.name.startsWith('.') && e.name !== 'node_modules' && !pruned(p)) yield* walk(p, pruned);
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
    const head = decodeText(buf.subarray(0, n));
    if (head.includes('\0')) return false;
    return detectVendor(head) !== undefined;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
