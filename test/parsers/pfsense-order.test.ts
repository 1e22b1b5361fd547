import { describe, expect, it } from 'vitest';
import { pfsenseParser } from '../../parsers/pfsense/index.js';

/**
 * The reader builds each rule right after reading it (so no list of every draft is alive at once)
 * and holds back what building says: notes keep the order of reading every rule first, then
 * building them (what fwlint said before the change).
 */
describe('pfSense notes: reading before building, also when each rule is built as it is read', () => {
  const rule = (descr: string, iface: string, ipprotocol: string): string =>
    `<rule><type>pass</type><descr>${descr}</descr>${iface}<ipprotocol>${ipprotocol}</ipprotocol>` +
    '<source><any/></source><destination><any/></destination></rule>';
  const doc =
    '<?xml version="1.0"?>\n<pfsense><version>22.2</version>' +
    '<interfaces><lan><enable/><if>em1</if><ipaddr>10.0.0.1</ipaddr><subnet>24</subnet></lan></interfaces>' +
    `<filter>${rule('first', '', 'inet9')}${rule('second', '<interface>lan</interface>', 'inet8')}</filter></pfsense>`;

  it('says both rules’ read notes before the first rule’s build note', () => {
    const [p] = pfsenseParser.parse(doc, 'order.xml', 'pfsense');
    const notes = p?.notes ?? [];
    const at = (s: string): number => notes.findIndex((n) => n.includes(s));
    expect(at('<ipprotocol>inet9')).toBeGreaterThanOrEqual(0);
    expect(at('<ipprotocol>inet8')).toBeGreaterThan(at('<ipprotocol>inet9'));
    expect(at('"first" is not applied: it has no interface')).toBeGreaterThan(at('<ipprotocol>inet8'));
  });
});

describe('pfSense: the first rule of the file, floating', () => {
  // Its sort key is 0 (floating category 0, index 0): still a rule, not "interface does not exist".
  const doc =
    '<?xml version="1.0"?>\n<pfsense><version>22.2</version>' +
    '<interfaces><lan><enable/><if>em1</if><ipaddr>10.0.0.1</ipaddr><subnet>24</subnet></lan></interfaces>' +
    '<filter><rule><type>block</type><descr>first</descr><interface>lan</interface><floating>yes</floating>' +
    '<quick>yes</quick><direction>in</direction><protocol>udp</protocol><source><any/></source>' +
    '<destination><any/><port>5060</port></destination></rule></filter></pfsense>';

  it('is applied', () => {
    const [p] = pfsenseParser.parse(doc, 'first.xml', 'pfsense');
    expect(p?.notes.filter((n) => n.includes('is not applied'))).toEqual([]);
    const rules = Object.values(p?.ruleset.chains ?? {}).flatMap((c) => c.rules);
    expect(rules.filter((r) => r.label.includes('"first"')).length).toBeGreaterThan(0);
  });
});

describe('OPNsense quick defaults (docs/semantics.md#pf-opnsense)', () => {
  // Pins what the docs say: "quick unless floating" is the default of legacy rules only; an MVC rule
  // without <quick> takes the model default 1, floating or not.
  const doc =
    '<?xml version="1.0"?>\n<opnsense><version>24.1</version>' +
    '<interfaces><lan><enable>1</enable><if>em1</if><ipaddr>10.0.0.1</ipaddr><subnet>24</subnet></lan>' +
    '<opt1><enable>1</enable><if>em2</if><ipaddr>10.20.0.1</ipaddr><subnet>24</subnet></opt1></interfaces>' +
    '<filter>' +
    '<rule><type>block</type><descr>legacy floating</descr><interface>lan,opt1</interface><floating>yes</floating>' +
    '<direction>in</direction><source><any/></source><destination><any/></destination></rule>' +
    '<rule><type>block</type><descr>legacy lan</descr><interface>lan</interface>' +
    '<source><any/></source><destination><any/></destination></rule>' +
    '</filter>' +
    '<OPNsense><Firewall><Filter><rules>' +
    '<rule uuid="f0000000-0000-4000-8000-0000000000a1"><enabled>1</enabled><sequence>1</sequence>' +
    '<action>block</action><interface>lan,opt1</interface><direction>in</direction><ipprotocol>inet</ipprotocol>' +
    '<source_net>any</source_net><destination_net>any</destination_net><description>mvc floating</description></rule>' +
    '</rules></Filter></Firewall></OPNsense></opnsense>';

  it('MVC floating rules are quick without <quick>; legacy floating rules are not', () => {
    const [p] = pfsenseParser.parse(doc, 'quick.xml', 'opnsense');
    const rules = p?.ruleset.chains['pf-in']?.rules ?? [];
    const quick = (label: string) => rules.find((r) => r.label.includes(label))?.quick;
    expect(quick('"mvc floating"')).toBe(true);
    expect(quick('"legacy floating"')).toBe(false);
    expect(quick('"legacy lan"')).toBe(true);
  });
});
