// The duty-log entry form (值班日志 → 新记录) and its mapping to the core's `NewEntry`, plus
// the small date/time helpers the duty log needs. Pure (no Svelte, no DOM): every rule
// here is unit-tested. The core validates everything again (required fields per kind,
// never in the future, never before the duty day); this only turns what the guard typed
// ("14:30", "１４３０", "2026/5/3") into instants and dates and blanks into null.
import type { AppError, EntryKind, IncidentCategory, KeyPlace, NewEntry, PatrolStop, Severity, SpotCheckMode } from '../bindings';
import { SERIOUS_INCIDENT_CATEGORIES } from '../bindings/duty-rules';
import { uiError } from '../shared/errors';
import { normalisePin, toAsciiDigits } from '../shared/input';

/** In the order of the kind select; patrol first (the most frequent entry). */
export const ENTRY_KINDS: readonly EntryKind[] = ['patrol', 'incident', 'call', 'spot_check', 'replacement', 'equipment_check', 'other'];
export const SEVERITIES: readonly Severity[] = ['low', 'medium', 'high', 'critical'];
export const SPOT_CHECK_MODES: readonly SpotCheckMode[] = ['in_person', 'phone'];
/** Quick choices for "reported to" (`duty.reportTo.<key>` in the dictionary). */
export const REPORT_TO_KEYS = ['securityOffice', 'police', 'fire', 'ambulance', 'supervisor'] as const;
/** Follow-up deadline quick choices, in days from today. */
export const DEADLINE_CHOICES = [1, 3, 7] as const;

export interface StopForm {
  place: string;
  visited: boolean;
  anomaly: string;
}

export interface EntryForm {
  kind: EntryKind;
  /** "HH:MM" as typed. Ignored (= now) while `timeTouched` is false. */
  time: string;
  timeTouched: boolean;
  place: string;
  text: string;
  reportedTo: string;
  severity: Severity | '';
  incidentCategory: IncidentCategory | '';
  /** "HH:MM" when it was reported (serious incidents must say). */
  reportedAt: string;
  /** A phone check: the caller's name or number. */
  spotCheckBy: string;
  spotCheckMode: SpotCheckMode;
  /** A desk check: the supervisor (a guard id, as the select's value) and their PIN. */
  spotCheckSupervisorId: string;
  spotCheckPin: string;
  replacementGuard: string;
  replacementFrom: string;
  replacementTo: string;
  stops: StopForm[];
  followUpTitle: string;
  followUpOwner: string;
  followUpDeadline: string;
  /** Open item to close, as the select's value ('' = none). */
  closesItemId: string;
}

export function emptyEntryForm(keyPlaces: readonly KeyPlace[] = [], nowMs: number = Date.now()): EntryForm {
  return {
    kind: 'patrol',
    time: clockText(nowMs),
    timeTouched: false,
    place: '',
    text: '',
    reportedTo: '',
    severity: '',
    incidentCategory: '',
    reportedAt: '',
    spotCheckBy: '',
    spotCheckMode: 'in_person',
    spotCheckSupervisorId: '',
    spotCheckPin: '',
    replacementGuard: '',
    replacementFrom: '',
    replacementTo: '',
    stops: stopsFor(keyPlaces),
    followUpTitle: '',
    followUpOwner: '',
    followUpDeadline: '',
    closesItemId: '',
  };
}

