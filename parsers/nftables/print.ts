import { isObject, keyOf, str, type Expr, type Stmt } from './ir.js';
import { ADDRESS } from './memo.js';

/**
 * Canonical nft-like text of statements and expressions, the same whether the rule came from text
 * or from `nft -j`: rule ids (fingerprints), labels and FWL900 descriptions are built from it.
 */
/** Meta keys nft prints without `meta`. */
const UNQUALIFIED = new Set([
  'iifname',
  'oifname',
  'iif',
  'oif',
  'mark',
  'skuid',
  'skgid',
  'iiftype',
  'oiftype',
  'pkttype',
  'cpu',
  'iifgroup',
  'oifgroup',
  'cgroup',
  'nftrace',
  'rtclassid',
  'ibrname',
  'obrname',
]);

export function printExpr(e: Expr | undefined, depth = 0): string {
  if (depth > 12) return '…';
  if (e === undefined || e === null) return '';
  if (typeof e === 'string') return quoted(e) ? JSON.stringify(e) : e;
  if (typeof e === 'number' || typeof e === 'boolean') return str(e);
  if (Array.isArray(e)) return printList(e, depth);
  // Selectors, prefixes and ranges the text reader shares across rules carry their text (keepPrinted).
  if (depth <= 8) {
    const hit = (e as Printed)[PRINTED];
    if (hit !== undefined) return hit;
  }
  return printObject(e, keyOf(e), depth);
}

