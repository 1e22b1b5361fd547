/**
 * Globs for `files` in the config file and for lint arguments: `**` (any depth), `*` and `?`
 * (within a path segment), `{a,b}` and `[...]`. Paths use forward slashes and are relative to the
 * base directory; a pattern without a slash matches a file name at any depth, as in .gitignore.
 */
export function globToRegExp(pattern: string): RegExp {
  const p = pattern.replace(/^\.\//, '');
  const anchored = p.includes('/');
  let re = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '*') {
      if (p[i + 1] === '*') {
        const slash = p[i + 2] === '/';
        re += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '{') {
      const end = p.indexOf('}', i);
      if (end < 0) re += '\\{';
      else {
        re += `(?:${p
          .slice(i + 1, end)
          .split(',')
          .map(escape)
          .join('|')})`;
        i = end;
      }
    } else if (c === '[') {
      const end = p.indexOf(']', i);
      if (end < 0) re += '\\[';
      else {
        re += `[${p
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += escape(c);
  }
  // A directory pattern ("site-a/") covers everything below it.
  if (re.endsWith('/')) re += '.*';
  return new RegExp(`^${anchored ? '' : '(?:.*/)?'}${re}$`);
}

function escape(s: string): string {
  return s.replace(/[.+^$()|\\\]]/g, '\\$&');
}

export function isGlob(s: string): boolean {
  return /[*?[{]/.test(s);
}

export function matchesAny(path: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => globToRegExp(p).test(path));
}
