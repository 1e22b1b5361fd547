/**
 * Redaction of secrets in diagnostic messages (issue 10). A parse error or finding that quotes config
 * text must never show a password, PSK, key, certificate, community or token: values of
 * secret-bearing keys, PEM blocks and long base64/hex runs become a placeholder. Used where parse
 * errors are built and, as a last line of defence, on every message the CLI writes.
 *
 * Every pattern starts only at a token boundary (lookbehind) and has no nested quantifiers, so the
 * cost is linear in the message length whatever it holds.
 */

export const REDACTED = '[redacted]';

/** Names of settings whose value is secret in some vendor's syntax (pfSense tags, FortiOS `set`, RouterOS `key=`). */
const SECRET_NAME = new RegExp(
  [
    'pass|psk|pre-?shared|secret|private',
    '(?:^|[-_])key$|^key|authkey|auth-key|authentication-key',
    'token|community|cert|^crt$|^prv$|hash|ppk|wpa|^enc$',
  ].join('|'),
  'i',
);

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

const PEM = /-----BEGIN [A-Z0-9 ]{1,40}-----[^]*?(?:-----END [A-Z0-9 ]{1,40}-----|$)/g;
const XML_VALUE = /<([\w:.-]{1,64})>([^<]*)/g;
const JSON_VALUE = /"([\w.-]{1,64})"(\s*:\s*)"((?:[^"\\]|\\.)*)"?/g;
const SET_VALUE = /(?<![\w-])(set\s+)([\w-]{1,64})(\s+)([^\r\n]*)/g;
// A value already redacted is left alone, so redacting a redacted text changes nothing (a quote is
// redacted line by line and then whole): without the lookahead `key=[redacted]` became `key=[redacted]]`.
const KEY_VALUE = /(?<![\w.-])([A-Za-z][\w.-]{0,63})(=)(?!\[redacted\])("[^"]*"?|'[^']*'?|[^\s"',;)\]}]*)/g;
/**
 * `nft -j` names what a meta, ct, socket or rt expression reads with `"key"`: `{"meta": {"key":
 * "iifname"}}`. Those values are the nft vocabulary (nft(8), "META EXPRESSIONS", "CONNTRACK
 * EXPRESSIONS"), never secrets, and quoting them keeps a JSON rule readable.
 */
const NFT_JSON_KEYS = [
  'iif|oif|iifname|oifname|iiftype|oiftype|iifgroup|oifgroup|iifkind|oifkind|ibrname|obrname',
  'l4proto|nfproto|l3proto|protocol|mark|state|status|direction|helper|expiration|zone|length',
  'priority|skuid|skgid|pkttype|cpu|cgroup|random|secpath|time|day|hour|nexthop|mtu|ipsec',
  'saddr|daddr|proto-src|proto-dst|bytes|packets|avgpkt|label|count|id|event|transparent|wildcard|classid',
].join('|');
const NFT_JSON_KEY = new RegExp(`^key:(?:${NFT_JSON_KEYS})$`);
const RUN = /(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{24,}={0,2}/g;

/**
 * Words joined in CamelCase ("PolycomYealinkMikrotikSwitchConfig", a directory or object name): letters
 * only, runs of capitals at most 4 long (an acronym), and at least two thirds of the letters in runs of
 * 3 or more lower-case letters (short words such as "And" or "To" allowed). Random letters have about a
 * quarter of them there. A loop, not a regular expression: alternatives of letter runs backtrack.
 */
function camelWords(run: string): boolean {
  let lower = 0;
  let upper = 0;
  let inWords = 0;
  for (let i = 0; i <= run.length; i++) {
    const c = i < run.length ? run.charCodeAt(i) : 65;
    if (c >= 97 && c <= 122) {
      lower++;
      upper = 0;
      continue;
    }
    if (c < 65 || c > 90) return false;
    if (lower >= 3) inWords += lower;
    lower = 0;
    if (i < run.length && ++upper > 4) return false;
  }
  return 3 * inWords >= 2 * run.length;
}

/** A long run that looks like key material, not like a word or a path. */
function secretRun(run: string): boolean {
  const digit = /\d/.test(run);
  const letter = /[A-Za-z]/.test(run);
  const mixed = /[a-z]/.test(run) && /[A-Z]/.test(run);
  if (run.includes('/')) return digit && mixed;
  return (digit && letter) || (mixed && run.length >= 32 && !camelWords(run)) || /^\d{32,}$/.test(run);
}

/**
 * The text with every secret-looking value replaced by REDACTED. Occurrences of the `keep` texts stay as
 * they are: the paths of the linted files, which messages name and which are the user's own names,
 * not configuration text (`configs/Office2024/core.rsc` holds a run of letters, digits and slashes that
 * looks like key material).
 */
export function redact(text: string, keep: readonly string[] = []): string {
  for (const k of keep) {
    const i = k.length > 0 ? text.indexOf(k) : -1;
    if (i >= 0) return redact(text.slice(0, i), keep) + k + redact(text.slice(i + k.length), keep);
  }
  if (text.length === 0) return text;
  return (
    text
      .replace(PEM, REDACTED)
      .replace(XML_VALUE, (m, tag: string, value: string) => (isSecretName(tag) && value ? `<${tag}>${REDACTED}` : m))
      .replace(JSON_VALUE, (m, key: string, sep: string, value: string) =>
        isSecretName(key) && value && !NFT_JSON_KEY.test(`${key}:${value}`) ? `"${key}"${sep}"${REDACTED}"` : m,
      )
      // key=value before `set name value`: a `set` match runs to the end of its line, so which `set`
      // it starts at must not depend on a key=value redacted after it (the second pass would then pair
      // another `set` with another name: `password=set set passwordset x` kept its x only once).
      .replace(KEY_VALUE, (m, key: string, eq: string, value: string) =>
        isSecretName(key) && value ? `${key}${eq}${REDACTED}` : m,
      )
      .replace(SET_VALUE, (m, set: string, key: string, sp: string, value: string) =>
        isSecretName(key) && value ? `${set}${key}${sp}${REDACTED}` : m,
      )
      .replace(RUN, (run) => (secretRun(run) ? REDACTED : run))
  );
}
