import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ALL_RULE_META } from '../../rules/index.js';
import type { RuleMeta } from '../model/report.js';

/**
 * docs/rules/<id>.md, generated from the rule metadata (the SARIF helpUri points at these pages).
 * Regenerate with `npm run docs:rules`; test/reporters/rule-docs.test.ts fails when they are stale.
 */
const VENDORS: [keyof RuleMeta['help']['fix'], string][] = [
  ['pfsense', 'pfSense'],
  ['opnsense', 'OPNsense'],
  ['fortigate', 'FortiGate (FortiOS)'],
  ['mikrotik', 'MikroTik RouterOS'],
  ['nftables', 'nftables (Linux)'],
  ['generic', 'Other platforms'],
];

export function ruleDoc(r: RuleMeta): string {
  const out = [
    `# ${r.id} ${r.name}`,
    '',
    '<!-- Generated from the rule metadata by `npm run docs:rules`; do not edit by hand. -->',
    '',
    `**${r.shortDescription}**`,
    '',
    `Default level: ${r.defaultLevel} · precision: ${r.precision} · tags: ${r.tags.join(', ') || 'none'}`,
    '',
    r.fullDescription,
    '',
    '## What',
    '',
    r.help.what,
    '',
    '## Why it matters',
    '',
    r.help.why,
    '',
    '## How to fix',
    '',
  ];
  for (const [v, label] of VENDORS) {
    const fix = r.help.fix[v];
    if (!fix) continue;
    out.push(`### ${label}`, '', fix.includes('\n') ? '```text\n' + fix + '\n```' : fix, '');
  }
  out.push(
    '## Suppressing',
    '',
    `Accepted findings can be suppressed in fwlint.config.json (\`ignore\` with \`rule: "${r.id}"\`, a reason and an expiry date) ` +
      `or with an inline \`fwlint-disable ${r.id} -- <reason>\` comment on the object.`,
    '',
  );
  return out.join('\n');
}

export function ruleIndex(rules: readonly RuleMeta[]): string {
  return [
    '# fwlint rules',
    '',
    '<!-- Generated from the rule metadata by `npm run docs:rules`; do not edit by hand. -->',
    '',
    '| Rule | Name | Default level | What it reports |',
    '| --- | --- | --- | --- |',
    ...rules.map((r) => `| [${r.id}](${r.id}.md) | ${r.name} | ${r.defaultLevel} | ${r.shortDescription} |`),
    '',
  ].join('\n');
}

/** The files docs/rules should hold: name → content. */
export function ruleDocs(): Map<string, string> {
  const files = new Map<string, string>([['README.md', ruleIndex(ALL_RULE_META)]]);
  for (const r of ALL_RULE_META) files.set(`${r.id}.md`, ruleDoc(r));
  return files;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const dir = join(process.cwd(), 'docs', 'rules');
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of ruleDocs()) writeFileSync(join(dir, name), text);
  process.stdout.write(`wrote ${ruleDocs().size} files to docs/rules\n`);
}
