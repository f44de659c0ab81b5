// The shift-handover wizard (交接班): its five steps, what each step needs before the next
// one, which step an error from the core belongs to, the mapping to `HandoverInput`, the
// reprint stamp and the signature pad's blank check. Pure (no Svelte, no DOM): unit-tested.
// The core checks everything again when sealing (PINs, signatures, the checklist, and the
// sealing rule: every problem of the joint check has its follow-up with a deadline and whom
// it was reported to, and when).
import type { AppError, ChecklistItem, CheckResult, HandedOver, HandoverInput, ProblemFollowUp } from '../bindings';
import { type EntryContext, normaliseDate, parseClock, resolveClock } from '../duty/duty-form';
import {
  HANDED_OVER_COUNT_MAX,
  INK_MAX_LUMA,
  INK_MIN_ALPHA,
  LUMA_WEIGHTS_PER_MILLE,
  MIN_INK_HEIGHT,
  MIN_INK_PIXELS,
  MIN_INK_WIDTH,
} from '../bindings/form-rules';
import { uiError } from '../shared/errors';
import { normalisePin, toAsciiDigits } from '../shared/input';

export const STEPS = ['summary', 'check', 'items', 'sign', 'seal'] as const;
export type Step = (typeof STEPS)[number];

/** Usual things handed over (`handover.itemChoices.<key>`). */
export const ITEM_KEYS = ['keys', 'radio', 'phone', 'flashlight', 'logbook', 'baton'] as const;

export interface CheckAnswer {
  item: string;
  /** null: not answered yet. */
  ok: boolean | null;
  note: string;
  /** A problem's follow-up (限期整改): deadline `YYYY-MM-DD` as typed, whom it was reported
   *  to, when ("HH:MM"), and who sees to it (blank: the incoming guard). */
  deadline: string;
  reportedTo: string;
  reportedAt: string;
  owner: string;
}

export interface ItemRow {
  item: string;
  count: string;
}

export interface WizardForm {
  checks: CheckAnswer[];
  items: ItemRow[];
  notes: string;
  outgoingGuardId: number | null;
  outgoingPin: string;
  incomingGuardId: number | null;
  incomingPin: string;
  /** Whether each pad has enough ink (see `hasInk`). */
  outgoingSigned: boolean;
  incomingSigned: boolean;
}

export function emptyWizard(checklist: readonly ChecklistItem[], outgoingGuardId: number | null): WizardForm {
  return {
    checks: checklist
      .filter((c) => c.active)
      .map((c) => ({ item: c.label, ok: null, note: '', deadline: '', reportedTo: '', reportedAt: '', owner: '' })),
    items: [{ item: '', count: '1' }],
    notes: '',
    outgoingGuardId,
    outgoingPin: '',
    incomingGuardId: null,
    incomingPin: '',
    outgoingSigned: false,
    incomingSigned: false,
  };
}

/** The check list as the core wants it (only answered items; the core names a missing one). */
export function checkResults(checks: readonly CheckAnswer[]): CheckResult[] {
  return checks
    .filter((c) => c.ok !== null)
    .map((c) => ({ item: c.item, ok: c.ok === true, note: c.note.trim() === '' ? null : c.note.trim() }));
}

/** Item rows → `HandedOver[]`: blank rows dropped, counts as whole numbers. */
export function handedOver(rows: readonly ItemRow[]): HandedOver[] | AppError {
  const out: HandedOver[] = [];
  for (const row of rows) {
    const item = row.item.trim();
    const countText = toAsciiDigits(row.count.trim());
    if (item === '' && (countText === '' || countText === '0' || countText === '1')) continue;
    if (item === '') return uiError('required', 'handed_over');
    if (!/^\d+$/.test(countText)) return uiError('not_a_number', 'handed_over');
    if (Number(countText) > HANDED_OVER_COUNT_MAX) {
      return { ...uiError('out_of_range', 'handed_over'), params: { min: '0', max: String(HANDED_OVER_COUNT_MAX) } };
    }
    out.push({ item, count: Number(countText) });
  }
  return out;
}

/** What stops the guard from leaving `step` (null: nothing). Mirrors the core's checks. */
export function stepError(step: Step, form: WizardForm): AppError | null {
  switch (step) {
    case 'check': {
      for (const c of form.checks) {
        if (c.ok === null) return withItem(uiError('checklist_incomplete', 'checklist'), c.item);
        if (c.ok === false) {
          const missing = problemError(c);
          if (missing) return withItem(missing, c.item);
        }
      }
      return null;
    }
    case 'items': {
      const items = handedOver(form.items);
      return 'code' in items ? items : null;
    }
    case 'sign': {
      if (form.outgoingGuardId === null) return uiError('required', 'outgoing_guard_id');
      if (normalisePin(form.outgoingPin) === '') return uiError('required', 'outgoing_pin');
      if (!form.outgoingSigned) return uiError('signature_blank', 'outgoing_signature');
      if (form.incomingGuardId === null) return uiError('required', 'incoming_guard_id');
      if (form.incomingGuardId === form.outgoingGuardId) return uiError('same_guard', 'incoming_guard_id');
      if (normalisePin(form.incomingPin) === '') return uiError('required', 'incoming_pin');
      if (!form.incomingSigned) return uiError('signature_blank', 'incoming_signature');
      return null;
    }
    default:
      return null;
  }
}

