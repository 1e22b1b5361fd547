import { setFlagsFromString } from 'node:v8';
import picomatch from 'picomatch';

/**
 * Globs for `files` in the config file and for lint arguments, with picomatch's syntax: `**` (any
 * depth), `*` and `?` (within a path segment), `{a,b}`, `[...]`, extglobs. Paths use forward slashes
 * and are relative to the base directory; a pattern without a slash matches a file name at any
 * depth (as in .gitignore), and a pattern ending in `/` covers everything below that directory.
 *
 * Matching is linear in the path: picomatch turns each path segment of the pattern into a regular
 * expression, which runs on V8's linear-time engine (the `l` flag), and `**` segments are matched
 * by a walk over the segments that visits each (pattern segment, path segment) pair once. So
 * patterns such as `a*a*a*…b` or `**\/**\/**…` cannot make matching backtrack exponentially.
 */

// The `l` (linear) flag needs this V8 switch; it only makes the flag available and changes nothing else.
setFlagsFromString('--enable-experimental-regexp-engine');

/** Segments are names from the file system, never `.` or `..`: picomatch's guard against them
 * is a lookahead, which the linear engine does not run, so it is dropped. */
const DOT_GUARD = '(?!(?:^|\\/)\\.{1,2}(?:\\/|$))(?=.)';

const GLOBSTAR = '**';
type SegmentTest = (name: string) => boolean;
type Compiled = (path: string) => boolean;

const cache = new Map<string, Compiled>();

/** A predicate for relative paths (forward slashes) matching `pattern`. */
export function compileGlob(pattern: string): Compiled {
  let m = cache.get(pattern);
  if (!m) cache.set(pattern, (m = compile(pattern)));
  return m;
}

export function isGlob(s: string): boolean {
  return picomatch.scan(s).isGlob;
}

export function matchesAny(path: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => compileGlob(p)(path));
}

function compile(raw: string): Compiled {
  let p = raw.replace(/^(\.\/)+/, '').replace(/^\/+/, '');
  const anchored = p.includes('/');
  if (p.endsWith('/')) p += GLOBSTAR;
  const parts = splitSegments(p);
  if (!parts) {
    // A `{…}` alternative holds a slash: let picomatch match the whole path.
    const whole = picomatch(anchored ? p : `**/${p}`, { dot: true });
    return (path) => whole(path);
  }
  const segs: (SegmentTest | typeof GLOBSTAR)[] = anchored ? [] : [GLOBSTAR];
  for (const s of parts) {
    if (s === GLOBSTAR) {
      if (segs[segs.length - 1] !== GLOBSTAR) segs.push(GLOBSTAR);
    } else segs.push(segmentTest(s));
  }
  return (path) => matchSegments(segs, path.split('/'));
}

/** The pattern's path segments, or undefined when a brace group spans a slash. */
function splitSegments(p: string): string[] | undefined {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '\\') i++;
    else if (c === '{') depth++;
    else if (c === '}' && depth > 0) depth--;
    else if (c === '/') {
      if (depth > 0) return undefined;
      out.push(p.slice(start, i));
      start = i + 1;
    }
  }
  out.push(p.slice(start));
  return out.filter((s, i) => s !== '' || i === out.length - 1).map((s) => (s === '' ? GLOBSTAR : s));
}

/**
 * A test for one path segment. A name spelled exactly as the segment (backslash escapes removed)
 * always matches: folders are named `Oslo (HQ)` or `site[2]`, and a pattern naming one as it is
 * must not turn into a group or a class that matches something else only.
 */
function segmentTest(segment: string): SegmentTest {
  const literal = segment.replace(/\\(.)/g, '$1');
  if (!picomatch.scan(segment).isGlob) return (name) => name === literal;
  const re = picomatch.makeRe(segment, { dot: true });
  let linear: RegExp;
  try {
    // eslint-disable-next-line no-invalid-regexp -- 'l' is V8's linear-engine flag, which the rule does not know
    linear = new RegExp(re.source.split(DOT_GUARD).join(''), 'l');
  } catch {
    // Not expressible for the linear engine (e.g. a backreference in an extglob): picomatch's own.
    return (name) => name === literal || re.test(name);
  }
  return (name) => name === literal || linear.test(name);
}

/** Whether the path segments match; `**` takes zero or more segments. O(pattern × path). */
function matchSegments(segs: readonly (SegmentTest | typeof GLOBSTAR)[], names: readonly string[]): boolean {
  // reach[j]: the pattern's first i segments can consume exactly the first j names.
  let reach = new Uint8Array(names.length + 1);
  reach[0] = 1;
  for (const seg of segs) {
    const next = new Uint8Array(names.length + 1);
    if (seg === GLOBSTAR) {
      let on = 0;
      for (let j = 0; j <= names.length; j++) {
        if (reach[j]) on = 1;
        next[j] = on;
      }
    } else {
      for (let j = 0; j < names.length; j++) if (reach[j] && seg(names[j] ?? '')) next[j + 1] = 1;
    }
    reach = next;
  }
  return reach[names.length] === 1;
}