const QUOTED = /[\s{}",;]/;

/**
 * Whether printExpr quotes a string: empty, or with a blank, `{`, `}`, `"`, `,` or `;` (QUOTED). ASCII is
 * tested by its codes: the regular expression's test was most of the time the text reader spent on an
 * interface name (and allocated for each).
 */
function quoted(e: string): boolean {
  if (e === '') return true;
  for (let i = 0; i < e.length; i++) {
    const c = e.charCodeAt(i);
    if (c >= 128) return QUOTED.test(e);
    // \s in ASCII: tab, line feed, vertical tab, form feed, carriage return, space.
    if (c <= 32 ? c === 32 || (c >= 9 && c <= 13) : c === 123 || c === 125 || c === 34 || c === 44 || c === 59)
      return true;
  }
  return false;
}

/**
 * A list (`{ a, b }`) or a map element (`key : value`). Apart from printExpr: a closure there that
 * captures `depth` made every call allocate a context, lists or not (about 48 MB in a 100k `nft -j` parse).
 */
function printList(e: readonly Expr[], depth: number): string {
  if (e.length === 2 && depth > 0 && isVerdictOrValue(e[1]))
    return `${printExpr(e[0], depth + 1)} : ${printExpr(e[1], depth + 1)}`;
  const parts: string[] = [];
  for (const x of e) parts.push(printExpr(x, depth + 1));
  return `{ ${parts.join(', ')} }`;
}

const PRINTED = Symbol('printed');
interface Printed {
  [PRINTED]?: string;
}

/**
 * Gives an expression object that many rules share its printed text once (a symbol-keyed property,
 * like ir.ts positions): printRule then does not print it again for every rule. Only for objects that
 * are never modified; shallow enough that printExpr's depth limit cannot cut the text short.
 */
export function keepPrinted<T extends Expr>(e: T): T {
  if (typeof e === 'object' && e !== null && !Array.isArray(e)) (e as Printed)[PRINTED] = printExpr(e);
  return e;
}

/**
 * `{ prefix: { addr, len } }` as keepPrinted leaves it, with its printed text a member of the literal:
 * a symbol member added afterwards went to a property list of its own (one more object and 40 bytes
 * per value, for as long as the readers' memos keep it). `text`, when given, is what printExpr gives
 * for the value (`addr/len`): the word it was read from, without printing it again. The literal also
 * has the slot its address value is kept in when asked (memo.ts ADDRESS), for the same reason.
 */
export function printedPrefix(addr: Expr, len: Expr, text?: string): Expr {
  const printed = text ?? `${printExpr(addr, 1)}/${printExpr(len, 1)}`;
  return { prefix: { addr, len }, [PRINTED]: printed, [ADDRESS]: null } as Record<string, Expr>;
}

/** `{ range: [lo, hi] }` as keepPrinted leaves it (printedPrefix says why); `text`: its printed text (`lo-hi`). */
export function printedRange(lo: Expr, hi: Expr, text?: string): Expr {
  const printed = text ?? `${printExpr(lo, 1)}-${printExpr(hi, 1)}`;
  return { range: [lo, hi], [PRINTED]: printed, [ADDRESS]: null } as Record<string, Expr>;
}

function printObject(e: Record<string, Expr>, k: string | undefined, depth: number): string {
  const v = k !== undefined ? e[k] : undefined;
  switch (k) {
    case 'set':
      return Array.isArray(v) ? `{ ${v.map((x) => printExpr(x, depth + 1)).join(', ')} }` : printExpr(v, depth + 1);
    case 'prefix':
      return isObject(v) ? `${printExpr(v.addr, depth + 1)}/${printExpr(v.len, depth + 1)}` : '';
    case 'range':
      return Array.isArray(v) ? `${printExpr(v[0], depth + 1)}-${printExpr(v[1], depth + 1)}` : '';
    case 'concat':
      return Array.isArray(v) ? v.map((x) => printExpr(x, depth + 1)).join(' . ') : '';
    case 'payload':
      if (isObject(v) && 'protocol' in v) return `${str(v.protocol)} ${str(v.field)}`;
      return isObject(v) ? `@${str(v.base)},${str(v.offset)},${str(v.len)}` : '';
    case 'meta':
      return isObject(v) ? (UNQUALIFIED.has(str(v.key)) ? str(v.key) : `meta ${str(v.key)}`) : '';
    case 'ct':
      return isObject(v) ? ['ct', v.dir, v.family, v.key].filter((x) => typeof x === 'string').join(' ') : '';
    case 'fib':
      return isObject(v)
        ? `fib ${(Array.isArray(v.flags) ? v.flags : [v.flags]).map((x) => str(x)).join(' . ')} ${str(v.result)}`
        : '';
    case 'map':
      return isObject(v) ? `${printExpr(v.key, depth + 1)} map ${printExpr(v.data, depth + 1)}` : '';
    case 'elem':
      return isObject(v) ? printExpr(v.val, depth + 1) : '';
    case 'numgen':
      return isObject(v) ? `numgen ${str(v.mode)} mod ${str(v.mod)}` : '';
    case 'jhash':
    case 'symhash':
      return isObject(v)
        ? `${k}${v.expr !== undefined ? ` ${printExpr(v.expr, depth + 1)}` : ''} mod ${str(v.mod)}`
        : '';
    case 'accept':
    case 'drop':
    case 'continue':
    case 'return':
      return k;
    case 'jump':
    case 'goto':
      return isObject(v) ? `${k} ${str(v.target)}` : k;
    case '&':
    case '|':
    case '^':
    case '<<':
    case '>>':
      return Array.isArray(v)
        ? v
            .map((x) =>
              isObject(x) && ['&', '|', '^'].includes(keyOf(x) ?? '') && keyOf(x) !== k // a | b | c: no parentheses
                ? `(${printExpr(x, depth + 1)})`
                : Array.isArray(x)
                  ? x.map((y) => printExpr(y, depth + 1)).join(',') // a flag list: `syn,rst`
                  : printExpr(x, depth + 1),
            )
            .join(` ${k} `)
        : '';
    case 'tcp option':
    case 'ip option':
    case 'sctp chunk':
      return isObject(v) ? [k, v.name, v.field].filter((x) => typeof x === 'string').join(' ') : k;
    case 'exthdr':
    case 'rt':
    case 'socket':
    case 'osf':
    case 'ipsec':
      return isObject(v)
        ? [k, v.name, v.dir, v.family, v.key, v.field].filter((x) => typeof x === 'string').join(' ')
        : k;
    default:
      return k === undefined ? JSON.stringify(e) : `${k}${v === null || v === undefined ? '' : ` ${compact(v)}`}`;
  }
}

function isVerdictOrValue(e: Expr | undefined): boolean {
  return e !== undefined;
}

function compact(v: Expr): string {
  if (isObject(v)) {
    return Object.entries(v)
      .map(([k, x]) =>
        k === 'addr' || k === 'port' || k === 'target' || k === 'key' || k === 'data' || k === 'expr'
          ? printExpr(x, 1)
          : `${k} ${printExpr(x, 1)}`,
      )
      .join(' ');
  }
  return printExpr(v, 1);
}

export function printStmt(s: Stmt): string {
  const k = keyOf(s);
  if (k === undefined) return JSON.stringify(s);
  const v = s[k];
  switch (k) {
    case 'match': {
      if (!isObject(v)) return 'match';
      const op = typeof v.op === 'string' ? v.op : '==';
      return `${printExpr(v.left)} ${op === '==' || op === 'in' ? '' : `${op} `}${printExpr(v.right)}`;
    }
    case 'vmap':
      return isObject(v) ? `${printExpr(v.key)} vmap ${printExpr(v.data)}` : 'vmap';
    case 'mangle':
      return isObject(v) ? `${printExpr(v.key)} set ${printExpr(v.value)}` : 'mangle';
    case 'ct helper':
    case 'ct timeout':
    case 'ct expectation':
      return `${k} set ${typeof v === 'string' ? JSON.stringify(v) : printExpr(v)}`;
    case 'snat':
    case 'dnat': {
      if (!isObject(v)) return k;
      const fam = typeof v.family === 'string' ? ` ${v.family}` : '';
      const port = v.port !== undefined ? `:${printExpr(v.port)}` : '';
      return `${k}${fam} to ${printExpr(v.addr)}${port}${flags(v.flags)}`;
    }
    case 'masquerade':
    case 'redirect': {
      if (!isObject(v)) return k;
      return `${k}${v.port !== undefined ? ` to :${printExpr(v.port)}` : ''}${flags(v.flags)}`;
    }
    case 'reject':
      return isObject(v) ? `reject with ${[v.type, v.expr].filter((x) => typeof x === 'string').join(' ')}` : 'reject';
    case 'counter':
      return isObject(v) && v.map !== undefined ? `counter name ${printExpr(v)}` : 'counter';
    case 'set':
    case 'map': {
      if (!isObject(v)) return k;
      const data = v.data !== undefined ? ` : ${printExpr(v.data)}` : '';
      return `${printExpr(v.op)} ${printExpr(v[k])} { ${printExpr(v.elem)}${data} }`;
    }
    case 'flow':
      return isObject(v) ? `flow ${str(v.op ?? 'add')} ${str(v.flowtable)}` : 'flow';
    case 'fwd':
    case 'dup':
      return isObject(v)
        ? `${k} to ${printExpr(v.addr ?? v.dev)}${v.dev !== undefined && v.addr !== undefined ? ` device ${printExpr(v.dev)}` : ''}`
        : k;
    case 'queue':
    case 'synproxy':
    case 'tproxy':
    case 'notrack':
      return k;
    case 'quota':
      if (isObject(v) && v.map !== undefined) return `quota name ${printExpr(v)}`;
      return isObject(v)
        ? `quota ${v.inv ? 'over ' : ''}${printExpr(v.val)} ${printExpr(v.val_unit)}`
        : `quota ${printExpr(v)}`;
    case 'ct count':
    case 'connlimit':
      return isObject(v) ? `ct count ${v.inv ? 'over ' : ''}${printExpr(v.val)}` : 'ct count';
    case 'xt':
      return isObject(v) ? `xt ${str(v.type)} ${str(v.name)}` : 'xt';
    case 'log':
      return 'log';
    case 'limit':
      if (isObject(v) && v.map !== undefined) return `limit name ${printExpr(v)}`;
      return isObject(v)
        ? `limit rate ${v.inv ? 'over ' : ''}${printExpr(v.rate)}${v.per !== undefined ? `/${printExpr(v.per)}` : ''}`
        : `limit ${printExpr(v)}`;
    default:
      return printExpr(s);
  }
}

function flags(f: Expr | undefined): string {
  if (typeof f === 'string') return ` ${f}`;
  if (Array.isArray(f) && f.length) return ` ${f.map((x) => str(x)).join(',')}`;
  return '';
}

/** The rule's canonical text: its statements in order, and its comment. */
export function printRule(stmts: Stmt[], comment?: string): string {
  const body = stmts.map(printStmt).join(' ');
  return comment === undefined ? body : `${body} comment ${JSON.stringify(comment)}`;
}
