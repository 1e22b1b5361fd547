/**
 * The compiled CLI on hostile and broken input: every case must end with exit status 2, exactly one
 * line on stderr that names the culprit (for parse errors as `file:line:col:`), no stack trace, and
 * before the spawn timeout (generous, so a loaded machine does not fail it; a hang still does). Runs `node
 * dist/src/cli/main.js` (built here when dist/ is missing).
 */
import { execSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const MAIN = path.join(ROOT, 'dist', 'src', 'cli', 'main.js');
const FIXTURE = path.join(ROOT, 'fixtures', 'pfsense', 'example-site.xml');
const SPAWN_TIMEOUT_MS = 60_000;
const TEST_TIMEOUT_MS = 90_000;

/** A small but complete pfSense export: WAN, LAN and a VOICE VLAN, one alias, a few rules, a port-forward. */
const SMALL_PFSENSE = `<?xml version="1.0"?>
<pfsense>
	<version>22.2</version>
	<system>
		<hostname>fw-test</hostname>
		<domain>example.net</domain>
	</system>
	<interfaces>
		<wan>
			<enable></enable>
			<if>em0</if>
			<ipaddr>203.0.113.2</ipaddr>
			<subnet>28</subnet>
			<gateway>WANGW</gateway>
		</wan>
		<lan>
			<enable></enable>
			<if>em1</if>
			<ipaddr>192.168.1.1</ipaddr>
			<subnet>24</subnet>
		</lan>
		<opt1>
			<descr><![CDATA[VOICE]]></descr>
			<enable></enable>
			<if>em1.20</if>
			<ipaddr>10.20.0.1</ipaddr>
			<subnet>24</subnet>
		</opt1>
	</interfaces>
	<vlans>
		<vlan>
			<if>em1</if>
			<tag>20</tag>
			<descr><![CDATA[VOICE]]></descr>
			<vlanif>em1.20</vlanif>
		</vlan>
	</vlans>
	<aliases>
		<alias>
			<name>sip_ports</name>
			<type>port</type>
			<address>5060 10000:20000</address>
			<descr><![CDATA[SIP and RTP]]></descr>
		</alias>
	</aliases>
	<nat>
		<outbound>
			<mode>automatic</mode>
		</outbound>
		<rule>
			<source>
				<any></any>
			</source>
			<destination>
				<network>wanip</network>
				<port>443</port>
			</destination>
			<protocol>tcp</protocol>
			<target>192.168.1.10</target>
			<local-port>443</local-port>
			<interface>wan</interface>
			<descr><![CDATA[web server]]></descr>
		</rule>
	</nat>
	<filter>
		<rule>
			<tracker>1000000001</tracker>
			<type>pass</type>
			<interface>lan</interface>
			<ipprotocol>inet</ipprotocol>
			<source>
				<network>lan</network>
			</source>
			<destination>
				<any></any>
			</destination>
			<descr><![CDATA[Default allow LAN to any rule]]></descr>
		</rule>
		<rule>
			<tracker>1000000002</tracker>
			<type>pass</type>
			<interface>opt1</interface>
			<ipprotocol>inet</ipprotocol>
			<protocol>udp</protocol>
			<source>
				<network>opt1</network>
			</source>
			<destination>
				<any></any>
				<port>sip_ports</port>
			</destination>
			<descr><![CDATA[Phones to provider]]></descr>
		</rule>
		<rule>
			<tracker>1000000003</tracker>
			<type>block</type>
			<interface>opt1</interface>
			<ipprotocol>inet</ipprotocol>
			<source>
				<network>opt1</network>
			</source>
			<destination>
				<any></any>
			</destination>
			<descr><![CDATA[Block the rest]]></descr>
		</rule>
	</filter>
</pfsense>
`;

const FORTIGATE_TEXT = `#config-version=FGT60F-7.2.5-FW-build1517-230606:opmode=0:vdom=0:user=admin
#conf_file_ver=1234567890
#buildno=1517
config system global
    set hostname "FGT60F"
    set timezone 04
end
config firewall policy
    edit 1
        set name "lan-out"
        set srcintf "internal"
        set dstintf "wan1"
        set action accept
        set srcaddr "all"
        set dstaddr "all"
        set schedule "always"
        set service "ALL"
        set nat enable
    next
end
`;

function billionLaughs(): string {
  const lines = ['<?xml version="1.0"?>', '<!DOCTYPE pfsense [', '  <!ENTITY lol "lol">'];
  for (let i = 1; i <= 9; i++) lines.push(`  <!ENTITY lol${i} "${`&lol${i === 1 ? '' : i - 1};`.repeat(10)}">`);
  lines.push(
    ']>',
    '<pfsense>',
    '\t<version>22.2</version>',
    '\t<system><hostname>&lol9;</hostname></system>',
    '</pfsense>',
    '',
  );
  return lines.join('\n');
}

interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function fwlint(args: string[]): Run {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [MAIN, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: SPAWN_TIMEOUT_MS,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: '1' },
  });
  const ms = performance.now() - t0;
  if (r.error) throw new Error(`spawning the CLI failed: ${r.error.message}`);
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, ms };
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

