// Tells a USB barcode scanner (a keyboard wedge: it "types" the code's digits a few
// milliseconds apart, then Enter) from a person typing. Pure: the caller passes each key
// and its timestamp (KeyboardEvent.timeStamp), so it is unit-tested without a DOM.

export interface BurstOptions {
  /** Longest pause between two keys of one scan (scanners: ~1–30 ms; people: 80 ms+). */
  maxGapMs?: number;
  /** Fewest digits that count as a code (slip codes are 11). */
  minLength?: number;
}

const FULL_WIDTH = /^[０-９]$/;

export class ScanBurst {
  private digits = '';
  private lastAt = -Infinity;
  private readonly maxGapMs: number;
  private readonly minLength: number;

  constructor({ maxGapMs = 50, minLength = 6 }: BurstOptions = {}) {
    this.maxGapMs = maxGapMs;
    this.minLength = minLength;
  }

  /** True while a fast run of digits is being collected (the caller may swallow keys). */
  get collecting(): boolean {
    return this.digits.length > 0;
  }

  /**
   * Feeds one key. Returns the scanned code when `key` is the Enter that ends a burst
   * of at least `minLength` digits typed no more than `maxGapMs` apart; otherwise null.
   */
  key(key: string, atMs: number): string | null {
    const gap = atMs - this.lastAt;
    if (/^[0-9]$/.test(key) || FULL_WIDTH.test(key)) {
      const digit = FULL_WIDTH.test(key) ? String.fromCharCode(key.charCodeAt(0) - 0xff10 + 0x30) : key;
      // A slow key starts a new run: a person typed it (or it is the first of a scan).
      this.digits = gap <= this.maxGapMs ? this.digits + digit : digit;
      this.lastAt = atMs;
      return null;
    }
    const code = this.digits;
    const fast = gap <= this.maxGapMs;
    this.reset();
    if (key === 'Enter' && fast && code.length >= this.minLength) return code;
    return null;
  }

  reset(): void {
    this.digits = '';
    this.lastAt = -Infinity;
  }
}
