/**
 * The `#config-version=` header (docs/semantics.md#fgt-syntax):
 *   #config-version=FGT60F-7.2.5-FW-build1517-230606:opmode=0:vdom=0:user=admin
 *   #config-version=FGVM64-5.02-FW-build736-160907:opmode=0:vdom=1:user=admin
 *   #config-version=FortiGate-VM64 v6.2.3,build1066,191218 (GA):opmode=1:vdom=0:user=demo
 * `opmode=1` is transparent mode, `vdom=1` a multi-VDOM configuration. `#global_vdom=0:vd_name=x` marks
 * a per-VDOM backup.
 */
export interface Header {
  line?: number;
  model?: string;
  /** As written in the header: `7.2.11`, `5.02`, `6.2.3`. */
  versionText?: string;
  /** Numeric major, minor, patch when the header has them. */
  version?: [number, number, number];
  build?: string;
  transparent: boolean;
  multiVdom: boolean;
  /** `#global_vdom=0:vd_name=root`: a backup of one VDOM only. */
  vdomName?: string;
}

export function readHeader(comments: readonly { line: number; text: string }[]): Header {
  const h: Header = { transparent: false, multiVdom: false };
  for (const c of comments) {
    const t = c.text;
    if (t.startsWith('#config-version=') && h.line === undefined) {
      h.line = c.line;
      const body = t.slice('#config-version='.length);
      const parts = body.split(':');
      const head = parts[0] ?? '';
      for (const p of parts.slice(1)) {
        const [k, v] = p.split('=');
        if (k === 'opmode') h.transparent = v === '1';
        if (k === 'vdom') h.multiVdom = v === '1';
      }
      // FGT60F-7.2.5-FW-build1517-230606
      let m = /^(.+?)-(\d+)\.(\d+)(?:\.(\d+))?-FW-build(\w+)/.exec(head);
      if (m) {
        h.model = m[1];
        h.versionText = `${m[2]}.${m[3]}${m[4] !== undefined ? `.${m[4]}` : ''}`;
        h.version = [Number(m[2]), Number(m[3]), Number(m[4] ?? 0)];
        h.build = m[5];
        continue;
      }
      // FortiGate-VM64 v6.2.3,build1066,191218 (GA)
      m = /^(.+?)\s+v(\d+)\.(\d+)(?:\.(\d+))?,build(\d+)/.exec(head);
      if (m) {
        h.model = m[1];
        h.versionText = `${m[2]}.${m[3]}${m[4] !== undefined ? `.${m[4]}` : ''}`;
        h.version = [Number(m[2]), Number(m[3]), Number(m[4] ?? 0)];
        h.build = m[5];
        continue;
      }
      const dash = head.indexOf('-');
      if (dash > 0) h.model = head.slice(0, dash);
    } else if (t.startsWith('#global_vdom=')) {
      const m = /vd_name=([^:\s]+)/.exec(t);
      if (t.startsWith('#global_vdom=0') && m) h.vdomName = m[1];
    }
  }
  return h;
}

/** True when the header names a version below major.minor (false when the version is unknown). */
export function versionBelow(h: Header, major: number, minor: number): boolean {
  if (!h.version) return false;
  const [a, b] = h.version;
  return a < major || (a === major && b < minor);
}

export function versionAtLeast(h: Header, major: number, minor: number): boolean {
  if (!h.version) return false;
  return !versionBelow(h, major, minor);
}
