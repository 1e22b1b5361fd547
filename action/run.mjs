// The GitHub Action's one step: turns the inputs (FWLINT_* environment variables set by action.yml)
// into one fwlint run that writes SARIF, prints annotations and fills the step summary, then sets the
// outputs. It runs the committed bundle with the runner's Node; nothing is installed.
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const env = process.env;
const input = (name) => (env[`FWLINT_${name}`] ?? '').trim();

/** Shell-like words: quotes group, backslash escapes; nothing is expanded. */
export function shellWords(text) {
  const words = [];
  let cur = '';
  let quote = '';
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = '';
      else if (c === '\\' && quote === '"' && i + 1 < text.length) cur += text[++i];
      else cur += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < text.length) {
      cur += text[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (quote) throw new Error(`unclosed ${quote} in: ${text}`);
  if (inWord) words.push(cur);
  return words;
}

/** A list input: one item per line when it has several lines, else shell words on its one line. */
export function listInput(text, { isPath = false } = {}) {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  if (lines.length > 1) return lines;
  if (lines.length === 0) return [];
  const line = lines[0];
  // `configs/site b` names one existing path even without quotes.
  if (isPath && !/["'\\]/.test(line) && existsSync(line)) return [line];
  return shellWords(line);
}

export function buildArgs() {
  const args = ['lint', ...listInput(input('PATHS') || '.', { isPath: true })];
  for (const p of listInput(input('PROFILES'))) args.push('--profile', p);
  for (const p of listInput(input('PHONES'))) args.push('--phones', p);
  for (const w of listInput(input('WAN'))) args.push('--wan', w);
  if (input('PBX')) args.push('--pbx', input('PBX'));
  if (input('CONFIG')) args.push('--config', input('CONFIG'));
  if (input('BASELINE')) args.push('--baseline', input('BASELINE'));
  if (input('FAIL_ON')) args.push('--fail-on', input('FAIL_ON'));
  if (input('CATEGORY')) args.push('--sarif-category', input('CATEGORY'));
  args.push(...shellWords(input('ARGS')));
  return args;
}

function main() {
  const sarif = input('SARIF_FILE') || 'fwlint.sarif';
  const json = join(mkdtempSync(join(tmpdir(), 'fwlint-action-')), 'report.json');
  let args;
  try {
    args = buildArgs();
  } catch (e) {
    process.stderr.write(`fwlint action: ${e.message}\n`);
    return 2;
  }
  args.push('--format', 'github', '--format', `sarif:${sarif}`, '--format', `json:${json}`);
  if (env.GITHUB_STEP_SUMMARY) args.push('--format', `markdown:${env.GITHUB_STEP_SUMMARY}`);
  const bundle = resolve(dirname(fileURLToPath(import.meta.url)), '../bundle/fwlint.mjs');
  const run = spawnSync(process.execPath, [bundle, ...args], { stdio: 'inherit' });
  const status = run.status ?? 2;
  const counts = { error: 0, warning: 0, note: 0 };
  if (existsSync(json)) {
    const report = JSON.parse(readFileSync(json, 'utf8'));
    for (const f of report.findings ?? []) if (!f.suppressed && f.level in counts) counts[f.level]++;
  }
  const verdict = status === 0 ? 'pass' : status === 1 ? 'fail' : 'error';
  if (env.GITHUB_OUTPUT) {
    const lines = [
      `sarif-file=${sarif}`,
      `errors=${counts.error}`,
      `warnings=${counts.warning}`,
      `notes=${counts.note}`,
      `verdict=${verdict}`,
    ];
    appendFileSync(env.GITHUB_OUTPUT, lines.join('\n') + '\n');
  }
  return status;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = main();
