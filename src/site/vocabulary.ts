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
export function tokens(text: string): string[] {
  return text
    .replace(/([a-zäöüåæøé])([A-ZÄÖÜÅÆØÉ])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9äöüåæøéè]+/)
    .filter((t) => t !== '');
}

function hasStem(text: string, stems: readonly string[], whole?: ReadonlySet<string>): string | undefined {
  for (const t of tokens(text)) {
    if (whole?.has(t)) return t;
    const s = stems.find((x) => t.startsWith(x));
    if (s) return t;
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

export function infraWord(text: string): string | undefined {
  const t = tokens(text);
  return (
    t.find((x) => INFRA_STEMS.includes(x)) ??
    hasStem(text, ['mgmt', 'manage', 'guest', 'gast', 'gäst', 'dmz', 'vpn', 'wireguard', 'loopback'])
  );
}
