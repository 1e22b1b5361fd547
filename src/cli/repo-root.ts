import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Finding } from '../model/finding.js';

/**
 * The directory SARIF URIs, fingerprints and baselines are relative to, so they are the same from
 * any working directory: $GITHUB_WORKSPACE when the working directory is inside it, else the
 * nearest directory upwards holding `.git` (a directory, or a file in worktrees), else the working
 * directory itself.
 */
export function repositoryRoot(cwd: string, env: NodeJS.ProcessEnv): string {
  const ws = env.GITHUB_WORKSPACE;
  if (ws && isInside(resolve(ws), resolve(cwd))) return resolve(ws);
  for (let d = resolve(cwd); ; d = dirname(d)) {
    if (existsSync(join(d, '.git'))) return d;
    if (dirname(d) === d) return resolve(cwd);
  }
}

function isInside(dir: string, p: string): boolean {
  const rel = relative(dir, p);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** Sets each finding's `repoPath` (forward slashes, relative to `root`) when its file is inside the root. */
export function stampRepoPaths(findings: Finding[], cwd: string, root: string): void {
  for (const f of findings) {
    const abs = resolve(cwd, f.loc.file);
    if (isInside(root, abs)) f.repoPath = relative(root, abs).split(sep).join('/');
  }
}
