/** Makes rule ids unique inside one file: identical rules and reused vendor ids (pfSense trackers) occur. */
export class IdRegistry {
  private readonly seen = new Map<string, number>();

  unique(id: string): string {
    const n = this.seen.get(id);
    if (n === undefined) {
      this.seen.set(id, 1);
      return id;
    }
    this.seen.set(id, n + 1);
    return `${id}~${n + 1}`;
  }
}
