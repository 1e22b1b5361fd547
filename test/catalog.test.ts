import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { corpusDescribe, shared } from './helpers/tiers.js';
import { UsageError } from '../src/model/errors.js';
import type { Profile } from '../src/model/profile.js';
import { catalogDir, listProfiles, loadProfile } from '../src/profiles/load.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CATALOG = join(ROOT, 'catalog');
/** The provider documents every catalog number must be traceable to (../shared from the project root). */
const SEEDS = shared('seeds');

const IDS = ['ipnordic', 'mitel-mx-one', 'openscape-business', 'spectralink-versity', 'tele2-vaxel'];

const squash = (s: string) => s.replace(/\s+/g, ' ').trim();
const seedText = new Map<string, string>();
function seed(p: Profile): string {
  const file = p.document.seed!;
  if (!seedText.has(file)) seedText.set(file, squash(readFileSync(join(SEEDS, file), 'utf8')));
  return seedText.get(file)!;
}

/** `n` occurs in `text` as a whole number (not inside a longer run of digits). */
const hasNumber = (text: string, n: string) => new RegExp(`(?<![0-9])${n}(?![0-9])`).test(text);

interface Traced {
  req: string;
  quote: string;
  numbers: string[];
}

/** Every number a requirement states: its ports, the CIDRs it names (directly or via networks), udp-timeout bounds. */
function tracedNumbers(p: Profile): Traced[] {
  const ofPorts = (ports: readonly string[] | undefined) => (ports ?? []).flatMap((x) => x.split('-'));
  const ofCidrs = (cidrs: readonly string[]) => cidrs.flatMap((c) => (c.includes(':') ? [] : c.split(/[./]/)));
  const out: Traced[] = [];
  for (const f of p.flows) {
    const cidrs = [...(f.remote.cidrs ?? []), ...(f.remote.networks ?? []).flatMap((n) => p.networks[n]!.cidrs)];
    out.push({ req: f.id, quote: f.source.quote, numbers: [...ofPorts(f.ports), ...ofCidrs(cidrs)] });
  }
  for (const s of p.settings) {
    const bounds = [s.min, s.max].filter((v): v is number => v !== undefined).map(String);
    out.push({ req: s.id, quote: s.source.quote, numbers: bounds });
  }
  for (const f of p.portForwards ?? []) {
    out.push({ req: f.id, quote: f.source.quote, numbers: [...ofPorts(f.ports), ...ofPorts(f.targetPorts)] });
  }
  return out;
}

/**
 * Numbers that are in the seed but not in the requirement's own quote, each with the reason.
 * Keep this list short: prefer a quote that holds the numbers.
 */
const NOT_IN_QUOTE: Record<string, string> = {
  'tele2-vaxel/tele2-mitel-rcs/443': 'the OCR splits the port cell as "80/44 3"',
  'openscape-business/osbiz-stun/3478': 'the port appears only in the STUN configuration screenshot',
};

/** An open range such as "4000-" in a quote stands for "up to the highest port". */
const openRangeMax = (quote: string, n: string) => n === '65535' && /(?<![0-9])\d{1,5}-(?![0-9])/.test(quote);

