import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { ALL_RULE_META, findRuleMeta } from '../../rules/index.js';
import { ALL_VENDORS } from '../../parsers/index.js';
import { ParseError, UsageError } from '../model/errors.js';
import type { Vendor } from '../model/policy.js';
import type { Audience } from '../model/profile.js';
import { listProfiles, loadProfile } from '../profiles/load.js';
import { formatJson } from '../reporters/json.js';
import { formatSarif } from '../reporters/sarif.js';
import { formatText, shouldColor } from '../reporters/text.js';
import { explain, formatExplain } from './explain.js';
import { displayPath, exitCode, lintFiles, type FailOn } from './lint.js';
import { readConfig } from './read.js';
import { readSysctl } from './sysctl.js';
import { TOOL } from './meta.js';
import { formatProfile, formatProfileList, formatRule, formatRuleList } from './listing.js';

const collect = (v: string, acc: string[] = []) => [...acc, v];
const AUDIENCES = ['pc-software', 'wifi-calling', 'mobile-app', 'servers', 'pbx'];

function program(): Command {
  const p = new Command('fwlint')
    .description('Audit exported firewall configurations against VoIP provider requirements.')
    .version(TOOL.version)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  p.command('lint')
    .description('check configuration files against provider profiles')
    .argument('<files...>', 'exported configurations (pfSense/OPNsense config.xml)')
    .option('--profile <id|file>', 'provider profile id or JSON file (repeatable)', collect)
    .option('--phones <spec>', 'phone network: CIDR, interface, or CIDR@interface (repeatable)', collect)
    .option('--pbx <ip>', 'address of the PBX, for port-forward and PBX flow checks')
    .option('--wan <interface>', 'WAN interface (repeatable; default: the interfaces the config marks as WAN)', collect)
    .addOption(new Option('--audience <name>', 'also check requirements for this audience (repeatable)').choices(AUDIENCES).argParser(collectChoice(AUDIENCES)))
    .option('--device <family>', 'also check device-specific requirements for this family (repeatable)', collect)
    .addOption(new Option('--vendor <vendor>', 'configuration format').choices(['auto', ...ALL_VENDORS]).default('auto'))
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'sarif']).default('text'))
    .option('--sysctl <file>', 'host kernel settings in sysctl.conf syntax (nftables: conntrack timeouts)')
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .addOption(new Option('--fail-on <level>', 'exit 1 when a finding at or above this level exists').choices(['error', 'warning', 'note', 'none']).default('error'))
    .action((files: string[], opts) => {
      const o = { profile: [], phones: [], wan: [], audience: [], device: [], ...opts };
      if (o.profile.length === 0) throw new UsageError(`give at least one --profile (bundled: ${listProfiles().map((x) => x.id).join(', ')})`);
      const profiles = o.profile.map((id: string) => loadProfile(id));
      const { report, failed } = lintFiles(files, profiles, o.vendor as Vendor | 'auto', {
        phones: o.phones,
        pbx: o.pbx,
        wan: o.wan,
        audiences: o.audience as Audience[],
        devices: o.device,
      }, process.cwd(), o.sysctl ? { sysctl: readSysctl(o.sysctl) } : {});
      for (const e of failed) process.stderr.write(`fwlint: ${e.format()}\n`);
      const toFile = !!o.output;
      const out =
        o.format === 'json' ? formatJson(report) : o.format === 'sarif' ? formatSarif(report) : formatText(report, { color: !toFile && shouldColor(process.stdout, process.env) });
      if (toFile) writeFileSync(o.output, out);
      else process.stdout.write(out);
      process.exitCode = exitCode(report, failed, o.failOn as FailOn);
    });

  const profiles = p.command('profiles').description('list the bundled provider profiles');
  profiles.action(() => {
    process.stdout.write(formatProfileList(listProfiles()));
  });
  profiles
    .command('show')
    .argument('<id|file>', 'profile id or JSON file')
    .description('show what a profile requires')
    .action((id: string) => {
      process.stdout.write(formatProfile(loadProfile(id)));
    });

  const rules = p.command('rules').description('list the rules');
  rules.action(() => {
    process.stdout.write(formatRuleList(ALL_RULE_META));
  });
  rules
    .command('show')
    .argument('<id|name>', 'rule id (FWL004) or name (port-forward-to-phone)')
    .description('explain a rule and how to fix its findings')
    .action((id: string) => {
      const m = findRuleMeta(id);
      if (!m) throw new UsageError(`unknown rule '${id}' (known: ${ALL_RULE_META.map((r) => r.id).join(', ')})`);
      process.stdout.write(formatRule(m));
    });

  p.command('explain')
    .description('trace a flow through the firewall, rule by rule')
    .argument('<file>', 'exported configuration')
    .requiredOption('--from <cidr>', 'source address or network ("any" for the Internet)')
    .requiredOption('--to <cidr|self>', 'destination address or network, or "self" for the firewall itself')
    .option('--proto <protocol>', 'tcp, udp, icmp, or a number')
    .option('--port <port[-port]>', 'destination port or range')
    .option('--in <interface>', 'ingress interface (default: where --from lives, else WAN)')
    .option('--out <interface>', 'egress interface (default: by destination)')
    .option('--state <states>', 'connection state(s): new, established, related, invalid, untracked', 'new')
    .addOption(new Option('--vendor <vendor>', 'configuration format').choices(['auto', ...ALL_VENDORS]).default('auto'))
    .option('--sysctl <file>', 'host kernel settings in sysctl.conf syntax (nftables)')
    .action((file: string, o) => {
      const policies = readConfig(resolve(file), displayPath(file, process.cwd()), o.vendor as Vendor | 'auto', o.sysctl ? { sysctl: readSysctl(o.sysctl) } : {});
      for (const policy of policies) process.stdout.write(formatExplain(policy, explain(policy, o)));
    });
  return p;
}

function collectChoice(choices: string[]) {
  return (v: string, acc: string[] = []) => {
    if (!choices.includes(v)) throw new UsageError(`--audience '${v}': expected one of ${choices.join(', ')}`);
    return [...acc, v];
  };
}

/** One line on stderr and exit code 2 for every expected failure; never a stack trace. */
export async function main(argv: string[]): Promise<number> {
  try {
    await program().parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof ParseError) process.stderr.write(`fwlint: ${e.format()}\n`);
    else if (e instanceof UsageError) process.stderr.write(`fwlint: ${e.message}\n`);
    else process.stderr.write(`fwlint: internal error: ${(e as Error)?.message ?? String(e)} (please report this with the command line)\n`);
    return 2;
  }
}
