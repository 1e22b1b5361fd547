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
