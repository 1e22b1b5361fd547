/**
 * Minimal redaction for configuration lines quoted in reports (HTML evidence, Markdown). Any line
 * that names a secret keeps its keyword and loses its value. Deliberately over-eager: a quoted
 * line that loses a harmless value costs nothing; a leaked pre-shared key costs a lot.
 * TODO(lead): replace with the shared helper src/model/redact.ts once the fuzz branch lands.
 */
const SECRET_WORDS = [
  'pass(?:word|phrase|wd)?',
  'secret',
  'psk',
  'pre-?shared(?:-?key)?',
  'private-?key',
  '\\bkey\\b',
  'community',
  'token',
  'auth(?:entication)?-?key',
  'hash',
  'md5',
  'sha\\d*',
  'bcrypt',
  'enc\\b',
];
const SECRET = new RegExp(`(${SECRET_WORDS.join('|')})`, 'i');

export function redactLine(line: string): string {
  if (!SECRET.test(line)) return line;
  return (
    line
      // <password>value</password>, <psk>value</psk>
      .replace(/(<([\w:-]+)[^>]*>)[^<]*(<\/\2>)/g, (m, open: string, tag: string, close: string) =>
        SECRET.test(tag) ? `${open}[redacted]${close}` : m,
      )
      // key=value, key: value, key "value", set key ENC value
      .replace(
        new RegExp(`${SECRET.source}(\\s*[=:]\\s*|\\s+)(?:ENC\\s+)?("[^"]*"|'[^']*'|\\S+)`, 'gi'),
        (_m, key: string, sep: string) => `${key}${sep}[redacted]`,
      )
  );
}
