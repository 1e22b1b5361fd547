import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { findRuleMeta } from '../../rules/index.js';
import { UsageError } from '../model/errors.js';
import type { Severity } from '../model/profile.js';
import type { FailOn } from '../model/vocabulary.js';
import type { GeneratedValidator } from '../model/schema-runtime.js';
import { validate as validateSchema } from './config-validator.generated.js';
import { matchesAny } from './glob.js';
import { JsonSyntaxError, parseJsonDocument, type JsonDocument } from './json-document.js';
import type { ConfigFile, FileSettings, IgnoreEntry } from './settings.js';

export const CONFIG_NAMES = ['fwlint.config.json', '.fwlintrc.json'] as const;

/** The nearest config file from `start` upwards, if any. */
export function findConfig(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    for (const name of CONFIG_NAMES) {
      const p = join(dir, name);
      if (existsSync(p) && statSync(p).isFile()) return p;
    }
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** The config schema (schemas/fwlint.config.schema.json) compiled ahead by scripts/gen-validators.mjs. */
function validate(doc: unknown): GeneratedValidator {
  void validateSchema(doc);
  return validateSchema;
}

export function loadConfig(path: string, cwd = process.cwd()): ConfigFile {
  const display = shown(path, cwd);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`${display}: cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let json: JsonDocument;
  try {
    json = parseJsonDocument(text);
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    throw new UsageError(`${display}:${e.position.line}:${e.position.column}: not valid JSON: ${e.message}`);
  }
  const doc = json.value as Record<string, unknown>;
  const where = (p: { line: number; column: number }) => `${display}:${p.line}:${p.column}`;
  const at = (pointer: string) => where(json.at(pointer));
  const v = validate(doc);
  const e = v.errors?.[0];
  if (e) {
    const key = e.instancePath || '/';
    const params = e.params as { additionalProperty?: string; missingProperty?: string };
    const extra = params.additionalProperty ?? params.missingProperty;
    // An unknown key is shown where the key is; other problems where the value is.
    const loc =
      params.additionalProperty !== undefined
        ? where(json.keyAt(e.instancePath, params.additionalProperty))
        : at(e.instancePath);
    const more = (v.errors?.length ?? 0) > 1 ? ` (and ${(v.errors?.length ?? 1) - 1} more)` : '';
    throw new UsageError(`${loc}: ${key}: ${e.message ?? 'invalid'}${extra !== undefined ? ` '${extra}'` : ''}${more}`);
  }
  const dir = dirname(path);
  const settings = (o: Record<string, unknown>, ptr: string): Partial<FileSettings> => {
    const s: Partial<FileSettings> = {};
    for (const k of ['phones', 'pcs', 'servers', 'wan', 'audiences', 'devices'] as const)
      if (o[k]) (s as Record<string, unknown>)[k] = o[k];
    if (o.profiles) s.profiles = (o.profiles as string[]).map((p) => (/[/\\]|\.json$/i.test(p) ? resolve(dir, p) : p));
    if (o.pbx) s.pbx = o.pbx as string;
    if (o.vendor) s.vendor = o.vendor as FileSettings['vendor'];
    if (o.sysctl) s.sysctl = resolve(dir, o.sysctl as string);
    if (o.rules) s.rules = ruleLevels(o.rules as Record<string, Severity | 'off'>, (k) => at(`${ptr}/rules/${k}`));
    return s;
  };
  const top: ConfigFile['top'] = { ...settings(doc, ''), ...(doc.failOn ? { failOn: doc.failOn as FailOn } : {}) };
  if (typeof doc.quiet === 'boolean') top.quiet = doc.quiet;
  if (typeof doc.maxWarnings === 'number') top.maxWarnings = doc.maxWarnings;
  if (doc.exclude) top.exclude = doc.exclude as string[];
  const overrides = ((doc.overrides as Record<string, unknown>[] | undefined) ?? []).map((o, i) => ({
    files: o.files as string[],
    settings: settings(o, `/overrides/${i}`),
  }));
  const ignore: IgnoreEntry[] = ((doc.ignore as Record<string, unknown>[] | undefined) ?? []).map((o, i) => {
    const meta = findRuleMeta(o.rule as string);
    if (!meta) throw new UsageError(`${at(`/ignore/${i}/rule`)}: /ignore/${i}/rule: unknown rule '${String(o.rule)}'`);
    // The schema checked above makes reason a string.
    if (!((o.reason as string | undefined) ?? '').trim())
      throw new UsageError(`${at(`/ignore/${i}`)}: /ignore/${i}/reason: a reason is required`);
    const p = json.at(`/ignore/${i}`);
    return {
      rule: meta.id,
      files: o.files as string[] | undefined,
      match: o.match as string | undefined,
      reason: o.reason as string,
      expires: o.expires as string | undefined,
      loc: { file: display, line: p.line, column: p.column, endLine: p.line },
    };
  });
  return { path, display, dir, top, overrides, ignore };
}

function ruleLevels(
  levels: Record<string, Severity | 'off'>,
  where: (key: string) => string,
): Record<string, Severity | 'off'> {
  const out: Record<string, Severity | 'off'> = {};
  for (const [k, level] of Object.entries(levels)) {
    const meta = findRuleMeta(k);
    if (!meta)
      throw new UsageError(
        `${where(k)}: /rules/${k}: unknown rule (use an id like FWL007 or a name like wan-icmp-blocked)`,
      );
    out[meta.id] = level;
  }
  return out;
}

/** The settings for one file: top level, then every matching override in order, then the CLI flags. */
export function settingsFor(config: ConfigFile | undefined, file: string, cli: Partial<FileSettings>): FileSettings {
  const base: FileSettings = {
    profiles: [],
    phones: [],
    wan: [],
    audiences: [],
    devices: [],
    vendor: 'auto',
    rules: {},
  };
  const layers: Partial<FileSettings>[] = [];
  if (config) {
    layers.push(config.top);
    const rel = relativeTo(config.dir, file);
    if (rel !== undefined) for (const o of config.overrides) if (matchesAny(rel, o.files)) layers.push(o.settings);
  }
  layers.push(cli);
  const out = { ...base };
  for (const l of layers) {
    // `top` also carries failOn (not a per-file setting), hence the wider key type.
    for (const [k, v] of Object.entries(l as Record<string, unknown>)) {
      if (v === undefined || (Array.isArray(v) && v.length === 0) || k === 'failOn') continue;
      if (k === 'rules') out.rules = { ...out.rules, ...(v as FileSettings['rules']) };
      else (out as Record<string, unknown>)[k] = v;
    }
  }
  return out;
}

/** `file` relative to `dir` with forward slashes, or undefined when it lies outside. */
export function relativeTo(dir: string, file: string): string | undefined {
  const rel = relative(dir, resolve(file));
  if (rel.startsWith('..') || isAbsolute(rel)) return undefined;
  return rel.split('\\').join('/');
}

function shown(path: string, cwd: string): string {
  return relativeTo(cwd, path) ?? path;
}
