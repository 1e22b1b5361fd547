import { readFileSync } from 'node:fs';
import { UsageError } from '../model/errors.js';

/** Reads sysctl.conf syntax (`key = value`, `#`/`;` comments) for `--sysctl`. */
export function readSysctl(path: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`--sysctl ${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const out: Record<string, string> = {};
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) return;
    const eq = line.indexOf('=');
    if (eq <= 0) throw new UsageError(`--sysctl ${path}:${i + 1}: expected key = value`);
    out[line.slice(0, eq).trim().replace(/^-/, '').replace(/\//g, '.')] = line.slice(eq + 1).trim();
  });
  return out;
}