/** One unticked patrol row per active key place. */
export function stopsFor(keyPlaces: readonly KeyPlace[]): StopForm[] {
  return keyPlaces.filter((p) => p.active).map((p) => ({ place: p.name, visited: false, anomaly: '' }));
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** Local "HH:MM" of an instant. */
export function clockText(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/**
 * "14:30", "14：30", "1430", "９:05", "9.05" → minutes after midnight; null when it is not a
 * time of day.
 */
export function parseClock(text: string): number | null {
  const clean = toAsciiDigits(text.trim()).replace(/[：.．]/g, ':');
  const m = /^(\d{1,2}):(\d{2})$/.exec(clean) ?? /^(\d{2})(\d{2})$/.exec(clean) ?? /^(\d)(\d{2})$/.exec(clean);
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (h > 23 || min > 59) return null;
  return h * 60 + min;
}

/** Local midnight of the day `ms` falls on, plus `minutes`. */
function atLocal(ms: number, minutes: number, dayOffset = 0): number {
  const d = new Date(ms);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + dayOffset, Math.floor(minutes / 60), minutes % 60).getTime();
}

/** When the duty day that `nowMs` falls in started (local `startHour`:00). */
export function dutyDayStartMs(nowMs: number, startHour: number): number {
  const today = atLocal(nowMs, startHour * 60);
  return today <= nowMs ? today : atLocal(nowMs, startHour * 60, -1);
}

/**
 * The instant a typed time of day means in the current duty day: the latest moment at that
 * time which is not in the future (a duty day that started at 08:00 yesterday makes "23:30"
 * yesterday evening). A time that only fits in the future stays today, so the core answers
 * "not in the future" rather than "before the duty day".
 */
export function resolveClock(minutes: number, nowMs: number, startHour: number): number {
  const today = atLocal(nowMs, minutes);
  if (today <= nowMs) return today;
  const yesterday = atLocal(nowMs, minutes, -1);
  return yesterday >= dutyDayStartMs(nowMs, startHour) ? yesterday : today;
}

/** The first moment at `minutes` after `fromMs` (the end of a replacement may pass midnight). */
export function clockAfter(minutes: number, fromMs: number): number {
  const same = atLocal(fromMs, minutes);
  return same > fromMs ? same : atLocal(fromMs, minutes, 1);
}

/** "2026/5/3", "2026-5-3", "２０２６年5月3日" → "2026-05-03"; anything else is returned trimmed. */
export function normaliseDate(text: string): string {
  const clean = toAsciiDigits(text.trim());
  const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(clean);
  return m ? `${m[1]}-${pad(Number(m[2]))}-${pad(Number(m[3]))}` : clean;
}

/** "YYYY-MM-DD" plus `days` (calendar arithmetic, no time zone involved). */
export function addDays(day: string, days: number): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return day;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + days));
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** Local "YYYY-MM-DD" of an instant. */
export function localDay(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

const blankToNull = (s: string): string | null => (s.trim() === '' ? null : s.trim());

/** Whether the form's incident must say whom it was reported to and when (the core's list). */
export function isSerious(form: Pick<EntryForm, 'kind' | 'incidentCategory'>): boolean {
  return form.kind === 'incident' && form.incidentCategory !== '' && SERIOUS_INCIDENT_CATEGORIES.includes(form.incidentCategory);
}

export interface EntryContext {
  nowMs: number;
  /** The site's duty-day start hour (Settings.dutyDayStartHour). */
  startHour: number;
}

/**
 * What the guard typed → the core's `NewEntry`, or a UI error naming the field (a time that
 * is not a time). Only the fields of the chosen kind are sent.
 */
export function toNewEntry(form: EntryForm, ctx: EntryContext): NewEntry | AppError {
  let occurredAtMs: number | null = null;
  if (form.timeTouched && form.time.trim() !== '') {
    const minutes = parseClock(form.time);
    if (minutes === null) return uiError('time_format', 'occurred_at_ms');
    occurredAtMs = resolveClock(minutes, ctx.nowMs, ctx.startHour);
  }

  const entry: NewEntry = {
    kind: form.kind,
    occurredAtMs,
    place: blankToNull(form.place),
    text: form.text.trim(),
    reportedTo: blankToNull(form.reportedTo),
    reportedAtMs: null,
    severity: null,
    incidentCategory: null,
    spotCheckBy: null,
    spotCheckMode: null,
    spotCheckSupervisorId: null,
    spotCheckPin: null,
    replacementGuard: null,
    replacementFromMs: null,
    replacementToMs: null,
    patrolStops: [],
    followUp: null,
    closesItemId: form.closesItemId === '' ? null : Number(form.closesItemId),
  };

  if (form.reportedAt.trim() !== '') {
    const minutes = parseClock(form.reportedAt);
    if (minutes === null) return uiError('time_format', 'reported_at_ms');
    entry.reportedAtMs = resolveClock(minutes, ctx.nowMs, ctx.startHour);
  }

  switch (form.kind) {
    case 'incident':
      entry.severity = form.severity === '' ? null : form.severity;
      entry.incidentCategory = form.incidentCategory === '' ? null : form.incidentCategory;
      break;
    case 'spot_check':
      entry.spotCheckMode = form.spotCheckMode;
      if (form.spotCheckMode === 'phone') {
        entry.spotCheckBy = blankToNull(form.spotCheckBy);
      } else {
        entry.spotCheckSupervisorId = form.spotCheckSupervisorId === '' ? null : Number(form.spotCheckSupervisorId);
        entry.spotCheckPin = form.spotCheckPin === '' ? null : normalisePin(form.spotCheckPin);
      }
      break;
    case 'replacement': {
      entry.replacementGuard = blankToNull(form.replacementGuard);
      if (form.replacementFrom.trim() !== '') {
        const from = parseClock(form.replacementFrom);
        if (from === null) return uiError('time_format', 'replacement_from_ms');
        entry.replacementFromMs = resolveClock(from, ctx.nowMs, ctx.startHour);
      }
      if (form.replacementTo.trim() !== '') {
        const to = parseClock(form.replacementTo);
        if (to === null) return uiError('time_format', 'replacement_to_ms');
        entry.replacementToMs =
          entry.replacementFromMs === null ? resolveClock(to, ctx.nowMs, ctx.startHour) : clockAfter(to, entry.replacementFromMs);
      }
      break;
    }
    case 'patrol':
      entry.patrolStops = patrolStops(form);
      break;
    default:
      break;
  }

  const title = form.followUpTitle.trim();
  const owner = form.followUpOwner.trim();
  const deadline = form.followUpDeadline.trim();
  if (title !== '' || owner !== '' || deadline !== '') {
    entry.followUp = { title, owner, deadline: normaliseDate(deadline) };
  }
  return entry;
}

/**
 * The patrol's stops: every key place row (ticked or not, with its anomaly). A site with no
 * key places yet logs the typed place as the one place visited.
 */
export function patrolStops(form: EntryForm): PatrolStop[] {
  if (form.stops.length === 0) {
    const place = form.place.trim();
    return place === '' ? [] : [{ place, visited: true, anomaly: null }];
  }
  return form.stops.map((s) => ({ place: s.place, visited: s.visited, anomaly: blankToNull(s.anomaly) }));
}

/** The form's inputs, in DOM order, for putting an error next to the right one. */
export const ENTRY_FIELDS = [
  'kind',
  'occurred_at_ms',
  'place',
  'severity',
  'incident_category',
  'spot_check_mode',
  'spot_check_supervisor_id',
  'spot_check_pin',
  'spot_check_by',
  'replacement_guard',
  'replacement_from_ms',
  'replacement_to_ms',
  'patrol_stops',
  'text',
  'reported_to',
  'reported_at_ms',
  'follow_up_title',
  'follow_up_owner',
  'follow_up_deadline',
  'closes_item_id',
] as const;

/** After a save the kind, and the follow-up/closing choices, are cleared; the kind stays. */
export function afterSave(form: EntryForm, keyPlaces: readonly KeyPlace[], nowMs: number): EntryForm {
  return { ...emptyEntryForm(keyPlaces, nowMs), kind: form.kind };
}
