// The vehicle desk's data (车辆登记): what the plate check means for the guard, the outside
// vehicle form and its inspection checklist, and their mapping to the core's
// `NewVehicleVisit`. Pure (no Svelte, no DOM) so every rule is unit-tested. The core
// normalises and validates the plate itself (O→0, I→1, special plates); the UI only shows
// what the core said.
import type {
  AppError,
  ChecklistItem,
  CheckResult,
  NewVehicleVisit,
  PlateCheck,
  SupervisorOverride,
  VehicleType,
  Screening,
} from '../bindings';
import { uiError } from '../shared/errors';
import { normaliseIdNumber, toAsciiDigits } from '../shared/input';
import { normalisePhone, normalisePlate, textOrNull } from '../visitors/visit-form';
import { acknowledge, afterScreen, type WatchFlow, withOverride } from '../shared/watchflow';

/** In the order of the select: 小客车 first (the default). */
export const VEHICLE_TYPES: readonly VehicleType[] = ['car', 'van', 'truck', 'bus', 'motorcycle', 'other'];

/** The core's plate validation codes: each can be overridden by confirming a special plate. */
export const PLATE_ERROR_CODES = ['plate_not_civil', 'plate_too_short', 'plate_too_long', 'plate_letter', 'plate_format'];

export function isPlateError(err: AppError | null): boolean {
  return err !== null && PLATE_ERROR_CODES.includes(err.code);
}

/** A plate long enough to be worth checking after a pause in typing (7 or more characters). */
export function plateReadyToCheck(text: string): boolean {
  return [...normalisePlate(text)].length >= 7;
}

/** What the desk shows under the plate field. */
export interface PlateNotice {
  /** The plate as the core normalised it (from the check, or from a plate error). */
  plate: string | null;
  /** O→0 / I→1 were applied: show "已将 O 更正为 0 / I 更正为 1". */
  corrected: boolean;
  /** The plate fits no civil form: offer "特殊车牌确认". */
  canConfirmSpecial: boolean;
}

export function plateNotice(check: PlateCheck | null, err: AppError | null): PlateNotice {
  if (check) return { plate: check.plate.plate, corrected: check.plate.corrected, canConfirmSpecial: false };
  if (err && isPlateError(err)) {
    return {
      plate: err.params.plate ?? null,
      corrected: err.params.corrected === '1',
      canConfirmSpecial: true,
    };
  }
  return { plate: null, corrected: false, canConfirmSpecial: false };
}

/**
 * What the guard does with a checked plate:
 * inside → 车辆出场; registered (valid today) → 登记车辆放行 with one action;
 * expired → the registration lapsed or is disabled: register as an outside vehicle;
 * outside → the check-in form.
 */
export type PlateOutcome = 'inside' | 'registered' | 'expired' | 'outside';

export function plateOutcome(check: PlateCheck): PlateOutcome {
  if (check.inside) return 'inside';
  if (check.registered?.validToday) return 'registered';
  if (check.registered) return 'expired';
  return 'outside';
}

export interface VehicleForm {
  vehicleType: VehicleType;
  colour: string;
  driverName: string;
  driverPhone: string;
  driverIdNumber: string;
  organisation: string;
  purpose: string;
  passengers: string;
  linkedVisitIds: number[];
  notes: string;
}

export function emptyVehicleForm(): VehicleForm {
  return {
    vehicleType: 'car',
    colour: '',
    driverName: '',
    driverPhone: '',
    driverIdNumber: '',
    organisation: '',
    purpose: '',
    passengers: '',
    linkedVisitIds: [],
    notes: '',
  };
}

/** Passengers: "" → 0, digits (also full-width) → number, anything else → undefined. */
export function parsePassengers(text: string): number | undefined {
  const t = toAsciiDigits(text.trim());
  if (t === '') return 0;
  return /^\d{1,3}$/.test(t) ? Number(t) : undefined;
}

/** One checklist row: not answered yet (null), OK (true) or a problem (false) with a note. */
export interface InspectionAnswer {
  ok: boolean | null;
  note: string;
}
export type InspectionState = Record<string, InspectionAnswer>;

/** Every active item unanswered; answers already given to items still listed are kept. */
export function emptyInspection(items: readonly ChecklistItem[], previous: InspectionState = {}): InspectionState {
  const state: InspectionState = {};
  for (const item of items) state[item.label] = previous[item.label] ?? { ok: null, note: '' };
  return state;
}

/**
 * The answers as the core's `CheckResult`s, in checklist order. Unanswered items are left
 * out (the core then names the first one: checklist_incomplete, param item). A note is
 * kept for OK items too (e.g. "后备箱有工具"), trimmed; blank → null.
 */
export function inspectionResults(items: readonly ChecklistItem[], state: InspectionState): CheckResult[] {
  const results: CheckResult[] = [];
  for (const item of items) {
    const answer = state[item.label];
    if (!answer || answer.ok === null) continue;
    results.push({ item: item.label, ok: answer.ok, note: textOrNull(answer.note) });
  }
  return results;
}

/** Which checklist row an error belongs to (checklist errors carry param `item` = the label). */
export function inspectionErrorItem(err: AppError | null): string | null {
  if (!err || err.field !== 'checklist') return null;
  return err.params.item ?? null;
}

export interface VehicleExtras {
  photo: number[] | null;
  acknowledgedWatchlist: number[];
  watchlistOverride: SupervisorOverride | null;
}

/** The form as the core's NewVehicleVisit, or the UI error for a field to fix first. */
export function toNewVehicleVisit(
  plate: string,
  confirmSpecial: boolean,
  form: VehicleForm,
  inspection: CheckResult[],
  extras: VehicleExtras,
): NewVehicleVisit | AppError {
  const passengers = parsePassengers(form.passengers);
  if (passengers === undefined) return uiError('not_a_number', 'passengers');
  return {
    plate: normalisePlate(plate),
    confirmSpecial,
    vehicleType: form.vehicleType,
    colour: textOrNull(form.colour),
    driverName: form.driverName.trim(),
    driverPhone: normalisePhone(form.driverPhone),
    driverIdNumber: textOrNull(normaliseIdNumber(form.driverIdNumber)),
    organisation: textOrNull(form.organisation),
    purpose: form.purpose.trim(),
    passengers,
    linkedVisitIds: [...form.linkedVisitIds],
    inspection,
    notes: textOrNull(form.notes),
    photo: extras.photo,
    acknowledgedWatchlist: [...extras.acknowledgedWatchlist],
    watchlistOverride: extras.watchlistOverride,
  };
}

/**
 * A new screening of the same vehicle (e.g. the driver's name added to the plate) keeps
 * what the guard already did: when every hit was already on screen and acknowledged, it
 * stays acknowledged, and a supervisor's approval stays when it covered every deny hit.
 */
export function carryOver(prev: WatchFlow, key: string, screening: Screening): WatchFlow {
  const hits = screening.hits;
  let next = afterScreen(key, screening);
  if (hits.length === 0 || !prev.acknowledged) return next;
  const seen = new Set(prev.hits.map((h) => h.entryId));
  if (!hits.every((h) => seen.has(h.entryId))) return next;
  next = acknowledge(next);
  if (prev.override) next = withOverride(next, prev.override);
  return next;
}
