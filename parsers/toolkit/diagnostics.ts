import type { Unsupported } from '../../src/model/policy.js';
import { HashIds, IdRegistry } from './ids.js';

/** Reports of one kind are capped so a damaged or huge file does not drown the real findings. */
export const MAX_PER_KIND = 50;
export const MAX_NOTES = 100;

/**
 * What a parser tells besides the model, the same for every vendor: notes (said once each, at most
 * MAX_NOTES), unsupported constructs (at most MAX_PER_KIND of one kind, then one note), and unique
 * rule ids. Vendor contexts extend it with their own ways of locating things.
 */
export class Diagnostics {
  readonly unsupported: Unsupported[] = [];
  readonly notes: string[] = [];
  /** The notes of noteWan, as they are written in `notes`. */
  readonly wanNotes: string[] = [];
  private readonly noted = new Set<string>();
  private readonly kindCount = new Map<string, number>();
  private readonly ids = new IdRegistry();
  private readonly hashIds = new HashIds();

  /** A note, said once per text. */
  note(message: string): void {
    if (this.noted.has(message)) return;
    this.noted.add(message);
    if (this.notes.length === MAX_NOTES) this.notes.push(`more than ${MAX_NOTES} notes; the rest are omitted`);
    if (this.notes.length > MAX_NOTES) return;
    this.notes.push(this.tag(message));
  }

  /**
   * A note on which interfaces the parser took as WAN and why: a run whose --wan chooses them does
   * not show it (src/lint/run.ts), since it would tell the user to pass the flag they passed.
   */
  noteWan(message: string): void {
    const at = this.notes.length;
    this.note(message);
    const written = this.notes[at];
    if (written !== undefined && this.notes.length === at + 1) this.wanNotes.push(written);
  }

  /** A note said once per `key` (the first occurrence's text), so a large file does not repeat it per rule. */
  noteOnce(key: string, message: string): void {
    const k = `key:${key}`;
    if (this.noted.has(k)) return;
    this.noted.add(k);
    this.note(message);
  }

  /** An unsupported construct; `kind` groups the reports that share the cap (default: `what`). */
  report(u: Unsupported, kind = u.what): void {
    const n = (this.kindCount.get(kind) ?? 0) + 1;
    this.kindCount.set(kind, n);
    if (n > MAX_PER_KIND) {
      if (n === MAX_PER_KIND + 1) {
        this.note(
          `more than ${MAX_PER_KIND} statements of the kind "${kind}"; only the first ${MAX_PER_KIND} are reported`,
        );
      }
      return;
    }
    this.unsupported.push(u);
  }

  /** Makes rule ids unique inside one file (see toolkit/ids.ts). */
  uniqueId(id: string): string {
    return this.ids.unique(id);
  }

  /** The occurrence of a content hash under its prefix, for ids built when read (see toolkit/ids.ts HashIds). */
  hashOccurrence(prefix: string, hash: number): number {
    return this.hashIds.occurrence(prefix, hash);
  }

  /** Room for `count` content hashes under `prefix` (see toolkit/ids.ts HashIds.reserve). */
  reserveHashes(prefix: string, count: number): void {
    this.hashIds.reserve(prefix, count);
  }

  /** How a note is written down; a vendor may add what the message cannot know (FortiGate: the VDOM). */
  protected tag(message: string): string {
    return message;
  }
}
