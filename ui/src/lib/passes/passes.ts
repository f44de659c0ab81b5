// Holiday passes (通行证) on the client: pure helpers for the scan screen, the issue form,
// the pass list and the import report. No Svelte state and no DOM here, so every rule is
// unit-tested directly (passes.test.ts). The core decides every outcome; this only maps
// what it answered to colours and words, and turns form text into the core's types.
import type { AppError, Distrusted, ImportProblem, Outcome, PassKey, PassKind, PassRow, RevocationFile, ScanResult } from '../bindings';
import { errorMessage, fieldLabel, importProblemError, uiError } from '../shared/errors';
import { toAsciiDigits } from '../shared/input';
import { interpolate } from '../i18n/translate';
import type { Dictionary } from '../i18n/types';

/** Every outcome the core answers, as a record so a new one fails `npm run check`. */
const OUTCOME_SET = {
  valid: true,
  expired: true,
  not_yet_valid: true,
  outside_window: true,
  wrong_gate: true,
  revoked: true,
  forged: true,
  key_distrusted: true,
  key_misused: true,
  unknown_key: true,
  malformed: true,
  already_inside: true,
  uses_exhausted: true,
  clock_behind: true,
} satisfies Record<Outcome, true>;
export const OUTCOMES = Object.keys(OUTCOME_SET) as Outcome[];

export const PASS_KINDS: readonly PassKind[] = ['holiday_resident', 'staff', 'contractor', 'temporary_visitor'];

/** Forged codes (a bad signature, or a misused key) are a security event (报告保卫处), not just a refusal. */
const ALARM: ReadonlySet<Outcome> = new Set<Outcome>(['forged', 'key_misused']);

export type Tone = 'ok' | 'override' | 'refused' | 'alarm';

export interface OutcomeView {
  tone: Tone;
  /** The big word: 通过 / 已过期 / 主管放行 ... */
  title: string;
  /** What the guard does now. */
  help: string;
  /** For a supervisor's let-in: why it had been refused. */
  originalReason: string | null;
  /** A revoked pass: why it was revoked (its own line). */
  detail: string | null;
  /** A refusal the supervisor may override. */
  canOverride: boolean;
}

/**
 * The full-screen answer for a scan: green for accepted, red for refused (with the
 * reason), and a supervisor's let-in (accepted, outcome still the refusal) in amber
 * with the original reason.
 */
export function outcomeView(result: Pick<ScanResult, 'outcome' | 'accepted' | 'revokeReason'>, dict: Dictionary): OutcomeView {
  const p = dict.passes;
  const reason = p.outcomes[result.outcome];
  if (result.accepted && result.outcome === 'valid') {
    return { tone: 'ok', title: reason, help: p.outcomeHelp.valid, originalReason: null, detail: null, canOverride: false };
  }
  if (result.accepted) {
    return {
      tone: 'override',
      title: p.scan.overridden,
      help: p.outcomeHelp.valid,
      originalReason: interpolate(p.scan.originalReason, { reason }),
      detail: null,
      canOverride: false,
    };
  }
  const revokeReason = result.revokeReason.trim();
  return {
    tone: ALARM.has(result.outcome) ? 'alarm' : 'refused',
    title: reason,
    help: p.outcomeHelp[result.outcome],
    originalReason: null,
    detail: result.outcome === 'revoked' && revokeReason !== '' ? interpolate(p.scan.revokeReason, { reason: revokeReason }) : null,
    canOverride: true,
  };
}

/** How long the answer stays on screen: a refusal longer, the guard has to act on it. */
export const ACCEPTED_SHOW_MS = 4000;
export const REFUSED_SHOW_MS = 10_000;
export const showMsFor = (accepted: boolean): number => (accepted ? ACCEPTED_SHOW_MS : REFUSED_SHOW_MS);

/**
 * One pending "clear the answer" timer. `show` (re)starts it, `hold` stops it while the
 * override dialog is open, `clear` fires it at once (next scan, Esc, a click). `onClear`
 * runs exactly once per shown answer; it clears the answer and puts focus back.
 */