let dir: string;
const p = (name: string) => path.join(dir, name);

beforeAll(() => {
  if (!fs.existsSync(MAIN)) execSync('npm run build', { cwd: ROOT, stdio: 'inherit', timeout: 240_000 });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fwlint-bad-input-'));

  const bin = randomBytes(64 * 1024);
  for (let i = 0; i < bin.length; i += 97) bin[i] = 0;
  fs.writeFileSync(p('binary.xml'), bin);

  fs.writeFileSync(p('small.xml'), SMALL_PFSENSE);
  const cut = SMALL_PFSENSE.indexOf('<destination>', SMALL_PFSENSE.indexOf('<filter>')) + '<destina'.length;
  fs.writeFileSync(p('truncated.xml'), SMALL_PFSENSE.slice(0, cut));

  fs.writeFileSync(p('fortigate.conf'), FORTIGATE_TEXT);
  fs.writeFileSync(p('empty.xml'), '');

  // Sparse: 200 MB of apparent size, no blocks written.
  fs.writeFileSync(p('huge.xml'), '');
  fs.truncateSync(p('huge.xml'), 200 * 1024 * 1024);

  fs.writeFileSync(p('bomb.xml'), billionLaughs());

  const depth = 100_000;
  fs.writeFileSync(
    p('nested.xml'),
    `<?xml version="1.0"?>\n<pfsense>\n${'<a>'.repeat(depth)}${'</a>'.repeat(depth)}\n</pfsense>\n`,
  );

  fs.mkdirSync(p('a-directory'));

  // What Windows PowerShell's `>` writes: UTF-16 with a byte-order mark; without it, UTF-16 is not readable text.
  const le = Buffer.from(SMALL_PFSENSE, 'utf16le');
  fs.writeFileSync(p('utf16le-bom.xml'), Buffer.concat([Buffer.from([0xff, 0xfe]), le]));
  fs.writeFileSync(p('utf16be-bom.xml'), Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(le).swap16()]));
  fs.writeFileSync(p('utf16-no-bom.xml'), le);
}, 300_000);

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** Exit 2, one stderr line starting "fwlint: " and containing `names`, no stack frames. */
function expectRefused(r: Run, names: string): string {
  expect(r.signal, `killed by ${r.signal} (timeout ${SPAWN_TIMEOUT_MS} ms?)`).toBeNull();
  expect(r.stderr).not.toContain('    at ');
  expect(r.stderr, 'not an internal error').not.toMatch(/internal error/);
  expect(r.status, `exit status; stderr: ${r.stderr}`).toBe(2);
  expect(r.stderr.endsWith('\n'), 'stderr ends with a newline').toBe(true);
  const lines = r.stderr.slice(0, -1).split('\n');
  expect(lines, 'exactly one line on stderr').toHaveLength(1);
  const line = lines[0]!;
  expect(line.startsWith('fwlint: ')).toBe(true);
  expect(line).toContain(names);
  return line;
}

/** As expectRefused, and the line is `fwlint: <file>:<line>:<col>: <message>`. */
function expectParseError(r: Run, file: string): string {
  const line = expectRefused(r, file);
  expect(line).toMatch(new RegExp(`^fwlint: ${escapeRe(file)}:\\d+:\\d+: \\S`));
  return line;
}