describe('bundled catalog', () => {
  const profiles = listProfiles();

  it('holds exactly the five provider profiles, sorted by id, named after their files', () => {
    expect(profiles.map((p) => p.id)).toEqual(IDS);
    const files = readdirSync(CATALOG)
      .filter((f) => f.endsWith('.json') && f !== 'profile.schema.json')
      .sort();
    expect(files).toEqual(IDS.map((id) => `${id}.json`));
    expect(catalogDir()).toBe(CATALOG);
  });

  it.each(IDS)('%s loads by id and by path, points at the schema and at its seed', (id) => {
    const byId = loadProfile(id);
    expect(byId.id).toBe(id);
    expect(loadProfile(join(CATALOG, `${id}.json`))).toEqual(byId);
    const raw = JSON.parse(readFileSync(join(CATALOG, `${id}.json`), 'utf8')) as Record<string, unknown>;
    expect(raw.$schema).toBe('./profile.schema.json');
    expect(byId.document.seed).toMatch(/^00[0-4]_[0-9a-f]{16}\.txt$/);
  });

  it('ipnordic: the transcription says what the document says', () => {
    const p = loadProfile('ipnordic');
    expect(p.networks.ipnordic!.cidrs).toEqual(['185.72.208.0/22']);
    expect(p.settings.find((s) => s.kind === 'udp-timeout')).toMatchObject({ min: 300, severity: 'error' });
    expect(p.settings.find((s) => s.kind === 'udp-timeout')!.max).toBeUndefined();
    const kinds = Object.fromEntries(p.settings.map((s) => [s.kind, s.severity]));
    expect(kinds).toEqual({
      'nat-required': 'error',
      'no-port-forward-to-phones': 'warning',
      'sip-alg-off': 'error',
      'udp-timeout': 'error',
      dns: 'error',
      'icmp-from-wan': 'warning',
      'return-traffic': 'error',
    });
    const rtp = p.flows.find((f) => f.id === 'ipnordic-rtp')!;
    expect(rtp).toMatchObject({
      protocol: 'udp',
      ports: ['10000-65000'],
      direction: 'outbound',
      severity: 'error',
      remote: { networks: ['ipnordic'] },
    });
    const wifi = p.flows.filter((f) => f.audience === 'wifi-calling');
    expect(wifi.map((f) => `${f.protocol} ${f.ports?.join(',') ?? ''}`.trim())).toEqual([
      'udp 500',
      'udp 4500',
      'esp',
      'ah',
    ]);
    expect(p.networks['wifi-calling-epdg']!.cidrs).toHaveLength(5);
    expect(p.flows.filter((f) => f.devices).map((f) => f.devices!.join())).toEqual([
      'snom',
      'gigaset',
      'gigaset',
      'gigaset',
    ]);
    expect(p.audiences).toEqual(['pc-software', 'wifi-calling', 'mobile-app']);
  });

  it('tele2-vaxel: "Incoming*" rows give an outbound flow and a without-NAT inbound note', () => {
    const p = loadProfile('tele2-vaxel');
    expect(p.networks['tele2-platform']!.cidrs).toEqual(['213.100.32.64/27', '213.100.32.240/28', '213.100.33.0/28']);
    const inbound = p.flows.filter((f) => f.direction === 'inbound');
    expect(inbound.length).toBe(9);
    for (const f of inbound) {
      expect(f).toMatchObject({ condition: 'without-nat', severity: 'note' });
      expect(f.source.quote).toContain('Incoming*');
      const out = p.flows.find((g) => g.id === f.id.replace(/-in$/, '-out'))!;
      expect(out.direction).toBe('outbound');
      expect(out.ports).toEqual(f.ports);
    }
    expect(p.flows.find((f) => f.id === 'tele2-rtp-out')).toMatchObject({
      ports: ['49152-65535'],
      severity: 'error',
      protocol: 'udp',
    });
    expect(p.flows.find((f) => f.id === 'tele2-mitel-rcs')).toMatchObject({
      ports: ['80', '443'],
      remote: { hostnames: ['rcs.aastra.com'] },
      devices: ['mitel'],
    });
    expect(p.settings).toMatchObject([{ kind: 'sip-alg-off', severity: 'note' }]);
    const devices = new Set(p.flows.flatMap((f) => f.devices ?? []));
    expect([...devices].sort()).toEqual([...p.devices!].sort());
  });

  it('spectralink-versity: Biz Phone SIP goes to the on-premises call server, Google push comes in from anywhere', () => {
    const p = loadProfile('spectralink-versity');
    const sip = p.flows.filter((f) => f.ports?.some((x) => /^50[67][01]$/.test(x)));
    expect(sip.map((f) => f.ports![0])).toEqual(['5060', '5061', '5070', '5071']);
    for (const f of sip) expect(f).toMatchObject({ remote: { pbx: true }, protocol: 'tcp/udp', audience: 'phones' });
    expect(p.flows.find((f) => f.id === 'versity-google-push-in')).toMatchObject({
      direction: 'inbound',
      ports: ['5228-5230'],
      remote: { any: true },
    });
    // The OA&M rows that the seed makes optional are opt-in (audience servers); the others are the phones'.
    const optional = p.flows.filter((f) => f.audience !== 'phones').map((f) => f.id);
    expect(optional.sort()).toEqual([
      'versity-amie',
      'versity-ldap',
      'versity-log-upload',
      'versity-software-update',
      'versity-syslog',
    ]);
    for (const id of optional) expect(p.flows.find((f) => f.id === id)!.local).toEqual({ roles: ['phones'] });
  });

  it('mitel-mx-one: phone flows go to the PBX and the firewall column "Y" ("should be open") is a warning', () => {
    const p = loadProfile('mitel-mx-one');
    for (const f of p.flows) expect(f.severity).toBe('warning');
    const phoneFlows = p.flows.filter((f) => f.audience === 'phones');
    for (const f of phoneFlows) expect(f.remote).toEqual({ pbx: true });
    expect(p.flows.find((f) => f.id === 'mxone-sip-out')).toMatchObject({
      protocol: 'tcp/udp',
      ports: ['5060'],
      direction: 'outbound',
    });
    expect(p.flows.find((f) => f.id === 'mxone-sip-in')).toMatchObject({
      protocol: 'tcp/udp',
      ports: ['5060'],
      direction: 'inbound',
    });
    // The domain-controller rows name their far end: the site's server "domain-controller" (--server).
    for (const f of p.flows.filter((g) => g.source.quote.includes('Domain Controller')))
      expect(f.remote).toEqual({ servers: ['domain-controller'] });
  });

  it('openscape-business: port-forwards to the PBX, with the external-to-internal port map', () => {
    const p = loadProfile('openscape-business');
    const fwd = Object.fromEntries((p.portForwards ?? []).map((f) => [f.id, f]));
    expect(fwd['osbiz-fwd-hfa']).toMatchObject({
      protocol: 'tcp',
      ports: ['4060'],
      targetPorts: ['4062'],
      to: 'pbx',
      severity: 'error',
    });
    expect(fwd['osbiz-fwd-rtp-x']).toMatchObject({
      protocol: 'udp',
      ports: ['30274-30529'],
      devices: ['osbiz-x'],
      severity: 'error',
    });
    expect(fwd['osbiz-fwd-rtp-s']).toMatchObject({
      protocol: 'udp',
      ports: ['30528-30887'],
      devices: ['osbiz-s'],
      severity: 'error',
    });
    expect(fwd['osbiz-fwd-https']).toMatchObject({ ports: ['8802'], severity: 'note' });
    // Section 5 is about the home router a System Device@Home sits behind: opt-in, not the office phones.
    expect(p.settings.filter((s) => s.kind === 'source-port-preservation').map((s) => s.audience)).toEqual([
      'pbx',
      'home-router',
    ]);
  });
});