/** What a problem still lacks before the handover can seal (the core's sealing rule). */
function problemError(c: CheckAnswer): AppError | null {
  if (c.note.trim() === '') return uiError('checklist_note_required', 'checklist');
  if (c.deadline.trim() === '') return uiError('required', 'problem_deadline');
  if (c.reportedTo.trim() === '') return uiError('required', 'problem_reported_to');
  if (c.reportedAt.trim() === '') return uiError('required', 'problem_reported_at_ms');
  if (parseClock(c.reportedAt) === null) return uiError('time_format', 'problem_reported_at_ms');
  return null;
}

/** The failed checks still missing part of their follow-up (for the step's counter). */
export function problemsMissing(checks: readonly CheckAnswer[]): number {
  return checks.filter((c) => c.ok === false && problemError(c) !== null).length;
}

/** The failed checks' follow-ups as the core wants them. */
export function problemFollowUps(checks: readonly CheckAnswer[], ctx: EntryContext): ProblemFollowUp[] {
  return checks
    .filter((c) => c.ok === false)
    .map((c) => {
      const minutes = parseClock(c.reportedAt);
      return {
        item: c.item,
        owner: c.owner.trim(),
        deadline: normaliseDate(c.deadline),
        reportedTo: c.reportedTo.trim(),
        reportedAtMs: minutes === null ? null : resolveClock(minutes, ctx.nowMs, ctx.startHour),
      };
    });
}

function withItem(err: AppError, item: string): AppError {
  return { ...err, params: { ...err.params, item } };
}

/** The first step that is not ready before `target` (so a jump ahead stops there). */
export function firstBlockedBefore(target: Step, form: WizardForm): { step: Step; error: AppError } | null {
  for (const step of STEPS.slice(0, STEPS.indexOf(target))) {
    const error = stepError(step, form);
    if (error) return { step, error };
  }
  return null;
}

/** Which step shows an error the core sent back when sealing. */
export function stepForField(field: string | null): Step {
  switch (field) {
    case 'checklist':
    case 'problems':
    case 'problem_owner':
    case 'problem_deadline':
    case 'problem_reported_to':
    case 'problem_reported_at_ms':
      return 'check';
    case 'handed_over':
    case 'handover_notes':
      return 'items';
    case 'outgoing_pin':
    case 'incoming_pin':
    case 'pin':
    case 'outgoing_signature':
    case 'incoming_signature':
    case 'incoming_guard_id':
    case 'outgoing_guard_id':
      return 'sign';
    default:
      return 'seal';
  }
}

/** Everything collected → the core's `HandoverInput` (signatures are added by the caller). */
export function toHandoverInput(
  form: WizardForm,
  signatures: { outgoing: number[]; incoming: number[] },
  ctx: EntryContext,
): HandoverInput | AppError {
  const items = handedOver(form.items);
  if ('code' in items) return items;
  return {
    outgoingGuardId: form.outgoingGuardId ?? 0,
    outgoingPin: normalisePin(form.outgoingPin),
    outgoingSignature: signatures.outgoing,
    incomingGuardId: form.incomingGuardId ?? 0,
    incomingPin: normalisePin(form.incomingPin),
    incomingSignature: signatures.incoming,
    checklist: checkResults(form.checks),
    handedOver: items,
    notes: form.notes.trim() === '' ? null : form.notes.trim(),
    problems: problemFollowUps(form.checks, ctx),
  };
}

/** A slip printed after the first print is a reprint (补打 / REPRINT). `prints` counts this one. */
export function isReprint(prints: number): boolean {
  return prints > 1;
}

// --- signature pad ---

/** RGBA pixels, as in `ImageData`. */
export interface Pixels {
  data: ArrayLike<number>;
  width: number;
  height: number;
}

/**
 * Whether a drawing carries a real signature: at least MIN_INK_PIXELS opaque dark pixels
 * spanning at least MIN_INK_WIDTH × MIN_INK_HEIGHT. A blank pad or a dot is not one.
 */
export function hasInk(px: Pixels): boolean {
  const [wr, wg, wb] = LUMA_WEIGHTS_PER_MILLE;
  let ink = 0;
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -1;
  let maxY = -1;
  for (let y = 0; y < px.height; y++) {
    for (let x = 0; x < px.width; x++) {
      const i = (y * px.width + x) * 4;
      const luma = (px.data[i] * wr + px.data[i + 1] * wg + px.data[i + 2] * wb) / 1000;
      if (px.data[i + 3] > INK_MIN_ALPHA && luma < INK_MAX_LUMA) {
        ink++;
        if (x < minX) minX = x;
        if (y < minY) minY = y;
        if (x > maxX) maxX = x;
        if (y > maxY) maxY = y;
      }
    }
  }
  return ink >= MIN_INK_PIXELS && maxX - minX + 1 >= MIN_INK_WIDTH && maxY - minY + 1 >= MIN_INK_HEIGHT;
}
