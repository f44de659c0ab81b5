// Scanner bursts vs people typing.
import { describe, expect, it } from 'vitest';
import { ScanBurst } from './scanner';

/** Feeds `keys` starting at t0, `gap` ms apart; returns what the last key produced. */
function feed(burst: ScanBurst, keys: string[], gap: number, t0 = 1000): (string | null)[] {
  return keys.map((k, i) => burst.key(k, t0 + i * gap));
}

const SLIP = '20250307001';

describe('ScanBurst', () => {
  it('reads a scanner: 11 digits ~8 ms apart then Enter', () => {
    const out = feed(new ScanBurst(), [...SLIP, 'Enter'], 8);
    expect(out.slice(0, -1).every((r) => r === null)).toBe(true);
    expect(out.at(-1)).toBe(SLIP);
  });

  it('ignores a person typing the same digits 150 ms apart', () => {
    expect(feed(new ScanBurst(), [...SLIP, 'Enter'], 150).at(-1)).toBeNull();
  });

  it('ignores a fast burst that is too short (e.g. a PIN-like 3 digits)', () => {
    expect(feed(new ScanBurst(), ['1', '2', '3', 'Enter'], 5).at(-1)).toBeNull();
  });

  it('needs the Enter to follow the digits quickly', () => {
    const b = new ScanBurst();
    feed(b, [...SLIP], 5, 0);
    expect(b.key('Enter', 10 * 5 + 400)).toBeNull();
  });

  it('starts again after a slow key: only the fast tail counts', () => {
    const b = new ScanBurst({ minLength: 11 });
    b.key('9', 0); // a stray key typed by hand long before the scan
    const out = feed(b, [...SLIP, 'Enter'], 6, 500);
    expect(out.at(-1)).toBe(SLIP);
  });

  it('is interrupted by any other key', () => {
    const b = new ScanBurst();
    const out = feed(b, ['1', '2', '3', 'a', '4', '5', '6', '7', 'Enter'], 5);
    expect(out.at(-1)).toBeNull();
  });

  it('maps full-width digits (IME on) to ASCII', () => {
    const full = [...'２０２５０３０７００１'];
    expect(feed(new ScanBurst({ minLength: 11 }), [...full, 'Enter'], 5).at(-1)).toBe('20250307001');
  });

  it('reads two scans in a row and resets in between', () => {
    const b = new ScanBurst();
    expect(feed(b, [...SLIP, 'Enter'], 5, 0).at(-1)).toBe(SLIP);
    expect(b.collecting).toBe(false);
    expect(feed(b, [...'30000000002', 'Enter'], 5, 2000).at(-1)).toBe('30000000002');
  });
});
