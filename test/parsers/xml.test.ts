import { describe, expect, it } from 'vitest';
import { ParseError } from '../../src/model/errors.js';
import { parseXml, MAX_XML_DEPTH, type XmlElement } from '../../parsers/pfsense/xml.js';

function parseError(text: string): ParseError {
  try {
    parseXml(text, 'doc.xml');
  } catch (e) {
    if (e instanceof ParseError) return e;
    throw e;
  }
  throw new Error('expected a ParseError');
}

function first(el: XmlElement, name: string): XmlElement {
  const c = el.children.find((x) => x.name === name);
  if (!c) throw new Error(`no <${name}>`);
  return c;
}

describe('parseXml: tree and positions', () => {
  it('builds elements with attributes, text and 1-based positions', () => {
    const doc = '<?xml version="1.0"?>\n<root a="1" b=\'two\'>\n  <x>hello</x>\n  <y/>\n  <z k="v" />\n</root>\n';
    const root = parseXml(doc, 'doc.xml');
    expect(root.name).toBe('root');
    expect(root.attrs).toEqual({ a: '1', b: 'two' });
    expect(root.loc).toMatchObject({ line: 2, column: 1, endLine: 6, endColumn: 8, openEndLine: 2, openEndColumn: 21 });
    expect(root.children.map((c) => c.name)).toEqual(['x', 'y', 'z']);
    const x = first(root, 'x');
    expect(x.text).toBe('hello');
    expect(x.loc).toMatchObject({ line: 3, column: 3, endLine: 3, endColumn: 15 });
    const y = first(root, 'y');
    expect(y.loc).toMatchObject({ line: 4, column: 3, endLine: 4, endColumn: 7 });
    expect(y.children).toEqual([]);
    expect(first(root, 'z').attrs).toEqual({ k: 'v' });
    expect(root.text).toBe('');
  });

  it('spans multi-line elements and counts columns after tabs', () => {
    const doc = '<a>\n\t<rule>\n\t\t<v>1</v>\n\t</rule>\n</a>';
    const rule = first(parseXml(doc, 'f'), 'rule');
    expect(rule.loc).toMatchObject({ line: 2, column: 2, endLine: 4, endColumn: 9 });
  });

  it('decodes CDATA, comments, the five entities and numeric references', () => {
    const doc =
      '<r><!-- a <comment> & more ' +
      '--><d><![CDATA[<b>&amp;</b>]]></d><e>&lt;&gt;&amp;&quot;&apos;&#65;&#x42;&#x1F600;</e><?pi ignored?><f a="x ' +
      '&amp; y &#x3c;"/></r>';
    const root = parseXml(doc, 'f');
    expect(first(root, 'd').text).toBe('<b>&amp;</b>');
    expect(first(root, 'e').text).toBe('<>&"\'AB\u{1F600}');
    expect(first(root, 'f').attrs.a).toBe('x & y <');
  });

  it('joins CDATA sections and text runs in document order, wherever the CDATA stands', () => {
    const texts = (body: string): string[] => parseXml(`<r>${body}</r>`, 'f').children.map((c) => c.text);
    expect(texts('<d><![CDATA[a]]></d><d><![CDATA[]]></d><d><![CDATA[]]>x</d>')).toEqual(['a', '', 'x']);
    expect(texts('<d><![CDATA[a]]>b</d><d>x<![CDATA[a]]></d><d>\n <![CDATA[a]]></d>')).toEqual(['ab', 'xa', 'a']);
    expect(texts('<d><![CDATA[a]]><![CDATA[b]]></d><d><![CDATA[a]]><c/>&amp;b</d>')).toEqual(['ab', 'a&b']);
    expect(texts('<d><![CDATA[ a & <b> ]]></d>')).toEqual([' a & <b> ']);
  });

  it('keeps positions, text and children of elements too large for two-byte columns', () => {
    // Columns hold differences in two bytes until one does not fit: a long start tag, a long text, a
    // long CDATA section, an element with many children and many distinct names.
    const long = 'x'.repeat(70000);
    const many = Array.from({ length: 40000 }, (_, i) => `<n${i}/>`).join('');
    const doc = `<root>\n<a v="${long}">${long}</a>\n<b><![CDATA[${long}]]></b>\n<c>${many}</c>\n<d>end</d>\n</root>`;
    const root = parseXml(doc, 'doc.xml');
    expect(root.children.map((c) => c.name)).toEqual(['a', 'b', 'c', 'd']);
    const a = first(root, 'a');
    expect(a.attrs.v).toBe(long);
    expect(a.text).toBe(long);
    expect(a.loc).toMatchObject({
      line: 2,
      column: 1,
      endLine: 2,
      endColumn: 2 * 70000 + 13,
      openEndColumn: 70000 + 9,
    });
    expect(first(root, 'b').text).toBe(long);
    const c = first(root, 'c');
    expect(c.children.length).toBe(40000);
    expect(c.children[39999]?.name).toBe('n39999');
    expect(c.child('n39998')?.loc.column).toBe(many.indexOf('<n39998/>') + 4);
    expect(first(root, 'd').text).toBe('end');
    expect(root.loc).toMatchObject({ line: 1, endLine: 6, endColumn: 8 });
  });

  it('keeps attribute names such as __proto__ as plain data', () => {
    const el = parseXml('<a __proto__="x" constructor="y"/>', 'f');
    expect(el.attrs.__proto__).toBe('x');
    expect(el.attrs.constructor).toBe('y');
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('accepts a BOM, an XML declaration, comments and a DOCTYPE without entities before the root', () => {
    const doc = '\uFEFF<?xml version="1.0"?>\n<!-- c -->\n<!DOCTYPE pfsense>\n<pfsense/>';
    expect(parseXml(doc, 'f').name).toBe('pfsense');
  });
});

describe('parseXml: hostile and broken input', () => {
  it('rejects entity declarations (billion laughs) immediately', () => {
    const lols = Array.from({ length: 10 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`).join('\n');
    const bomb = `<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol0 "lol">\n${lols}\n]>\n<lolz>&lol10;</lolz>`;
    const t0 = performance.now();
    const e = parseError(bomb);
    expect(performance.now() - t0).toBeLessThan(100);
    expect(e.message).toBe('entity declarations are not allowed (possible entity-expansion attack)');
    expect(e.line).toBe(3);
    expect(e.column).toBe(1);
  });

  it('rejects references to undefined entities', () => {
    const e = parseError('<r>\n  <a>&lol;</a>\n</r>');
    expect(e.message).toMatch(/undefined entity &lol;/);
    expect([e.line, e.column]).toEqual([2, 6]);
  });

  it('rejects nesting deeper than 256 levels', () => {
    const depth = 1000;
    const doc = '<a>'.repeat(depth) + '</a>'.repeat(depth);
    const e = parseError(doc);
    expect(e.message).toMatch(/nested deeper than 256/);
    expect(e.line).toBe(1);
    expect(e.column).toBe(MAX_XML_DEPTH * 3 + 1);
    // exactly 256 is fine
    expect(() => parseXml('<a>'.repeat(256) + '</a>'.repeat(256), 'f')).not.toThrow();
  });

  it('reports a truncated file at its end with the unclosed element', () => {
    const doc = '<pfsense>\n  <filter>\n    <rule>\n      <type>pass</type>\n    </rule>\n';
    const e = parseError(doc);
    expect(e.message).toMatch(/unexpected end of file: <filter> opened at line 2, column 3 is not closed/);
    expect([e.line, e.column]).toEqual([6, 1]);
    const cut = parseError('<pfsense>\n  <filter>\n    <rule');
    expect(cut.message).toMatch(/unexpected end of file inside start tag <rule>/);
    expect([cut.line, cut.column]).toEqual([3, 5]);
  });

  it('reports mismatched end tags where they are', () => {
    const e = parseError('<a>\n  <b>\n  </c>\n</a>');
    expect(e.message).toBe('mismatched end tag </c>: expected </b> (opened at line 2, column 3)');
    expect([e.line, e.column]).toEqual([3, 3]);
    expect(e.format()).toBe('doc.xml:3:3: mismatched end tag </c>: expected </b> (opened at line 2, column 3)');
  });

  it('rejects text and elements after the root', () => {
    expect(parseError('<a/>\n  trailing').message).toBe('text after the root element');
    expect([parseError('<a/>\n  trailing').line, parseError('<a/>\n  trailing').column]).toEqual([2, 3]);
    expect(parseError('<a></a><b/>').message).toMatch(/content after the root element/);
  });

  it('rejects binary data', () => {
    const e = parseError('<a>\n\u0000\u0001\u0002</a>');
    expect(e.message).toMatch(/^binary data/);
    expect([e.line, e.column]).toEqual([2, 1]);
    const gz = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00]).toString('latin1');
    expect(parseError(gz).message).toMatch(/^binary data/);
  });

  it('rejects unescaped markup characters and unquoted attributes', () => {
    expect(parseError('<a>x < y</a>').message).toMatch(/not followed by an element name/);
    expect(parseError('<a>fish & chips</a>').message).toMatch(/unescaped '&'/);
    expect(parseError('<a b=1/>').message).toMatch(/must be quoted/);
    expect(parseError('<a b="1" b="2"/>').message).toMatch(/duplicate attribute/);
    expect(parseError('').message).toMatch(/no root element/);
    expect(parseError('<!-- open').message).toMatch(/unterminated comment/);
  });

  it('parses a large generated document in linear time', () => {
    const rule =
      '\t\t<rule>\n\t\t\t<tracker>1</tracker>\n\t\t\t<type>pass</type>\n\t\t\t<descr><![CDATA[x &amp; y]]></descr>\n' +
      '\t\t\t<source><any/></source>\n\t\t</rule>\n';
    const doc = `<pfsense>\n\t<filter>\n${rule.repeat(20000)}\t</filter>\n</pfsense>\n`;
    const t0 = performance.now();
    const root = parseXml(doc, 'big.xml');
    const ms = performance.now() - t0;
    const filter = first(root, 'filter');
    expect(filter.children.length).toBe(20000);
    expect(filter.children[19999]!.loc.line).toBe(2 + 19999 * 6 + 1);
    expect(ms).toBeLessThan(3000);
  });
});

describe('parseXml: releasing the document', () => {
  it('gives up the memory of every column chunk at once (their buffers are detached)', () => {
    const root = parseXml(`<a>${'<b>x</b>'.repeat(40000)}</a>`, 'x.xml');
    // Reached through the private members: what matters is that no column still holds memory.
    const doc = (root as unknown as { doc: Record<string, { chunks: ArrayBufferView[] }> }).doc;
    const columns = ['nameCol', 'startCol', 'openCol', 'endCol', 'afterCol', 'textCol'];
    const buffers = columns.flatMap((c) => doc[c]!.chunks.map((ch) => ch.buffer));
    expect(buffers.length).toBeGreaterThanOrEqual(2 * columns.length);
    expect(buffers.every((b) => b.byteLength > 0)).toBe(true);
    root.releaseDocument();
    expect(buffers.every((b) => b.byteLength === 0)).toBe(true);
    expect(columns.every((c) => doc[c]!.chunks.length === 0)).toBe(true);
  });
});
