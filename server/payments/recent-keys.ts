// Keys seen lately, bounded: two generations of at most `perGeneration` keys each; when the newer
// fills up the older is dropped whole, and a key found in the older moves to the newer.
export class RecentKeys {
  private young = new Set<string>();
  private old = new Set<string>();

  constructor(private readonly perGeneration = 10_000) {}

  has(key: string): boolean {
    if (this.young.has(key)) return true;
    if (!this.old.has(key)) return false;
    this.add(key);
    return true;
  }

  add(key: string): void {
    if (this.young.size >= this.perGeneration) {
      this.old = this.young;
      this.young = new Set();
    }
    this.young.add(key);
  }
}
