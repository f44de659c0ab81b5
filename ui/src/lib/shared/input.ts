// Clean-up of what a guard or a keyboard-wedge scanner typed, before it goes to the core.
// The core still validates everything; this only removes noise the guard cannot see.

const FULL_WIDTH_DIGIT = /[０-９]/g;

/** Full-width digits (typed with a Chinese IME active) to ASCII. */
export function toAsciiDigits(text: string): string {
  return text.replace(FULL_WIDTH_DIGIT, (c) => String.fromCharCode(c.charCodeAt(0) - 0xff10 + 0x30));
}

/** ID number: no spaces, ASCII digits, upper-case X (also from full-width ｘ/Ｘ). */
export function normaliseIdNumber(text: string): string {
  return toAsciiDigits(text.replace(/\s+/g, '')).replace(/[xｘＸ]/g, 'X');
}

/** PIN: digits only as typed, but full-width digits count. */
export function normalisePin(text: string): string {
  return toAsciiDigits(text.trim());
}
