// Token counts of texts seen lately, so a text sent again — a system prompt on every call, the
// earlier turns of a conversation resent with each new one — is not tokenized again. Two
// generations bounded by their characters: a hit in the older one moves to the newer, and when the
// newer fills up the older is dropped whole, so memory stays bounded without per-entry bookkeeping.

/** Characters of text kept per generation (two at most: ~2 × 4 M UTF-16 code units, ~16 MB). */
export const COUNT_CACHE_CHARS = 4 * 1024 * 1024;
/** Longer texts are not kept: one would crowd out many. */
export const COUNT_CACHE_MAX_TEXT = 64 * 1024;

export class CountCache {
  private young = new Map<string, number>();
  private old = new Map<string, number>();
  private youngChars = 0;

  constructor(private readonly maxChars = COUNT_CACHE_CHARS) {}

  get(text: string): number | undefined {
    const hit = this.young.get(text);
    if (hit !== undefined) return hit;
    const aged = this.old.get(text);
    if (aged !== undefined) this.set(text, aged);
    return aged;
  }

  set(text: string, tokens: number): void {
    if (text.length > COUNT_CACHE_MAX_TEXT) return;
    if (this.youngChars + text.length > this.maxChars) {
      this.old = this.young;
      this.young = new Map();
      this.youngChars = 0;
    }
    if (!this.young.has(text)) this.youngChars += text.length;
    this.young.set(text, tokens);
  }

  /** Texts kept, both generations (tests). */
  get size(): number {
    return this.young.size + this.old.size;
  }
}