describe('fwlint lint refuses bad input with one line and exit 2', () => {
  it(
    'binary data (random bytes with NULs)',
    () => {
      expectParseError(fwlint(['lint', p('binary.xml'), '--profile', 'ipnordic']), p('binary.xml'));
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'UTF-16 without a byte-order mark: named as UTF-16, with what to do',
    () => {
      const line = expectParseError(
        fwlint(['lint', p('utf16-no-bom.xml'), '--profile', 'ipnordic']),
        p('utf16-no-bom.xml'),
      );
      expect(line).toContain('UTF-16 text without a byte-order mark; save the export as UTF-8');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'UTF-16 with a byte-order mark (little- or big-endian) is read like UTF-8',
    () => {
      const json = (f: string) => {
        const r = fwlint(['lint', p(f), '--profile', 'ipnordic', '--format', 'json', '--fail-on', 'none']);
        expect(r.status, r.stderr).toBe(0);
        const rep = JSON.parse(r.stdout) as { findings: { ruleId: string; loc?: { line: number } }[] };
        return rep.findings.map((x) => `${x.ruleId}:${String(x.loc?.line)}`);
      };
      const utf8 = json('small.xml');
      expect(utf8.length).toBeGreaterThan(0);
      expect(json('utf16le-bom.xml')).toEqual(utf8);
      expect(json('utf16be-bom.xml')).toEqual(utf8);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'truncated XML (cut in the middle of a tag)',
    () => {
      expectParseError(fwlint(['lint', p('truncated.xml'), '--profile', 'ipnordic']), p('truncated.xml'));
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'a FortiGate config read with --vendor pfsense',
    () => {
      const line = expectParseError(
        fwlint(['lint', p('fortigate.conf'), '--vendor', 'pfsense', '--profile', 'ipnordic']),
        p('fortigate.conf'),
      );
      // What the file looks like, as detection reads it, and what to do.
      expect(line).toContain('the file looks like a fortigate configuration: use --vendor fortigate');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'an empty file',
    () => {
      expectParseError(fwlint(['lint', p('empty.xml'), '--profile', 'ipnordic']), p('empty.xml'));
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'a 200 MB file is refused by its size, without reading it',
    () => {
      const line = expectParseError(fwlint(['lint', p('huge.xml'), '--profile', 'ipnordic']), p('huge.xml'));
      expect(line).toMatch(/MB/);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'an XML entity bomb (billion laughs)',
    () => {
      expectParseError(fwlint(['lint', p('bomb.xml'), '--profile', 'ipnordic']), p('bomb.xml'));
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'the entity bomb with --vendor pfsense (reaches the XML reader)',
    () => {
      const line = expectParseError(
        fwlint(['lint', p('bomb.xml'), '--vendor', 'pfsense', '--profile', 'ipnordic']),
        p('bomb.xml'),
      );
      expect(line).toMatch(/entit/i);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'pathological nesting (100k nested elements)',
    () => {
      expectParseError(fwlint(['lint', p('nested.xml'), '--profile', 'ipnordic']), p('nested.xml'));
    },
    TEST_TIMEOUT_MS,
  );

  // The next two are argument errors, not file errors: the line names the bad argument.
  it(
    'an unknown profile id',
    () => {
      expectRefused(fwlint(['lint', p('small.xml'), '--profile', 'no-such-provider']), 'no-such-provider');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'a malformed --phones (10.0.0.0/99@)',
    () => {
      expectRefused(
        fwlint(['lint', p('small.xml'), '--profile', 'ipnordic', '--phones', '10.0.0.0/99@']),
        '10.0.0.0/99@',
      );
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'a missing file',
    () => {
      expectRefused(fwlint(['lint', p('does-not-exist.xml'), '--profile', 'ipnordic']), p('does-not-exist.xml'));
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'a directory',
    () => {
      expectRefused(fwlint(['lint', p('a-directory'), '--profile', 'ipnordic']), p('a-directory'));
    },
    TEST_TIMEOUT_MS,
  );
});

describe('fwlint lint on valid input', () => {
  function expectClean(r: Run): void {
    expect(r.signal).toBeNull();
    expect(r.stderr).toBe('');
    expect([0, 1], `exit status ${r.status}`).toContain(r.status);
    expect(r.stdout.length).toBeGreaterThan(0);
  }

  it(
    'the small config written by this test exits 0 or 1',
    () => {
      expectClean(fwlint(['lint', p('small.xml'), '--profile', 'ipnordic']));
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'fixtures/pfsense/example-site.xml exits 0 or 1',
    () => {
      expect(fs.existsSync(FIXTURE), 'fixtures/pfsense/example-site.xml must exist').toBe(true);
      expectClean(fwlint(['lint', path.relative(ROOT, FIXTURE), '--profile', 'ipnordic']));
    },
    TEST_TIMEOUT_MS,
  );
});
