/**
 * Words that name phones, PCs, PBXs and networks that are not phones, in the languages fwlint's users
 * write configurations in (docs/site-detection.md). Names are split into tokens first
 * (`lan_voip_phones`, `VoiceVLAN`, `PHONEVLAN`), and a token matches when it starts with a stem.
 */

/** voice, voip, phone, sip, telefon (da/de/no/sv/pl), telefonia (es/it/pl), téléphonie (fr), telefoni (sv/da/it), puhelin (fi). */
const PHONE_STEMS = [
  'voice',
  'voip',
  'phone',
  'ipphone',
  'iptel',
  'sip',
  'telefon',
  'telephon',
  'téléphon',
  'telephone',
  'teléfono',
  'telefono',
  'puhelin',
  'dect',
  'handset',
  'yealink',
  'polycom',
  'snom',
  'gigaset',
  'spectralink',
  'versity',
];
/** Whole tokens only (too short to be stems). */
const PHONE_TOKENS = new Set(['tel', 'tlf', 'fon', 'vox', 'uc', 'rtp']);

/** Names that contain a phone word but are not phone networks (charging stations, guests, ...). */
const NOT_PHONE_STEMS = [
  'charg',
  'laddning',
  'ladestation',
  'laden',
  'lade',
  'carga',
  'ricarica',
  'recharge',
  'guest',
  'gast',
  'gäst',
  'gjest',
  'invit',
  'ospit',
  'visitor',
  'besucher',
  'besøg',
  'hotspot',
  'public',
  'mobile',
  'mobil',
  'byod',
];

const PC_STEMS = [
  'pc',
  'desktop',
  'workstation',
  'office',
  'kontor',
  'buero',
  'büro',
  'staff',
  'clients',
  'client',
  'data',
  'corp',
  'lan',
  'users',
  'user',
];
const PBX_STEMS = [
  'pbx',
  'ipbx',
  'asterisk',
  'freepbx',
  '3cx',
  'mxone',
  'openscape',
  'osbiz',
  'vaxel',
  'växel',
  'telefonanlage',
  'centralita',
  'centralino',
  'callmanager',
  'cucm',
];
/** Networks that are never assumed to hold PCs or phones. */
const INFRA_STEMS = [
  'mgmt',
  'manage',
  'management',
  'admin',
  'oob',
  'ipmi',
  'dmz',
  'vpn',
  'wg',
  'wireguard',
  'ovpn',
  'openvpn',
  'ipsec',
  'tunnel',
  'loopback',
  'lo',
  'iot',
  'camera',
  'cctv',
  'printer',
  'storage',
  'backup',
  'transit',
  'sync',
  'pfsync',
  'ha',
];

/** Splits `lan_voip-Phones`, `VoiceVLAN`, `vlan202` into lower-case tokens. */
export function tokens(text: string): readonly string[] {
  return asciiTokens(text) ?? regexTokens(text);
}

function regexTokens(text: string): string[] {
  return text
    .replace(/([a-zäöüåæøé])([A-ZÄÖÜÅÆØÉ])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9äöüåæøéè]+/)
    .filter((t) => t !== '');
}

/**
 * regexTokens for ASCII text in one pass without regular expressions: a token ends at every character
 * that is not a letter or digit and between a lower-case and an upper-case letter. Undefined for other
 * text (case mapping beyond ASCII is left to regexTokens).
 */
function asciiTokens(text: string): string[] | undefined {
  const out: string[] = [];
  let start = -1;
  let prevLower = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128) return undefined;
    const lower = c >= 97 && c <= 122;
    const upper = c >= 65 && c <= 90;
    const word = lower || upper || (c >= 48 && c <= 57);
    if (start >= 0 && (!word || (upper && prevLower))) {
      out.push(text.slice(start, i).toLowerCase());
      start = -1;
    }
    if (word && start < 0) start = i;
    prevLower = lower;
  }
  if (start >= 0) out.push(text.slice(start).toLowerCase());
  return out;
}

function hasStem(text: string, stems: readonly string[], whole?: ReadonlySet<string>): string | undefined {
  return stemIn(tokens(text), stems, whole);
}

function stemIn(ts: readonly string[], stems: readonly string[], whole?: ReadonlySet<string>): string | undefined {
  for (const t of ts) {
    if (whole?.has(t)) return t;
    for (const x of stems) if (t.startsWith(x)) return t;
  }
  return undefined;
}

/** The phone word in a name, or undefined. */
export function phoneWord(text: string): string | undefined {
  return hasStem(text, PHONE_STEMS, PHONE_TOKENS);
}

/** The word that says a phone-named network is something else (guest, charging...), or undefined. */
export function notPhoneWord(text: string): string | undefined {
  return hasStem(text, NOT_PHONE_STEMS);
}

export function pcWord(text: string): string | undefined {
  return hasStem(text, PC_STEMS);
}

export function pbxWord(text: string): string | undefined {
  return hasStem(text, PBX_STEMS);
}

/** pbxWord of text already split into tokens. */
export function pbxIn(ts: readonly string[]): string | undefined {
  return stemIn(ts, PBX_STEMS);
}

const INFRA_TOKENS: ReadonlySet<string> = new Set(INFRA_STEMS);
const INFRA_PREFIXES = ['mgmt', 'manage', 'guest', 'gast', 'gäst', 'dmz', 'vpn', 'wireguard', 'loopback'];

export function infraWord(text: string): string | undefined {
  return infraIn(tokens(text));
}

/** infraWord of text already split into tokens. */
export function infraIn(t: readonly string[]): string | undefined {
  return t.find((x) => INFRA_TOKENS.has(x)) ?? stemIn(t, INFRA_PREFIXES);
}