export class ResultTimer {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private shown = false;

  constructor(private readonly onClear: () => void) {}

  get showing(): boolean {
    return this.shown;
  }

  show(ms: number): void {
    this.stop();
    this.shown = true;
    this.timer = setTimeout(() => this.clear(), ms);
  }

  /** Keeps the answer up (no timer) until `show` or `clear`. */
  hold(): void {
    this.stop();
  }

  clear(): void {
    this.stop();
    if (!this.shown) return;
    this.shown = false;
    this.onClear();
  }

  private stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}

/** What the scanner typed: full-width digits to ASCII, spaces out (the core maps them too). */
export function cleanPassCode(text: string): string {
  return toAsciiDigits(text.replace(/[\s\u3000]+/g, ''));
}

// --- datetime-local <-> ms ---

const pad = (n: number): string => String(n).padStart(2, '0');

/** `<input type="datetime-local">` value ("YYYY-MM-DDTHH:MM", local time) to UTC ms; null if empty or bad. */
export function localInputToMs(value: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number);
  const date = new Date(y, mo - 1, d, h, mi, s, 0);
  // new Date rolls 2026-02-30 over to March: refuse instead of guessing.
  if (date.getFullYear() !== y || date.getMonth() !== mo - 1 || date.getDate() !== d || date.getHours() !== h) {
    return null;
  }
  return date.getTime();
}

