import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAddressSpec } from '../model/address.js';
import { UsageError } from '../model/errors.js';
import { parsePortRange, protocolNumber } from '../model/ports.js';
import type { Profile } from '../model/profile.js';
import type { ValidationError } from '../model/schema-runtime.js';
import { validate } from './profile-validator.generated.js';

const SCHEMA_FILE = 'profile.schema.json';

let catalogDirCache: string | undefined;

/**
 * The bundled catalog: walks up from this module until a directory holds catalog/profile.schema.json,
 * so it works from src/profiles/ (vitest) and from dist/src/profiles/ (compiled) alike.
 */
export function catalogDir(): string {
  if (catalogDirCache) return catalogDirCache;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'catalog', SCHEMA_FILE))) return (catalogDirCache = join(dir, 'catalog'));
    const up = dirname(dir);
    if (up === dir) throw new Error(`fwlint: no catalog/${SCHEMA_FILE} above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

function bundledIds(): string[] {
  return readdirSync(catalogDir())
    .filter((f) => f.endsWith('.json') && f !== SCHEMA_FILE)
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

/** The bundled profiles, sorted by id. */
export function listProfiles(): Profile[] {
  return bundledIds()
    .map((id) => loadFile(join(catalogDir(), `${id}.json`), id))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** A bundled profile by id, or a profile JSON file by path; validated against the schema and for consistency. */
export function loadProfile(idOrPath: string): Profile {
  const looksLikePath = /[\\/]/.test(idOrPath) || idOrPath.toLowerCase().endsWith('.json');
  if (!looksLikePath && bundledIds().includes(idOrPath)) {
    return loadFile(join(catalogDir(), `${idOrPath}.json`), idOrPath);
  }
  if (isFile(idOrPath)) return loadFile(resolve(idOrPath), idOrPath);
  throw new UsageError(
    `unknown profile '${idOrPath}': not a bundled profile (${bundledIds().join(', ')}) nor a readable file`,
  );
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Reads, parses and checks one profile file; `label` is how messages name it. */
function loadFile(file: string, label: string): Profile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch (e) {
    throw new UsageError(`profile ${label}: cannot read ${file}: ${(e as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new UsageError(
      `profile ${label}${jsonErrorPosition(text, (e as Error).message)}: invalid JSON: ${jsonErrorReason((e as Error).message)}`,
    );
  }
  // The schema (catalog/profile.schema.json) compiled ahead by scripts/gen-validators.mjs.
  if (!validate(data)) {
    const errors = (validate.errors ?? []).filter((err) => err.keyword !== 'if');
    throw new UsageError(`profile ${label}: ${summarize(errors.map(formatAjvError))}`);
  }
  const profile = data as Profile;
  const problems = semanticProblems(profile);
  if (problems.length > 0) throw new UsageError(`profile ${label}: ${summarize(problems)}`);
  return profile;
}

function summarize(messages: string[]): string {
  const [first] = messages;
  if (first === undefined) return 'invalid profile';
  return messages.length === 1 ? first : `${first} (and ${messages.length - 1} more)`;
}

function formatAjvError(err: ValidationError): string {
  const at = err.instancePath || '/';
  let message = err.message ?? `fails ${err.keyword}`;
  const params = err.params;
  if (err.keyword === 'additionalProperties') message += ` ('${String(params.additionalProperty)}')`;
  else if (err.keyword === 'enum')
    message += `: ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
  else if (err.keyword === 'not') {
    const why = (err.parentSchema as { description?: string } | undefined)?.description;
    if (why) message = why;
  }
  return `${at}: ${message}`;
}

/** ":line:col" from V8's "... at position N" (Node 20) or "(line L column C)" (newer Node), or "". */
function jsonErrorPosition(text: string, message: string): string {
  const lc = /\(line (\d+) column (\d+)\)/.exec(message);
  if (lc) return `:${lc[1]}:${lc[2]}`;
  const pos = /at position (\d+)/.exec(message);
  const offset = pos ? Number(pos[1]) : message.includes('end of JSON input') ? text.length : undefined;
  if (offset === undefined) return '';
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - (before.lastIndexOf('\n') + 1) + 1;
  return `:${line}:${column}`;
}

function jsonErrorReason(message: string): string {
  return message
    .replace(/\s*\(line \d+ column \d+\)/, '')
    .replace(/\s+in JSON at position \d+/, '')
    .replace(/^JSON\.parse: /, '');
}

/** Protocols that carry ports: a port list on anything else is a mistake. */
function hasPorts(protocol: string): boolean {
  if (protocol === 'tcp/udp') return true;
  const n = protocolNumber(protocol);
  return n === 6 || n === 17 || n === 132;
}

/** What the schema cannot say: names resolve, addresses parse, ranges are ordered, ids are unique. */
function semanticProblems(p: Profile): string[] {
  const out: string[] = [];
  const networkNames = Object.keys(p.networks);
  const audiences = new Set<string>(['phones', ...(p.audiences ?? [])]);
  const devices = new Set(p.devices ?? []);
  const ids = new Map<string, string>();

  const checkId = (id: string, at: string) => {
    const first = ids.get(id);
    if (first) out.push(`${at}/id: duplicate requirement id "${id}" (first at ${first})`);
    else ids.set(id, at);
  };
  const checkCidrs = (cidrs: readonly string[] | undefined, at: string) => {
    (cidrs ?? []).forEach((c, i) => {
      if (!parseAddressSpec(c)) out.push(`${at}/${i}: "${c}" is not an IP address or CIDR`);
    });
  };
  const checkPorts = (ports: readonly string[] | undefined, protocol: string, at: string) => {
    if (ports && !hasPorts(protocol)) out.push(`${at}: protocol "${protocol}" has no ports`);
    (ports ?? []).forEach((port, i) => {
      if (!parsePortRange(port, '-'))
        out.push(`${at}/${i}: "${port}" is not a port or range lo-hi with lo <= hi <= 65535`);
    });
  };
  const checkDevices = (list: readonly string[] | undefined, at: string) => {
    (list ?? []).forEach((d, i) => {
      if (!devices.has(d)) out.push(`${at}/${i}: device "${d}" is not listed in /devices`);
    });
  };
  const checkProtocol = (protocol: string, at: string) => {
    if (protocol === 'any' || protocol === 'tcp/udp') return;
    if (protocolNumber(protocol) === undefined)
      out.push(`${at}: "${protocol}" is not an IP protocol name or number (0-255)`);
  };

  for (const [name, net] of Object.entries(p.networks)) checkCidrs(net.cidrs, `/networks/${name}/cidrs`);

  p.flows.forEach((f, i) => {
    const at = `/flows/${i}`;
    checkId(f.id, at);
    checkProtocol(f.protocol, `${at}/protocol`);
    checkPorts(f.ports, f.protocol, `${at}/ports`);
    (f.remote.networks ?? []).forEach((n, j) => {
      if (!Object.hasOwn(p.networks, n)) {
        out.push(`${at}/remote/networks/${j}: unknown network "${n}" (known: ${networkNames.join(', ') || 'none'})`);
      }
    });
    checkCidrs(f.remote.cidrs, `${at}/remote/cidrs`);
    if (f.local) {
      (f.local.networks ?? []).forEach((n, j) => {
        if (!Object.hasOwn(p.networks, n)) out.push(`${at}/local/networks/${j}: unknown network "${n}"`);
      });
      checkCidrs(f.local.cidrs, `${at}/local/cidrs`);
    }
    if (f.siteDefinedPorts && f.ports) out.push(`${at}: siteDefinedPorts and ports exclude each other`);
    // Reversed, a flow to hostnames would come from them: fwlint cannot evaluate that (FWL012 checks
    // hostname destinations only).
    if (f.ambiguousDirection && f.remote.hostnames && !f.remote.cidrs && !f.remote.networks)
      out.push(`${at}/ambiguousDirection: a flow to hostnames only cannot be evaluated reversed`);
    if (!audiences.has(f.audience)) out.push(`${at}/audience: "${f.audience}" is not listed in /audiences`);
    checkDevices(f.devices, `${at}/devices`);
  });

  p.settings.forEach((s, i) => {
    const at = `/settings/${i}`;
    checkId(s.id, at);
    if (s.min !== undefined && s.max !== undefined && s.min > s.max)
      out.push(`${at}: min ${s.min} is greater than max ${s.max}`);
    if (s.audience && !audiences.has(s.audience))
      out.push(`${at}/audience: "${s.audience}" is not listed in /audiences`);
  });

  (p.portForwards ?? []).forEach((f, i) => {
    const at = `/portForwards/${i}`;
    checkId(f.id, at);
    checkProtocol(f.protocol, `${at}/protocol`);
    checkPorts(f.ports, f.protocol, `${at}/ports`);
    checkPorts(f.targetPorts, f.protocol, `${at}/targetPorts`);
    if (f.targetPorts && f.targetPorts.length !== f.ports.length) {
      out.push(
        `${at}/targetPorts: ${f.targetPorts.length} entries for ${f.ports.length} in ports; ` +
          'give one target per external port or range',
      );
    } else {
      (f.targetPorts ?? []).forEach((t, j) => {
        const port = f.ports[j]; // as many ports as targetPorts (checked above)
        const a = port === undefined ? undefined : parsePortRange(port, '-');
        const b = parsePortRange(t, '-');
        if (a && b && a[1] - a[0] !== b[1] - b[0])
          out.push(`${at}/targetPorts/${j}: "${t}" is not as wide as "${port ?? ''}"`);
      });
    }
    checkDevices(f.devices, `${at}/devices`);
  });

  (p.notModelled ?? []).forEach((n, i) => {
    checkId(n.id, `/notModelled/${i}`);
  });
  return out;
}
