/**
 * Small builders for hand-made models, so a rule test states only what matters:
 *   policy({ interfaces: [iface('wan', 'wan', '203.0.113.2/28'), iface('voice', 'lan', '10.20.0.0/24')] })
 * Everything left out gets a neutral value: no rules, no NAT, SIP ALG off, UDP timeout 300 s (default).
 */
import { parseAddressSpec, type AddrSet } from '../../src/model/address.js';
import type { SourceLocation, Setting } from '../../src/model/location.js';
import type { Interface, Policy } from '../../src/model/policy.js';
import type { Profile, SettingRequirement } from '../../src/model/profile.js';

export const FILE = 'model.conf';
export const at = (line: number): SourceLocation => ({ file: FILE, line, column: 1, endLine: line });

export function addr(spec: string): AddrSet {
  const a = parseAddressSpec(spec);
  if (!a) throw new Error(`not an address: ${spec}`);
  return a;
}

export function setting<T>(value: T, line: number, source: Setting<T>['source'] = 'explicit', reason = ''): Setting<T> {
  return { value, source, loc: at(line), reason: reason || `${String(value)} at line ${line}` };
}

/** An interface with one network; the first host address of the network is the firewall's. */
export function iface(name: string, role: Interface['role'], cidr: string, over: Partial<Interface> = {}): Interface {
  const host = cidr.replace(/\.0\/(\d+)$/, '.1/32');
  return { name, role, networks: addr(cidr), addresses: addr(host), enabled: true, loc: at(1), ...over };
}

export function policy(over: Partial<Policy> = {}): Policy {
  return {
    vendor: 'pfsense',
    file: FILE,
    root: at(1),
    interfaces: [iface('wan', 'wan', '203.0.113.0/28'), iface('voice', 'lan', '10.20.0.0/24')],
    ruleset: { chains: {}, forward: [], input: [] },
    nat: { dnat: [], snat: [] },
    sessions: {
      sipAlg: [setting(false, 1, 'default', 'no SIP ALG')],
      udpTimeout: setting(300, 1, 'default', 'default'),
    },
    replies: 'stateful',
    unsupported: [],
    notes: [],
    ...over,
  };
}

export function requirement(
  over: Partial<SettingRequirement> & Pick<SettingRequirement, 'id' | 'kind'>,
): SettingRequirement {
  return { severity: 'error', source: { section: 'Test §1', quote: 'as the test says' }, ...over };
}

export function profile(over: Partial<Profile> = {}): Profile {
  return {
    id: 'test-provider',
    name: 'Test provider',
    provider: 'Test',
    document: { title: 'Test requirements' },
    networks: {},
    flows: [],
    settings: [],
    ...over,
  };
}
