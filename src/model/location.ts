/** Where a model object came from. Lines and columns are 1-based; endLine is inclusive. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn?: number;
}

export function formatLocation(loc: SourceLocation): string {
  return `${loc.file}:${loc.line}:${loc.column}`;
}

/**
 * A value that came either from the configuration or from the platform's default.
 * Defaults carry the location of the place the setting would live (e.g. the enclosing
 * section) and the reason the default applies, so findings can say which default caused them.
 */
export interface Setting<T> {
  value: T;
  source: 'explicit' | 'default';
  loc: SourceLocation;
  /** Human explanation: for defaults, which default and why it applies. */
  reason: string;
  /** Set when the vendor documentation does not confirm the value (docs/semantics.md#unconfirmed). */
  uncertain?: string;
  /**
   * With `uncertain`: every value the doubt leaves possible, `value` among them (FortiGate's default UDP
   * idle timer: 180 or 60). A check whose verdict is the same for each is certain, and says the doubt.
   */
  alternatives?: readonly T[];
}