/** UTC ms to a datetime-local value (local time, minutes). */
export function msToLocalInput(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Default validity for a new pass: from now (to the minute) to the end of day +`days`. */
export function defaultValidity(nowMs: number, days = 30): { from: string; to: string } {
  const from = new Date(nowMs);
  from.setSeconds(0, 0);
  const to = new Date(nowMs);
  to.setDate(to.getDate() + days);
  to.setHours(23, 59, 0, 0);
  return { from: msToLocalInput(from.getTime()), to: msToLocalInput(to.getTime()) };
}

// --- gates: text <-> list ---

export const MAX_GATE = 16;

/**
 * "1,2" / "1，2" / "1 2" / "1、2" / "１,２" to [1, 2] (sorted, no repeats); "" to [] (every
 * gate). A number outside 1–16 or a word is an error at the gates field.
 */
export function parseGates(text: string): { gates: number[] } | { error: AppError } {
  const parts = toAsciiDigits(text)
    .split(/[\s,，、;；]+/)
    .filter((p) => p !== '');
  const gates = new Set<number>();
  for (const part of parts) {
    if (!/^\d{1,2}$/.test(part)) return { error: uiError('gates_invalid', 'gates') };
    const n = Number(part);
    if (n < 1 || n > MAX_GATE) return { error: uiError('gates_invalid', 'gates') };
    gates.add(n);
  }
  return { gates: [...gates].sort((a, b) => a - b) };
}

export function formatGates(gates: readonly number[]): string {
  return [...gates].sort((a, b) => a - b).join(',');
}

/** Toggles one gate in the text field (the checkbox helpers beside it). */
export function toggleGate(text: string, gate: number): string {
  const parsed = parseGates(text);
  const list = 'gates' in parsed ? parsed.gates : [];
  return formatGates(list.includes(gate) ? list.filter((g) => g !== gate) : [...list, gate]);
}

/** "全部门岗" for an empty list, else "1、2号门" / "Gates 1, 2". */
export function gatesText(gates: readonly number[], dict: Dictionary): string {
  if (gates.length === 0) return dict.passes.list.allGates;
  return interpolate(dict.passes.list.gatesList, { gates: gates.join(dict.passes.list.gatesSeparator) });
}

// --- other form fields ---

/** Max uses: empty = no limit (null); a whole number ≥ 1; anything else an error. */
export function parseMaxUses(text: string): { value: number | null } | { error: AppError } {
  const t = toAsciiDigits(text.trim());
  if (t === '') return { value: null };
  if (!/^\d+$/.test(t)) return { error: uiError('not_a_number', 'max_uses') };
  return { value: Number(t) };
}

/** Daily window as typed ("6:00－22:00", full-width) to what the core parses ("6:00-22:00"). */
export function cleanWindow(text: string): string {
  return toAsciiDigits(text.trim())
    .replace(/[：]/g, ':')
    .replace(/\s+/g, '')
    .replace(/[－—–~～至到]/g, '-');
}

// --- the pass list (each row's status comes from the core, by the scan's own checks) ---

/** A signing key's state in the key list: distrusted (停用, permanent) wins over the rest. */
export type KeyState = 'distrusted' | 'current' | 'retired' | 'verify_only';
export function keyState(key: Pick<PassKey, 'current' | 'retiredAtMs' | 'distrustedAtMs'>): KeyState {
  if (key.distrustedAtMs !== null) return 'distrusted';
  if (key.current) return 'current';
  if (key.retiredAtMs !== null) return 'retired';
  return 'verify_only';
}

/** Any key not yet distrusted may be (own or imported, current or not). */
export const canDistrust = (key: Pick<PassKey, 'distrustedAtMs'>): boolean => key.distrustedAtMs === null;

/** The line after distrusting: says so when a new key now signs (export it again). */
export function distrustDoneText(done: Distrusted, dict: Dictionary): string {
  const k = dict.passes.keys;
  return done.replacedBy
    ? interpolate(k.distrustedReplaced, { id: done.key.keyId, newId: done.replacedBy.keyId })
    : interpolate(k.distrustDone, { id: done.key.keyId });
}

/** "3/10" or "3/不限". */
export function usesText(row: Pick<PassRow, 'uses' | 'maxUses'>, dict: Dictionary): string {
  return interpolate(dict.passes.list.uses, {
    uses: row.uses,
    max: row.maxUses === null ? dict.passes.list.unlimited : row.maxUses,
  });
}

/** Splits cards into A4 pages: 2 columns × 4 rows of CR80 cards (216 mm high, so the
 * sheet fits inside the margins any printer or the PDF export adds). */
export const CARDS_PER_SHEET = 8;
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

// --- errors on the pass forms ---

/** One line per bad row of an import: "第 3 行，持证人姓名：请填写持证人姓名". */
export function importProblemText(p: ImportProblem, dict: Dictionary): string {
  return interpolate(dict.passes.import.problem, {
    row: p.row,
    field: fieldLabel(p.field, dict),
    reason: errorMessage(importProblemError(p), dict),
  });
}

/** The report's headline: nothing issued (and why), or how many were issued. */
export function importSummary(report: { issued: readonly unknown[]; problems: readonly unknown[] }, dict: Dictionary): string {
  if (report.problems.length > 0) return interpolate(dict.passes.import.nothing, { count: report.problems.length });
  return interpolate(dict.passes.import.done, { count: report.issued.length });
}

// --- files ---

/** A CSV the supervisor saved from Excel on a Chinese PC is GB18030: send UTF-8. */
export function importBytes(fileName: string, bytes: Uint8Array, decode: (b: Uint8Array) => string): number[] {
  if (!fileName.toLowerCase().endsWith('.csv')) return Array.from(bytes);
  return Array.from(new TextEncoder().encode(decode(bytes)));
}

/** Export file names (ASCII, so any USB stick and any OS takes them). */
export const keyFileName = (keyId: number): string => `gatehouse-public-key-${keyId}.json`;
export const revocationFileName = (issuerKeyId: number, number: number): string => `gatehouse-revocations-${issuerKeyId}-${number}.json`;

/** What the supervisor is told about an exported revocation file: the current key's list
 * (first in the file) names it; entries are counted across every key's list. */
export function revocationFileSummary(file: RevocationFile): { file: string; number: number; entries: number } {
  const first = file.lists[0];
  const entries = file.lists.reduce((sum, list) => sum + list.entries.length, 0);
  return {
    file: first ? revocationFileName(first.issuerKeyId, first.number) : 'gatehouse-revocations.json',
    number: first?.number ?? 0,
    entries,
  };
}
