import { readSysctl } from '../../src/cli/sysctl.js';
import { check, type CheckOptions } from './check.js';
import { preflight } from './preflight.js';
import { formatLine } from './format.js';

const USAGE =
  'usage: npm run kernel-check -- FILE --profile P --phones CIDR@IF --wan IF [--pbx IP] [--sysctl FILE] [--wan-address CIDR]';

function args(argv: string[]): CheckOptions {
  const o: Partial<CheckOptions> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    const v = (): string => {
      const x = argv[++i];
      if (x === undefined) throw new Error(`${a} needs a value`);
      return x;
    };
    if (a === '--profile') o.profile = v();
    else if (a === '--phones') o.phones = v();
    else if (a === '--wan') o.wan = v();
    else if (a === '--pbx') o.pbx = v();
    else if (a === '--sysctl') o.sysctl = readSysctl(v());
    else if (a === '--wan-address') o.wanAddress = v();
    else if (!a.startsWith('-') && !o.file) o.file = a;
    else throw new Error(`unknown argument ${a}`);
  }
  if (!o.file || !o.profile || !o.phones || !o.wan) throw new Error(USAGE);
  return o as CheckOptions;
}

function main(): number {
  let o: CheckOptions;
  try {
    o = args(process.argv.slice(2));
    preflight();
  } catch (e) {
    console.error(`kernel-check: ${(e as Error).message}`);
    return 2;
  }
  try {
    const r = check(o);
    if (r.loadError) {
      console.error(`kernel-check: ${o.file}: the kernel refused the ruleset: ${r.loadError}`);
      return 2;
    }
    for (const s of r.skipped) console.log(`not probed: ${s}`);
    for (const l of r.lines) console.log(formatLine(l));
    const n = r.lines.filter((l) => l.agree !== undefined);
    const k = n.filter((l) => l.agree).length;
    const u = n.filter((l) => l.uncertain).length;
    console.log(`${k}/${n.length} probes agree with the kernel${u ? `, ${u} uncertain (consistent)` : ''}`);
    return k + u === n.length ? 0 : 1;
  } catch (e) {
    console.error(`kernel-check: ${(e as Error).message}`);
    return 2;
  }
}

process.exitCode = main();