/** A bundled profile as raw JSON, edited below into shapes the schema or the semantic checks refuse. */
type RawEntry = Record<string, unknown> & { id: string; ports: string[]; remote: { networks: string[] } };
interface RawProfile {
  flows: RawEntry[];
  settings: RawEntry[];
  notModelled?: RawEntry[];
  networks: Record<string, { cidrs: string[] }>;
  audiences: string[];
  devices: string[];
}

describe('loadProfile errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fwlint-catalog-'));
  const base = () => JSON.parse(readFileSync(join(CATALOG, 'ipnordic.json'), 'utf8')) as RawProfile;
  const write = (name: string, data: unknown) => {
    const file = join(dir, name);
    writeFileSync(file, typeof data === 'string' ? data : JSON.stringify(data, null, 2));
    return file;
  };
  const errorOf = (arg: string): UsageError => {
    try {
      loadProfile(arg);
    } catch (e) {
      expect(e).toBeInstanceOf(UsageError);
      expect((e as Error).message).not.toContain('\n');
      return e as UsageError;
    }
    throw new Error(`loadProfile('${arg}') did not throw`);
  };

  it('a copy of a bundled profile loads from a path', () => {
    expect(loadProfile(write('copy.json', base())).id).toBe('ipnordic');
  });

  it('a port that breaks the pattern: JSON pointer and ajv message', () => {
    const p = base();
    p.flows[3]!.ports[0] = '80a';
    const file = write('pattern.json', p);
    expect(errorOf(file).message).toBe(
      `profile ${file}: /flows/3/ports/0: must match pattern "^\\d{1,5}(-\\d{1,5})?$"`,
    );
  });

  it('several schema errors: the first one and how many more', () => {
    const p = base();
    p.flows[0]!.severity = 'fatal';
    p.flows[1]!.direction = 'both';
    p.settings[0]!.colour = 'red';
    const file = write('several.json', p);
    expect(errorOf(file).message).toBe(
      `profile ${file}: /flows/0/severity: must be equal to one of the allowed values: "error", "warning", "note" (and 2 more)`,
    );
  });

  it('an unknown property is named', () => {
    const p = base();
    p.settings[0]!.colour = 'red';
    const file = write('extra.json', p);
    expect(errorOf(file).message).toBe(`profile ${file}: /settings/0: must NOT have additional properties ('colour')`);
  });

  it('udp-timeout without min, and min on another kind', () => {
    const p = base();
    delete p.settings[3]!.min;
    const file = write('nomin.json', p);
    expect(errorOf(file).message).toBe(`profile ${file}: /settings/3: must have required property 'min'`);
    const q = base();
    q.settings[0]!.min = 5;
    const file2 = write('minelsewhere.json', q);
    expect(errorOf(file2).message).toBe(`profile ${file2}: /settings/0/min: only udp-timeout takes min`);
  });

  it('an unknown network name', () => {
    const p = base();
    p.flows[2]!.remote.networks = ['ipnordik'];
    const file = write('network.json', p);
    expect(errorOf(file).message).toBe(
      `profile ${file}: /flows/2/remote/networks/0: unknown network "ipnordik" (known: ipnordic, ipnordic-software, ` +
        `ipnordic-lb, wifi-calling-epdg)`,
    );
  });

  it('semantic checks: CIDRs, port ranges, udp-timeout bounds, unique ids, audiences, devices, reversed hostnames', () => {
    const cases: [string, (p: RawProfile) => void, string][] = [
      [
        'cidr',
        (p) => (p.networks.ipnordic!.cidrs[0] = '185.72.208.0/33'),
        '/networks/ipnordic/cidrs/0: "185.72.208.0/33" is not an IP address or CIDR',
      ],
      [
        'range',
        (p) => (p.flows[8]!.ports[0] = '65000-10000'),
        '/flows/8/ports/0: "65000-10000" is not a port or range lo-hi with lo <= hi <= 65535',
      ],
      [
        'high',
        (p) => (p.flows[8]!.ports[0] = '10000-70000'),
        '/flows/8/ports/0: "10000-70000" is not a port or range lo-hi with lo <= hi <= 65535',
      ],
      ['minmax', (p) => (p.settings[3]!.max = 60), '/settings/3: min 300 is greater than max 60'],
      [
        'dupid',
        (p) => (p.settings[1]!.id = p.flows[0]!.id),
        '/settings/1/id: duplicate requirement id "ipnordic-all-outbound" (first at /flows/0)',
      ],
      [
        'audience',
        (p) => (p.audiences = ['pc-software', 'mobile-app']),
        '/flows/14/audience: "wifi-calling" is not listed in /audiences (and 3 more)',
      ],
      [
        'device',
        (p) => (p.devices = ['snom']),
        '/flows/11/devices/0: device "gigaset" is not listed in /devices (and 2 more)',
      ],
      ['espports', (p) => (p.flows[16]!.ports = ['50']), '/flows/16/ports: protocol "esp" has no ports'],
      [
        'dupnotmodelled',
        (p) => (p.notModelled = [{ ...p.notModelled![0]!, id: p.settings[0]!.id }]),
        '/notModelled/0/id: duplicate requirement id "ipnordic-nat-required" (first at /settings/0)',
      ],
      [
        'ambiguoushostnames',
        (p) => {
          p.flows[11]!.ambiguousDirection = { quote: 'x', reading: 'y' };
        },
        '/flows/11/ambiguousDirection: a flow to hostnames only cannot be evaluated reversed',
      ],
    ];
    for (const [name, mutate, expected] of cases) {
      const p = base();
      mutate(p);
      const file = write(`${name}.json`, p);
      expect(errorOf(file).message).toBe(`profile ${file}: ${expected}`);
    }
  });

  it('invalid JSON names the file, line and column', () => {
    const file = write('broken.json', '{\n  "id": "x",\n  "name" "y"\n}\n');
    expect(errorOf(file).message).toMatch(
      new RegExp(`^profile ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:10: invalid JSON: `),
    );
  });

  it('an unknown id that is not a file either lists the known ids', () => {
    expect(errorOf('ipnordc').message).toBe(
      "unknown profile 'ipnordc': not a bundled profile (ipnordic, mitel-mx-one, openscape-business, " +
        'spectralink-versity, tele2-vaxel) nor a readable file',
    );
    expect(errorOf(join(dir, 'missing.json')).message).toContain('not a bundled profile (ipnordic, mitel-mx-one');
  });

  it('issue 13: the missing seed rows are in the catalog, with site roles and named servers as ends', () => {
    const ip = loadProfile('ipnordic');
    expect(
      ip.flows
        .filter((f) => f.local?.roles?.includes('pcs'))
        .map((f) => [f.id, f.protocol, f.ports, f.remote, f.audience, f.severity]),
    ).toEqual([
      ['ipnordic-pc-phone-http', 'tcp', ['80'], { roles: ['phones'] }, 'pc-software', 'error'],
      ['ipnordic-pc-phone-icmp', 'icmp', undefined, { roles: ['phones'] }, 'pc-software', 'error'],
    ]);
    const sl = loadProfile('spectralink-versity');
    const byId = (p: Profile, id: string) => p.flows.find((f) => f.id === id)!;
    expect(byId(sl, 'versity-sam-heartbeat')).toMatchObject({
      direction: 'outbound',
      ports: ['443'],
      remote: { servers: ['sam'] },
    });
    expect(byId(sl, 'versity-sam-trigger')).toMatchObject({
      direction: 'inbound',
      ports: ['9090'],
      remote: { servers: ['sam'] },
    });
    expect(byId(sl, 'versity-amie')).toMatchObject({
      ports: ['8883'],
      remote: { servers: ['amie'] },
      audience: 'servers',
    });
    expect(byId(sl, 'versity-syslog')).toMatchObject({ protocol: 'udp', ports: ['514'], severity: 'note' });
    expect(byId(sl, 'versity-ldap').ports).toEqual(['389', '636']);
    expect(byId(sl, 'versity-software-update').ports).toEqual(['80', '443']);
    const mx = loadProfile('mitel-mx-one');
    expect(byId(mx, 'mxone-mgw-rtp')).toMatchObject({
      siteDefinedPorts: { minConsecutive: 200 },
      remote: { roles: ['phones'] },
    });
    expect(byId(mx, 'mxone-mgw-rtp').ports).toBeUndefined();
    const dc = mx.flows.filter((f) => f.remote.servers?.includes('domain-controller'));
    expect(dc.map((f) => `${f.protocol} ${f.ports!.join(',')}`)).toEqual([
      'udp 389',
      'tcp 389',
      'tcp/udp 88',
      'tcp 445',
    ]);
    expect(
      ['mxone-sip-trunk', 'mxone-sip-trunk-tls', 'mxone-smtp', 'mxone-snmp', 'mxone-snmp-trap', 'mxone-ssh'].map(
        (id) => byId(mx, id).ports,
      ),
    ).toEqual([['5060'], ['5061'], ['25'], ['161'], ['162'], ['22']]);
    expect(mx.flows.filter((f) => f.remote.servers?.includes('mx-one-peer')).map((f) => f.id)).toEqual([
      'mxone-db-sync',
      'mxone-ipsec-ike',
      'mxone-ipsec-esp',
    ]);
  });
});

