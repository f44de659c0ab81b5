// Goods at the gate (物资): deliveries coming in and exit permits (出门证 / 放行条) checked
// against the vehicle (物资核对). Pure mappings to the core's `NewDelivery` /
// `NewExitPermit`, unit-tested. Quantities and dates go to the core as typed (only
// full-width digits become ASCII): the core parses them and names the field when wrong,
// so "lots" or "-3" reach it and come back as a clear message.
import type { AppError, NewDelivery, NewExitPermit, SupervisorOverride } from '../bindings';
import { toAsciiDigits } from '../shared/input';
import { textOrNull } from '../visitors/visit-form';

/** Quantity as typed; only full-width digits (IME on) become ASCII. */
export function cleanQuantity(text: string): string {
  return toAsciiDigits(text.trim());
}

/** A date as typed, with full-width digits and 2026/11/30 or 2026.11.30 read as 2026-11-30. */
export function cleanDate(text: string): string {
  return toAsciiDigits(text.trim()).replace(/[/.．／－—]/g, '-');
}

/** Today's local date as YYYY-MM-DD (the permit date's default). */
export function localDate(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export interface DeliveryForm {
  description: string;
  quantity: string;
  unit: string;
  recipient: string;
  /** The vehicle that brought it (on site), or null. */
  vehicleVisitId: number | null;
}

export function emptyDelivery(): DeliveryForm {
  return { description: '', quantity: '', unit: '', recipient: '', vehicleVisitId: null };
}

export function toNewDelivery(form: DeliveryForm): NewDelivery {
  return {
    vehicleVisitId: form.vehicleVisitId,
    description: form.description.trim(),
    quantity: cleanQuantity(form.quantity),
    unit: form.unit.trim(),
    recipient: form.recipient.trim(),
  };
}

/** One line of the permit as the guard checks it: matched (ticked) or not, with a note. */
export interface PermitLine {
  description: string;
  quantity: string;
  unit: string;
  matched: boolean;
  note: string;
}

export interface PermitForm {
  permitNumber: string;
  department: string;
  issuedBy: string;
  issuedOn: string;
  returnable: boolean;
  dueOn: string;
  vehicleVisitId: number | null;
  lines: PermitLine[];
  discrepancyNote: string;
}

export function emptyLine(): PermitLine {
  return { description: '', quantity: '', unit: '', matched: false, note: '' };
}

export function emptyPermit(today: string): PermitForm {
  return {
    permitNumber: '',
    department: '',
    issuedBy: '',
    issuedOn: today,
    returnable: false,
    dueOn: '',
    vehicleVisitId: null,
    lines: [emptyLine()],
    discrepancyNote: '',
  };
}

/** A line nothing was typed into (not ticked either): left out, not an error. */
export function isBlankLine(line: PermitLine): boolean {
  return (
    line.description.trim() === '' && line.quantity.trim() === '' && line.unit.trim() === '' && line.note.trim() === '' && !line.matched
  );
}

/**
 * What the gate decides: every line matched → 放行; any line not matched → 扣留;
 * nothing typed yet → no verdict.
 */
export function permitVerdict(lines: readonly PermitLine[]): 'release' | 'hold' | 'empty' {
  const used = lines.filter((l) => !isBlankLine(l));
  if (used.length === 0) return 'empty';
  return used.every((l) => l.matched) ? 'release' : 'hold';
}

export interface PermitDraft {
  permit: NewExitPermit;
  /** For each item sent, its index in `form.lines` (the core's `line` param is 1-based over the sent items). */
  lineIndex: number[];
}

/** The form as the core's NewExitPermit; `release` is only sent with a discrepancy. */
export function toNewExitPermit(form: PermitForm, release: SupervisorOverride | null = null): PermitDraft {
  const lineIndex: number[] = [];
  const items = form.lines.flatMap((line, i) => {
    if (isBlankLine(line)) return [];
    lineIndex.push(i);
    return [
      {
        description: line.description.trim(),
        quantity: cleanQuantity(line.quantity),
        unit: line.unit.trim(),
        matched: line.matched,
        note: textOrNull(line.note),
      },
    ];
  });
  const discrepancy = items.some((i) => !i.matched);
  return {
    permit: {
      permitNumber: form.permitNumber.trim(),
      department: form.department.trim(),
      issuedBy: form.issuedBy.trim(),
      issuedOn: cleanDate(form.issuedOn),
      returnable: form.returnable,
      dueOn: form.returnable ? cleanDate(form.dueOn) : '',
      vehicleVisitId: form.vehicleVisitId,
      items,
      discrepancyNote: discrepancy ? textOrNull(form.discrepancyNote) : null,
      release: discrepancy ? release : null,
    },
    lineIndex,
  };
}

/** The form line an item error belongs to (param `line`, 1-based over the items sent). */
export function errorLine(err: AppError | null, lineIndex: readonly number[]): number | null {
  if (!err || err.params.line === undefined) return null;
  const n = Number(err.params.line);
  if (!Number.isInteger(n) || n < 1 || n > lineIndex.length) return null;
  return lineIndex[n - 1];
}

/** Item errors name item_description / item_quantity / item_unit / item_note: the column. */
export const ITEM_FIELDS = ['item_description', 'item_quantity', 'item_unit', 'item_note'] as const;