// The provider documents are not in the repository: these run in the corpus tier (npm run test:corpus).
corpusDescribe('catalog against the provider documents', 'seeds', () => {
  it.each(IDS)('%s: its seed document is there', (id) => {
    expect(seed(loadProfile(id)).length).toBeGreaterThan(1000);
  });

  it.each(IDS)('%s: every quote appears verbatim in its seed (whitespace collapsed)', (id) => {
    const p = loadProfile(id);
    const text = seed(p);
    const sources = [...p.flows, ...p.settings, ...(p.portForwards ?? []), ...(p.notModelled ?? [])].map((r) => ({
      id: r.id,
      quote: squash(r.source.quote),
    }));
    // The words an ambiguous direction is quoted with (the uncertain verdict shows them) are the document's too.
    for (const f of p.flows)
      if (f.ambiguousDirection)
        sources.push({ id: `${f.id}/ambiguousDirection`, quote: squash(f.ambiguousDirection.quote) });
    const missing = sources.filter((s) => !text.includes(s.quote));
    expect(missing).toEqual([]);
  });

  it.each(IDS)('%s: every port, CIDR and timeout number is in the quote, else in the seed', (id) => {
    const p = loadProfile(id);
    const text = seed(p);
    const untraceable: string[] = [];
    const quoteOnlyMisses: string[] = [];
    for (const t of tracedNumbers(p)) {
      const quote = squash(t.quote);
      for (const n of new Set(t.numbers)) {
        if (hasNumber(quote, n) || openRangeMax(quote, n)) continue;
        if (!hasNumber(text, n)) untraceable.push(`${t.req}: ${n}`);
        else quoteOnlyMisses.push(`${p.id}/${t.req}/${n}`);
      }
    }
    expect(untraceable).toEqual([]);
    expect(quoteOnlyMisses).toEqual(Object.keys(NOT_IN_QUOTE).filter((k) => k.startsWith(`${p.id}/`)));
  });
});
